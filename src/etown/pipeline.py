"""The pipeline: load → validate → render → write, the one path every command takes.

``etown check`` runs it up to rendering (in memory), ``etown build`` runs it whole, and
``etown serve`` keeps one alive: it remembers each data file's loaded and validated state and
which data sections every output file was made from, so after an edit it reloads only that file
and re-renders only the files that read it. No stage prints or exits; the report says what
happened and the CLI decides how to show it.
"""

import contextlib
import gc
import os
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from etown import kept_outputs, kept_state
from etown.check_cache import PROJECT_PARTS
from etown.config import placeholder_problem, read_config
from etown.convert import FOLDER as CONVERSIONS_FOLDER
from etown.convert import add_conversions, keep_conversions, new_conversions, read_conversions
from etown.fingerprints import LOCK_NAME, ReviewMemo, Translation, review_texts, translations_in
from etown.languages import LANGUAGES
from etown.load import LoadedFile, load_data_file, parse_data_file, read_data_file, unexpected_files
from etown.outputs import STYLESHEET_SOURCE, Context, Finisher, OutputFile, Target
from etown.problems import DataError, EtownError, Problem, UsageError, errors_only
from etown.producers import PRODUCERS
from etown.progress import Progress, silent
from etown.provenance import HintBudget, Seed, read_seed
from etown.render import Renderer, include_cycles, read_template_file, template_problems
from etown.report import Report
from etown.sections import SCHEMA_FOLDER, SECTION_NAMES, TERMS, SiteData
from etown.seed_metadata import SeedMetadata, load_seed_metadata
from etown.strings import read_strings
from etown.validate import FileResult, combine, validate_file
from etown.wording import WordingMemo
from etown.workers import forked_map
from etown.write import SiteUpdate, Staging, refuse_bad_paths, refuse_foreign_folder, unpublishable

DATA_FOLDERS = frozenset({Path(SCHEMA_FOLDER).name, Path(CONVERSIONS_FOLDER).name, LOCK_NAME})
"""What data/ holds besides the sections: the editors' JSON Schemas, the conversion corrections
(folders) and the translations' fingerprints (written by ``etown translations``)."""


@dataclass
class _FileState:
    loaded: LoadedFile | None
    load_problems: list[Problem]
    result: FileResult | None
    translations: list[Translation] = field(default_factory=list)
    """The file's translated texts, taken from its tree before the pipeline lets the tree go."""


