"""The site configuration (``etown.toml`` at the project root), checked like the data."""

import ipaddress
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from etown.languages import LANGUAGES
from etown.load import character_problem
from etown.problems import Problem, UsageError, shorten

CONFIG_FILE = "etown.toml"
LANGUAGE_CODES = tuple(language.code for language in LANGUAGES)
DEFAULT_BASE_URL = "http://localhost:8000/"
_SETTINGS = {"base_url", "default_language", "publisher", "title"}


@dataclass(frozen=True)
class SiteConfig:
    base_url: str
    """Absolute, ending in a slash, with nothing in it that would need escaping."""
    default_language: str
    titles: Mapping[str, str]
    publisher: Mapping[str, str]
    """Who makes and publishes the site, by language: pages, citations and the open data name
    it, so that no reader takes the body the site describes (whose name is its title) for it."""
    base_url_line: int | None = None
    """The line of etown.toml the base URL comes from (of [site] when it sets none), or None when
    ``--base-url`` gave it: where a problem with the address is to be fixed."""

    def absolute(self, path: str) -> str:
        """The public URL of an output file; ``zh/index.html`` is served as ``zh/``."""
        if path == "index.html" or path.endswith("/index.html"):
            path = path[: -len("index.html")]
        return self.base_url + path

    def absolute_path(self, path: str) -> str:
        """The URL path from the domain root (``/etown/zh/``), for pages served at any depth."""
        return "/" + urlsplit(self.absolute(path)).path.lstrip("/")


def read_config(root: Path, base_url_override: str | None = None) -> tuple[SiteConfig | None, list[Problem]]:
    """The configuration, or the problems in ``etown.toml`` that keep it from being used.

    A bad ``--base-url`` is the command line's mistake, not the file's: it raises UsageError."""
    try:
        override = normalise_base_url(base_url_override) if base_url_override is not None else None
    except UsageError as error:
        raise UsageError(f"--base-url: {error}") from None
    path = root / CONFIG_FILE
    if not path.exists():
        broken = " (it is a link to nothing)" if path.is_symlink() else ""
        return None, [
            _problem(
                1, "", f"the file is missing{broken}; it gives the site's address ([site] base_url), its "
                "title and its publisher in each language ([site.title], [site.publisher]): restore it "
                "(git checkout etown.toml)",
            )
        ]  # fmt: skip
    if not path.is_file():
        return None, [_problem(1, "", "this is not a regular file; etown.toml must be a text file")]
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text)
    except UnicodeDecodeError:
        return None, [_problem(1, "", "not UTF-8 text; save the file as UTF-8")]
    except OSError as error:
        return None, [_problem(1, "", f"cannot read the file ({error.strerror or error})")]
    except tomllib.TOMLDecodeError as error:
        line = int(match.group(1)) if (match := re.search(r"line (\d+)", str(error))) else 1
        return None, [_problem(line, "", f"not valid TOML: {error}")]
    return _site_config(raw, text, override)


