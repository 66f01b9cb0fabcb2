"""Release check: the sdist builds without touching the source tree and holds the whole project;
the wheel, built from that sdist as `python -m build` does, holds the package and installs into a
venv outside the clone, from which `etown build --root CLONE` works in another folder. Slow (a
virtual environment and a pip install): `-m "not slow"` skips it."""

import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from etown import __version__
from etown.pipeline import build
from etown.write import MARKER
from helpers_clone import files_in, fresh_clone, new_venv, outside_env, run, untracked_and_ignored

pytestmark = pytest.mark.slow

NAME = f"etown-{__version__}"


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_clone(tmp_path_factory.mktemp("clone"))


@pytest.fixture(scope="module")
def dist(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist, built from the source tree, and the wheel, built from the unpacked sdist (the
    default of `python -m build`), in a folder outside the clone: a wheel that installs and
    works shows that the sdist alone is enough to build it."""
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "build", "--outdir", str(out), str(clone)]
    run(command, clone, env=outside_env())
    return out


def test_building_the_packages_writes_nothing_into_the_tree(clone: Path, dist: Path) -> None:
    assert sorted(p.name for p in dist.iterdir()) == [f"{NAME}-py3-none-any.whl", f"{NAME}.tar.gz"]
    assert untracked_and_ignored(clone) == []
    assert not (clone / "build").exists()


def test_the_sdist_holds_every_file_of_the_clone(clone: Path, dist: Path) -> None:
    """The project (seeds, data, templates, etown.toml) and the tests with their golden pages."""
    tracked = set(run(["git", "ls-files", "-z"], clone).split("\0")) - {""}
    with tarfile.open(dist / f"{NAME}.tar.gz") as sdist:
        names = {name.removeprefix(f"{NAME}/") for name in sdist.getnames() if sdist.getmember(name).isfile()}
    assert names == tracked | {"PKG-INFO"}


def test_the_wheel_holds_the_package_and_the_command(clone: Path, dist: Path) -> None:
    with zipfile.ZipFile(dist / f"{NAME}-py3-none-any.whl") as wheel:
        names = set(wheel.namelist())
        entry_points = wheel.read(f"{NAME}.dist-info/entry_points.txt").decode()
    package = clone / "src" / "etown"
    modules = {f"etown/{p.relative_to(package).as_posix()}" for p in package.rglob("*.py")}
    assert {name for name in names if not name.startswith(f"{NAME}.dist-info/")} == modules
    assert "etown = etown.cli:main" in entry_points


def test_the_installed_package_builds_the_clone_from_another_folder(
    clone: Path, dist: Path, tmp_path: Path
) -> None:
    file = dist / f"{NAME}-py3-none-any.whl"
    venv = new_venv(tmp_path / "venv")
    env = outside_env(venv)
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(file)], tmp_path, env=env)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed_at = run(
        [str(venv / "bin" / "python"), "-c", "import etown; print(etown.__file__)"], elsewhere, env
    )
    assert Path(installed_at.strip()).is_relative_to(venv)

    base_url = "https://example.org/etown/"
    out = tmp_path / "site"
    command = ["build", "--root", str(clone), "--out", str(out), "--base-url", base_url]
    printed = run([str(venv / "bin" / "etown"), *command], elsewhere, env)

    report = build(clone, tmp_path / "expected", base_url=base_url)
    assert f"built {report.pages} pages in {report.languages} languages" in printed
    assert report.pages >= 10 * report.languages and report.languages == 3
    expected = files_in(tmp_path / "expected")
    assert files_in(out) == expected
    assert MARKER in expected
    assert list(elsewhere.iterdir()) == []
    assert untracked_and_ignored(clone) == []