@dataclass
class Pipeline:
    root: Path
    base_url: str | None = None
    """Overrides etown.toml's base_url (``--base-url``, or the preview server's address)."""
    strict: bool = False
    published: bool = True
    """Whether the site is made to be published (a placeholder base URL is a warning then), not
    previewed by the local server at its own address."""
    expensive: bool = True
    """Whether a build makes the expensive targets (the PDFs); ``etown build --no-pdf`` says no."""
    workers: int = 1
    """Processes that render a full build or check at once (forked: only where the process
    runs no other threads, so the command line, never the preview server)."""
    finishing: bool = True
    """Whether a build runs the producers that finish the written site (the search index, made
    by Pagefind from the written pages); ``etown build --no-search`` says no."""
    progress: Progress = silent
    """Told each stage as it starts, and each file as it is rendered (the CLI shows it on a terminal)."""
    candidates: Mapping[str, bytes] = field(default_factory=dict)
    """Data files by section, read from here instead of data/: what a command is about to write,
    checked as ``etown check`` would check it before anything is written."""
    _files: dict[str, _FileState] = field(default_factory=dict)
    _project_problems: list[Problem] = field(default_factory=list)
    _context: Context | None = None
    _targets: list[Target] = field(default_factory=list)
    _reads: dict[str, frozenset[str]] = field(default_factory=dict)
    """Which data sections each output file was made from, as recorded while rendering it."""
    _wording: WordingMemo = field(default_factory=WordingMemo)
    _reviews: ReviewMemo = field(default_factory=ReviewMemo)
    _hints: HintBudget = field(default_factory=HintBudget)
    """What the closest-passage hints of this run may still read of the seed."""
    _project_key: str | None = None
    """What the output files kept between runs are found by, besides the sections they read
    (``etown.kept_outputs``), as the project stood when this run started to read it."""
    _state_keys: dict[str, str] = field(default_factory=dict)
    """The kept-state key of each data file whose state is kept (``etown.kept_state``)."""
    _section_digests: dict[str, str] = field(default_factory=dict)
    """The digest of the bytes of each data section as this run read them."""

    # --- the commands -------------------------------------------------------------------------

    def check(self) -> Report:
        """Everything a build does except writing: a check fails whenever a build would."""
        started = time.perf_counter()
        with _cyclic_gc_paused():
            self.progress("checking the data", 0, 0)
            self._load_everything()
            data, problems = self._validated()
            files = 0
            if data is not None and not self._fatal(problems):
                files, render_problems = self._render(data, None, sink=None)
                problems += render_problems
        return self._report(problems, files, 0, started, None)

    def build(self, out_dir: Path) -> Report:
        """Check, then write the whole site into ``out_dir`` (atomically: all of it, or none),
        from one version of the project: a file saved while the build runs fails it."""
        started = time.perf_counter()
        _refuse_output_among_inputs(self.root, out_dir)
        inputs = inputs_state(self.root)
        with _cyclic_gc_paused():
            self.progress("checking the data", 0, 0)
            self._load_everything()
            data, problems = self._validated()
            if data is None or self._fatal(problems):
                return self._report(problems, 0, 0, started, out_dir)
            with Staging(out_dir) as staging:
                files, render_problems = self._render(data, None, sink=staging.write)
                problems += render_problems
                if not self._fatal(problems):
                    problems += self.finish(staging.folder)
                if not self._fatal(problems):
                    problems += changed_since(self.root, inputs)
                if self._fatal(problems):
                    return self._report(problems, files, 0, started, out_dir)
                self.progress("replacing the last build", 0, 0)
                staging.commit()
        return self._report(problems, files, files, started, out_dir)

    def update(
        self,
        changed: Iterable[Path],
        out_dir: Path,
        *,
        finish: bool = True,
        first: Collection[str] = (),
        on_written: Callable[[str], None] | None = None,
    ) -> Report:
        """After an edit: reload what changed and rewrite only the output files it feeds.

        An edit to one data file reloads and revalidates that file alone; an edit to anything
        else (templates, strings, the seed, etown.toml) starts again from scratch. The output
        files named in ``first`` (the pages a reader has open) are made and written first, then
        those made from the fewest sections: each file is written as soon as it is made, so the
        page being looked at is on disk before the rest are rendered. With ``finish=False`` the
        finishing producers (the search index) are left for ``finish()``. ``on_written`` is told
        the path of each output file once it is on disk as this update makes it."""
        started = time.perf_counter()
        sections = self._changed_sections(changed)
        if sections is None or self._context is None or not (out_dir / "index.html").is_file():
            return self.build(out_dir)
        self._hints = HintBudget()
        for name in sections:
            self._files[name] = self._load_section(name)
        data, problems = self._validated()
        if data is None or self._fatal(problems):
            return self._report(problems, 0, 0, started, out_dir)
        site = SiteUpdate(out_dir)

        def written(output: OutputFile) -> None:
            site.write(output)
            if on_written is not None:
                on_written(output.path)

        files, render_problems = self._render(data, sections, sink=written, first=first)
        problems += render_problems
        if site.written and finish and not self._fatal(problems):
            problems += self.finish(out_dir)
        return self._report(problems, files, site.written, started, out_dir)

    def validated(self) -> tuple[SiteData | None, list[Problem]]:
        """Load and validate only: the checked data, or None, and every problem found."""
        self._load_everything()
        return self._validated()

    def loaded(self) -> tuple[list[LoadedFile], list[Problem]]:
        """Load only: every data file that loads, its tree kept, and the errors of those that do
        not. For the tools that work on the data as written (a new edition's diff, the
        translations' fingerprints and PO files) rather than on its checked models."""
        files: list[LoadedFile] = []
        problems: list[Problem] = []
        for name in SECTION_NAMES:
            loaded, file_problems = self._read_section(name)
            problems += errors_only(file_problems)
            if loaded is not None:
                files.append(loaded)
        return files, problems

    @property
    def seed(self) -> Seed | None:
        """The seed this run read (None before a run, or where it could not be read)."""
        return self._context.seed if self._context is not None else None

    # --- load and validate --------------------------------------------------------------------

    def _load_everything(self) -> None:
        self._hints = HintBudget()
        self._project_key = self._current_project_key()
        self._context, self._project_problems = self._load_project()
        new_states: dict[str, object] = {}
        self._files = {name: self._load_section(name, new_states) for name in SECTION_NAMES}
        kept_state.remember(new_states)

    def _load_project(self) -> tuple[Context | None, list[Problem]]:
        """The seed, the configuration, the interface's words, the stylesheet and templates."""
        problems: list[Problem] = []
        metadata: SeedMetadata | None = None
        try:
            seed = read_seed(self.root)
        except EtownError as error:
            problems += error.problems or [Problem("seeds/", 0, 0, "", str(error))]
            seed = None
        else:
            metadata, metadata_problems = load_seed_metadata(self.root)
            problems += metadata_problems
        config, config_problems = read_config(self.root, self.base_url)
        conversions, conversion_problems = read_conversions(self.root)
        templates = self.root / "templates"
        settings = (
            {"site_name": config.titles, "site_publisher": config.publisher} if config is not None else {}
        )
        strings, string_problems = read_strings(templates, settings, conversions)
        stylesheet, stylesheet_problems = read_template_file(templates, STYLESHEET_SOURCE)
        problems += config_problems + conversion_problems + string_problems + stylesheet_problems
        placeholder = placeholder_problem(config) if config is not None and self.published else None
        problems += [placeholder] if placeholder else []
        problems += include_cycles(templates)
        if seed is None or config is None or strings is None or stylesheet is None or conversion_problems:
            return None, problems
        renderer = Renderer(templates, config, strings, conversions)
        context = Context(
            self.root, config, seed, renderer, stylesheet, conversions, metadata, makes_pdf=self.expensive
        )
        return context, problems

    def _read_section(self, name: str) -> tuple[LoadedFile | None, list[Problem]]:
        return load_data_file(self.root / "data", name, self.candidates.get(name))

    def _load_section(self, name: str, new_states: dict[str, object] | None = None) -> _FileState:
        """The file read and checked on its own. A whole run (``new_states``, which collects what
        it found worth keeping) takes it as kept by a run that read the same bytes; an update
        after an edit (``etown serve``) reads what changed, and keeps nothing."""
        read, problems = read_data_file(self.root / "data", name, self.candidates.get(name))
        self._state_keys.pop(name, None)
        self._section_digests.pop(name, None)
        if read is None:
            return _FileState(None, problems, None)
        key = None
        if new_states is not None and self._context is not None:
            digest = self._section_digests[name] = kept_outputs.section_digest(read.raw)
            key = kept_state.state_key(name, digest, self._context.seed.sha256)
            kept = kept_state.recall(key) if key is not None else None
            if isinstance(kept, _FileState) and key is not None:
                self._state_keys[name] = key
                return kept
        loaded, problems = parse_data_file(read)
        if loaded is None or self._context is None:
            return _FileState(loaded, problems, None)
        result = validate_file(loaded, self._context.seed, self._hints)
        # Once checked, the file's loaded tree is let go: its models hold the data, its result
        # what the checks across files need (a ×100 build no longer holds the data twice).
        lean = replace(loaded, data=None)
        state = _FileState(lean, problems, result, translations_in(loaded, holder=lean))
        if key is not None and new_states is not None and not errors_only([*problems, *result.problems]):
            new_states[key] = state
            self._state_keys[name] = key
        return state

    def _validated(self) -> tuple[SiteData | None, list[Problem]]:
        """The checked data of every section, and every problem of the project and the data."""
        problems = [
            *self._project_problems,
            *unexpected_files(self.root / "data", list(SECTION_NAMES), DATA_FOLDERS),
        ]
        for state in self._files.values():
            problems += state.load_problems
        loaded = {name: state.loaded for name, state in self._files.items() if state.loaded is not None}
        results = {name: state.result for name, state in self._files.items() if state.result is not None}
        seed = self._context.seed if self._context is not None else None
        models = {name: result.model for name, result in results.items() if result.model is not None}
        known = self._recall_wording(models)
        validated = combine(results, loaded, self._wording, seed)
        self._keep_wording(models, known)
        problems += validated.problems
        problems += self._review_translations(problems)
        data = validated.data if self._context is not None else None
        return data, sorted(set(problems))

    def _recall_wording(self, models: Mapping[str, object]) -> set[str]:
        """Give the wording memo the findings kept for each file it does not know yet (a fresh
        process), and return the files it knows now."""
        terms_key, terms = self._state_keys.get(TERMS.name), models.get(TERMS.name)
        for name, key in self._state_keys.items():
            if terms_key is None or terms is None or name not in models or self._wording.knows(name):
                continue
            found = kept_state.recall(kept_state.wording_key(key, terms_key), kept_state.WORDING)
            if isinstance(found, list) and all(isinstance(problem, Problem) for problem in found):
                self._wording.keep(name, models[name], terms, found)
        return {name for name in models if self._wording.knows(name)}

    def _keep_wording(self, models: Mapping[str, object], known: set[str]) -> None:
        """Keep the findings of the files this run checked the wording of for the first time."""
        terms_key = self._state_keys.get(TERMS.name)
        new: dict[str, object] = {}
        for name, key in self._state_keys.items():
            found = self._wording.found(name, models[name]) if name in models and name not in known else None
            if terms_key is not None and found is not None:
                new[kept_state.wording_key(key, terms_key)] = found
        kept_state.remember(new, kept_state.WORDING)

    def _review_translations(self, problems: list[Problem]) -> list[Problem]:
        """Which English texts were made from a Chinese text since changed (for check, and for the
        renderer's marks). Only once the project has no errors: an error may have broken the ids
        that name the texts, and nothing is built until it is fixed anyway."""
        found: list[Problem] = []
        outdated: frozenset[tuple[str, ...]] = frozenset()
        if not errors_only(problems):
            texts = {
                state.loaded.display_path: state.translations
                for state in self._files.values()
                if state.loaded is not None
            }
            translations = review_texts(self.root / "data", texts, self._reviews)
            found, outdated = translations.problems(), translations.outdated_texts()
        if self._context is not None:
            self._context.renderer.outdated = outdated
        return found

    def _changed_sections(self, changed: Iterable[Path]) -> set[str] | None:
        """The data sections an edit touched, or None when it touched more than data."""
        data_dir = (self.root / "data").resolve()
        names = set()
        for path in changed:
            if path.parent.resolve() != data_dir or path.suffix != ".yaml" or path.stem not in SECTION_NAMES:
                return None
            names.add(path.stem)
        return names

    # --- render -------------------------------------------------------------------------------

    def _render(
        self,
        data: SiteData,
        sections: set[str] | None,
        sink: Callable[[OutputFile], None] | None,
        first: Collection[str] = (),
    ) -> tuple[int, list[Problem]]:
        """Render every target (or those made from ``sections``, ``first`` and the most specific
        first) and hand each file to ``sink`` until a problem stops it."""
        assert self._context is not None
        problems: list[Problem] = []
        if sections is None:
            self._targets = [target for producer in PRODUCERS for target in producer.targets(self._context)]
            try:
                refuse_bad_paths([target.path for target in self._targets])
            except EtownError as error:
                return 0, [Problem("templates/", 1, 1, "", str(error))]
            self._reads = {}
        chosen = [
            index
            for index, target in enumerate(self._targets)
            if (sections is None or self._reads.get(target.path, frozenset()) & sections)
            and not (target.expensive and (sink is None or sections is not None or not self.expensive))
        ]
        if sections is not None:
            chosen.sort(key=lambda index: self._urgency(self._targets[index].path, first))
        whole_run = self._project_key if sections is None else None  # an update keeps nothing
        outputs = kept_outputs.KeptOutputs(whole_run, self._section_digests)
        kept = {
            index: found
            for index in chosen
            if not self._targets[index].expensive and (found := outputs.recall(self._targets[index].path))
        }
        to_make = [index for index in chosen if index not in kept]
        made = self._made_in_parallel(to_make, data) if self.workers > 1 and sections is None else None
        count = 0
        stage = "rendering" if sink is not None else "rendering (in memory, to check)"
        for done, index in enumerate(chosen):
            target = self._targets[index]
            self.progress(stage, done, len(chosen))
            content: bytes | None
            target_problems: list[Problem] = []
            if index in kept:
                content, reads = kept[index]
            else:
                content, reads, target_problems = next(made) if made else self._make(target, data)
            problems += target_problems
            if content is None:
                continue
            self._reads[target.path] = reads
            count += 1
            if index not in kept and not target.expensive:
                outputs.keep(target.path, reads, content)
            if sink is not None and not problems:
                sink(OutputFile(target.path, content))
        if sections is None:
            outputs.close(self._reads, self._current_project_key)
            keep_conversions()
        return count, sorted(set(problems))

    def _current_project_key(self) -> str | None:
        options = (self.base_url, self.published, self.expensive)
        return kept_outputs.project_key(self.root, SECTION_NAMES, options)

    def _urgency(self, path: str, first: Collection[str]) -> tuple[bool, int]:
        return path not in first, len(self._reads.get(path, ()))

    def _make(self, target: Target, data: SiteData) -> tuple[bytes | None, frozenset[str], list[Problem]]:
        """One target's bytes (None when it failed), the data sections it read, its problems."""
        assert self._context is not None
        reads: set[str] = set()
        problems: list[Problem] = []
        with template_problems(self._context.root / "templates", target.path, problems):
            content = target.make(data.recording(reads))
        if not problems and (refusal := unpublishable(OutputFile(target.path, content))):
            problems.append(Problem(f"build:{target.path}", 0, 0, "", refusal))
        return (None if problems else content), frozenset(reads), problems

    def _made_in_parallel(
        self, indices: list[int], data: SiteData
    ) -> Iterator[tuple[bytes | None, frozenset[str], list[Problem]]]:
        """The targets made by forked copies of this process, handed back in order. Forked, so
        the workers start with the loaded and checked project instead of pickling it."""
        global _FORKED
        _FORKED = (self, data)
        assert self._context is not None
        for language in LANGUAGES:  # made before forking, so the workers share one OpenCC (45 MB)
            self._context.renderer.helpers(language)
        try:
            for content, reads, problems, conversions in forked_map(_make_forked, indices, self.workers):
                add_conversions(conversions)
                yield content, reads, problems
        finally:
            _FORKED = None

    def finish(self, folder: Path) -> list[Problem]:
        """Let producers that work on the written site (a search index) do so."""
        assert self._context is not None
        problems: list[Problem] = []
        if not self.finishing:
            return problems
        for producer in PRODUCERS:
            if isinstance(producer, Finisher):
                self.progress(producer.stage, 0, 0)
                problems += producer.finish(self._context, folder)
        return problems

    # --- reporting ----------------------------------------------------------------------------

    def _fatal(self, problems: list[Problem]) -> bool:
        return bool(problems if self.strict else errors_only(problems))

    def _report(
        self, problems: list[Problem], files: int, written: int, started: float, out_dir: Path | None
    ) -> Report:
        return Report(
            sorted(set(problems)), self.strict, files, written, time.perf_counter() - started, out_dir
        )