def _site_config(
    raw: dict[str, Any], text: str, override: str | None
) -> tuple[SiteConfig | None, list[Problem]]:
    problems: list[Problem] = []

    def report(key: str, message: str) -> None:
        problems.append(_problem(_line_of(text, key), f"site.{key}" if key else "site", message))

    unknown_tables = sorted(set(raw) - {"site"})
    for name in unknown_tables:
        problems.append(_problem(_line_of(text, name), name, "unknown setting; etown reads only [site]"))
    site = raw.get("site", {})
    if not isinstance(site, dict):
        report("", f"[site] must be a table of settings (got: {shorten(site)})")
        return None, problems
    for key in sorted(set(site) - _SETTINGS):
        report(key, f"unknown setting (the settings are: {', '.join(sorted(_SETTINGS))})")

    base_url = DEFAULT_BASE_URL
    configured = site.get("base_url", DEFAULT_BASE_URL)
    if not isinstance(configured, str):
        report("base_url", f"expected a URL in quotes (got: {shorten(configured)})")
    else:
        try:
            base_url = normalise_base_url(configured)
        except UsageError as error:
            report("base_url", str(error))
    default_language = site.get("default_language", LANGUAGE_CODES[0])
    if default_language not in LANGUAGE_CODES:
        report(
            "default_language",
            f"must be one of {', '.join(LANGUAGE_CODES)} (got: {shorten(default_language)})",
        )
    titles = _names("title", "a title", site.get("title", {}), text, problems)
    publisher: dict[str, str] = {}
    if "publisher" in site:
        publisher = _names("publisher", "a publisher", site["publisher"], text, problems)
    else:
        problems.append(
            _problem(
                _line_of(text, "site"), "site.publisher",
                "missing: who makes and publishes this site, in each language ([site.publisher] with "
                'zh = "…" and en = "…"); every page names them and says the site is not official',
            )
        )  # fmt: skip
    if problems:
        return None, problems
    base_url_line = (
        None if override is not None else _line_of(text, "base_url" if "base_url" in site else "site")
    )
    return SiteConfig(override or base_url, str(default_language), titles, publisher, base_url_line), []


def _names(key: str, what: str, raw: Any, text: str, problems: list[Problem]) -> dict[str, str]:
    """A name of the site's in every authored language (a derived language's is made from its
    source's): one line of text each, as pages, titles and citation files show it."""
    table = f"[site.{key}]"
    if not isinstance(raw, dict):
        problems.append(
            _problem(
                _line_of(text, key), f"site.{key}",
                f'expected a table such as {table} with zh = "…" (got: {shorten(raw)})',
            )
        )  # fmt: skip
        return {}
    names: dict[str, str] = {}

    def report(code: str, message: str) -> None:
        problems.append(_problem(_line_in_table(text, key, code), f"site.{key}", message))

    for language in LANGUAGES:
        name = raw.get(language.code)
        if name is None and not language.is_authored:
            continue
        if not isinstance(name, str) or not name.strip():
            report(language.code, f"needs {what} for {language.code} (a non-empty text in quotes)")
            continue
        refusal = character_problem(name)
        if refusal is not None and refusal[1] == "error":
            report(language.code, f"{language.code}: {refusal[0]}")
            continue
        if "\n" in name:
            report(language.code, f"{language.code}: a line break; {what} is one line of text")
            continue
        names[language.code] = name
    for code in sorted(set(raw) - set(LANGUAGE_CODES)):
        report(code, f"unknown language {code!r} (the languages are: {', '.join(LANGUAGE_CODES)})")
    return names


def _problem(line: int, field: str, message: str) -> Problem:
    return Problem(CONFIG_FILE, line, 1, field, message)


def _line_in_table(text: str, table: str, key: str) -> int:
    """The line of ``key =`` in the table ``[site.TABLE]`` (or of an inline ``TABLE = {…}``),
    else the table's own line."""
    start = _line_of(text, table)
    lines = text.splitlines()[start - 1 :]
    if lines and "{" in lines[0]:  # an inline table, on one line
        return start
    for offset, line in enumerate(lines[1:], 1):
        if re.match(r"\s*\[", line):
            break
        if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
            return start + offset
    return start


def _line_of(text: str, key: str) -> int:
    """The line of the first ``key =`` or ``[key]`` (tomllib keeps no positions)."""
    if key:
        match = re.search(rf"^\s*(\[\s*)?(site\.)?{re.escape(key)}\b", text, re.MULTILINE)
        if match:
            return text[: match.start()].count("\n") + 1
    return 1


_UNSAFE = re.compile(r"[\s\"'<>\\^`{|}]|[\x00-\x1f\x7f]")


