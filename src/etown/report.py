"""What one run of the pipeline found and made: what the command line shows and exits with."""

from dataclasses import dataclass
from pathlib import Path

from etown.languages import LANGUAGES
from etown.pages import PAGES
from etown.problems import Problem, errors_only


@dataclass(frozen=True)
class Report:
    """What one run of the pipeline found and made."""

    problems: list[Problem]
    strict: bool = False
    files: int = 0
    """Output files made (rendered; written too when there is an output folder)."""
    written: int = 0
    """Files written to disk (an incremental update writes only those whose bytes changed)."""
    seconds: float = 0.0
    out_dir: Path | None = None

    @property
    def fatal(self) -> list[Problem]:
        """The problems that stop a build: errors, and warnings too when strict."""
        return list(self.problems) if self.strict else errors_only(self.problems)

    @property
    def ok(self) -> bool:
        return not self.fatal

    @property
    def pages(self) -> int:
        return len(PAGES) * len(LANGUAGES)

    @property
    def languages(self) -> int:
        return len(LANGUAGES)