InputsState = dict[str, tuple[int, int, int] | None]


def inputs_state(root: Path) -> InputsState:
    """Each file a build reads, by its path in the project, with its size, modification time and
    inode (None where it cannot be read): taken when a build starts, and again before it
    publishes. An editor's save changes the time, or the inode when it writes a new file."""
    state: InputsState = {}

    def add(path: Path) -> None:
        try:
            status = path.stat()
        except OSError:
            state[path.relative_to(root).as_posix()] = None
        else:
            state[path.relative_to(root).as_posix()] = (status.st_size, status.st_mtime_ns, status.st_ino)

    for part in PROJECT_PARTS:
        top = root / part
        if not top.is_dir():
            add(top)
            continue
        for folder, folders, names in os.walk(top):  # links to folders are not entered
            folders.sort()
            for name in sorted(names):
                add(Path(folder) / name)
    return state


def _refuse_output_among_inputs(root: Path, out_dir: Path) -> None:
    """The site is not written where etown reads the project: it would read its own output."""
    refuse_foreign_folder(out_dir)  # a folder etown did not write is refused as such first
    written = out_dir.absolute().resolve()
    for part in PROJECT_PARTS:
        folder = (root / part).absolute().resolve()
        if written == folder or written.is_relative_to(folder) or folder.is_relative_to(written):
            raise UsageError(
                f"cannot write the site to {out_dir}: it would be inside (or hold) {part}/, which etown "
                "reads; choose another --out"
            )