def normalise_base_url(url: str) -> str:
    """An absolute http(s) URL ending in a slash, refusing what would break a page or a file
    that quotes it (white space, quotes, markup, control characters)."""
    if _UNSAFE.search(url) or character_problem(url):
        raise UsageError(
            "the base URL must not contain spaces, quotes, <, > or control characters "
            f"(got: {shorten(url)!r}); percent-encode them, e.g. "
            f"{quote(url.strip(), safe=':/?#[]@!$&()*+,;=%')}"
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # Python's words: "Invalid IPv6 URL"
        raise UsageError(
            f"the base URL's brackets do not enclose an IPv6 address (got: {url!r}); an IPv6 host "
            "is written whole in brackets, such as http://[::1]:8000/"
        ) from None
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise UsageError(
            f"the base URL must be an absolute http(s) URL such as https://example.org/etown/ (got: {url!r})"
        )
    if "@" in parts.netloc:
        raise UsageError(
            "the base URL must not hold a user name or password (they would be published in every "
            f"page); give the address alone (got: {_without_credentials(url)!r})"
        )
    if not parts.hostname:
        raise UsageError(f"the base URL names no host (got: {url!r})")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (port is not None and not 1 <= port <= 65535) or parts.netloc.endswith(":"):
        raise UsageError(f"the base URL's port must be a number from 1 to 65535 (got: {url!r})")
    if "?" in url or "#" in url:  # even empty: "https://example.org/?" would end in "?/"
        raise UsageError(f"the base URL cannot have a query or a fragment (got: {url!r})")
    if _BAD_ESCAPE.search(url):
        raise UsageError(
            f"the base URL has a % that starts no percent-escape such as %20 (got: {url!r}); write % as %25"
        )
    if not url.isascii():
        ascii_form = urlunsplit(
            parts._replace(netloc=_ascii_host(parts.netloc), path=quote(parts.path, safe="/%"))
        )
        raise UsageError(
            f"the base URL must be written in ASCII, as the sitemap needs it (got: {url!r}); "
            f"write it {ascii_form}"
        )
    return url if url.endswith("/") else url + "/"


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _ascii_host(netloc: str) -> str:
    """The host in its ASCII (IDNA) form, as a suggestion; itself where it has none."""
    try:
        return netloc.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(netloc, safe=":[]")


def _without_credentials(url: str) -> str:
    """The URL with what stands before the host's '@' hidden: a message may end up in a log."""
    scheme, _, rest = url.partition("://")
    authority, slash, path = rest.partition("/")
    return f"{scheme}://…@{authority.rpartition('@')[2]}{slash}{path}"


_EXAMPLE_HOSTS = {"example.org", "example.com", "example.net"}
_EXAMPLE_SUFFIXES = (".example", ".invalid", ".test", ".localhost")


def placeholder_problem(config: SiteConfig) -> Problem | None:
    """A warning (an error with ``--strict``) when the site would be published with an address
    nobody can visit: a name reserved for examples (RFC 2606, RFC 6761) or this machine. Every
    canonical link, the sitemap and each citation would point there."""
    host = (urlsplit(config.base_url).hostname or "").rstrip(".").lower()
    if host in _EXAMPLE_HOSTS or host.endswith(
        _EXAMPLE_SUFFIXES + tuple("." + name for name in _EXAMPLE_HOSTS)
    ):
        why = f"{host} is a name reserved for examples"
    elif host == "localhost" or _is_loopback(host):
        why = f"{host} is this machine, not a public address"
    else:
        return None
    if config.base_url_line is None:
        where, line, column = "pass the address the site is published at to --base-url", 0, 0
    else:
        where, line, column = (
            "set base_url here to the address the site is published at, or pass it to --base-url "
            "(the Pages workflow passes its own)", config.base_url_line, 1,
        )  # fmt: skip
    return Problem(
        CONFIG_FILE, line, column, "site.base_url",
        f"{config.base_url} is a placeholder ({why}): canonical links, the sitemap and citations "
        f"would point there; {where}",
        "warning",
    )  # fmt: skip


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
