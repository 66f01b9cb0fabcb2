"""The site configuration (``etown.toml`` at the project root), checked like the data."""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from etown.pages import LANGUAGES
from etown.problems import UsageError

CONFIG_FILE = "etown.toml"
LANGUAGE_CODES = tuple(language.code for language in LANGUAGES)


@dataclass(frozen=True)
class SiteConfig:
    base_url: str
    """Absolute, ending in a slash."""
    default_language: str
    titles: dict[str, str]

    def absolute(self, path: str) -> str:
        """The public URL of an output file; ``zh/index.html`` is served as ``zh/``."""
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return self.base_url + path

    def absolute_path(self, path: str) -> str:
        """The URL path from the domain root (``/etown/zh/``), for pages served at any depth."""
        return "/" + urlsplit(self.absolute(path)).path.lstrip("/")


def read_config(root: Path, base_url_override: str | None = None) -> SiteConfig:
    path = root / CONFIG_FILE
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise UsageError(f"{CONFIG_FILE}: {error}") from error
    site = raw.get("site", {})
    unknown = sorted(set(site) - {"base_url", "default_language", "title"})
    if unknown:
        raise UsageError(f"{CONFIG_FILE}: unknown setting(s) in [site]: {', '.join(unknown)}")
    if base_url_override is None:
        base_url_override = site.get("base_url", "http://localhost:8000/")
    base_url = normalise_base_url(base_url_override)
    default_language = site.get("default_language", "zh")
    if default_language not in LANGUAGE_CODES:
        raise UsageError(f"{CONFIG_FILE}: default_language must be one of {', '.join(LANGUAGE_CODES)}")
    titles = site.get("title", {})
    missing = [code for code in LANGUAGE_CODES if not isinstance(titles.get(code), str) or not titles[code]]
    if missing:
        raise UsageError(f"{CONFIG_FILE}: [site.title] needs a title for {', '.join(missing)}")
    return SiteConfig(base_url, default_language, {code: titles[code] for code in LANGUAGE_CODES})


def normalise_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(f"the base URL must be an absolute http(s) URL (got: {url!r})")
    return url if url.endswith("/") else url + "/"