def changed_since(root: Path, before: InputsState) -> list[Problem]:
    """A problem naming the first file that changed since ``before`` was taken, if one did."""
    after = inputs_state(root)
    changed = sorted(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    if not changed:
        return []
    others = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
    return [
        Problem(
            changed[0], 0, 0, "",
            f"changed while the site was being built{others}, so its files could mix the old and the new "
            "version; nothing was written (the previous build is as it was): build again",
        )
    ]  # fmt: skip


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a run of the pipeline.

    The loaded data and the models form almost no reference cycles, yet the collector rescans
    the whole growing heap again and again, which made time per record grow with the size of
    the site. Measured at 300x the real data: 15 % less CPU, the same peak memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check(root: Path, *, strict: bool = False) -> Report:
    return Pipeline(root, strict=strict).check()


def load_site_data(root: Path) -> SiteData:
    """The checked data of a project, or DataError with every problem (for tools and tests)."""
    data, problems = Pipeline(root).validated()
    if data is None:
        raise DataError("the project has problems", problems)
    return data


def build(root: Path, out_dir: Path, *, strict: bool = False, base_url: str | None = None) -> Report:
    """Build the site, or raise DataError with every problem (for library users and tests)."""
    report = Pipeline(root, base_url=base_url, strict=strict).build(out_dir)
    if not report.ok:
        raise DataError("the project has problems; nothing was written", report.problems)
    return report


_FORKED: tuple[Pipeline, SiteData] | None = None
"""What a forked rendering worker makes targets from (set by the parent just before forking)."""


def _make_forked(index: int) -> tuple[bytes | None, frozenset[str], list[Problem], dict[str, dict[str, str]]]:
    """One target made in a worker, with the conversions it made (kept by the parent)."""
    assert _FORKED is not None
    pipeline, data = _FORKED
    return *pipeline._make(pipeline._targets[index], data), new_conversions()
