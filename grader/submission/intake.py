"""Stage a submission: check everything, decide what to copy, then write it.

Every check runs before the first write, so a rejected submission leaves `dest` empty. Candidate
faults travel as `Reject` and leave as `SubmissionRejected`; faults of the user (bad path) are
`UsageError`; faults of the grader are `GraderError`. The readers of notebooks, archives and SQL
are imported when a submission needs one: most are a single .py file, and start-up counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from grader.flags import FlagCode
from grader.models import Exercise, Flag, StagedSubmission, SubmissionKind
from grader.submission.digest import describe_submission, read_prefix
from grader.submission.entry import (
    PySource,
    choose_entry,
    expected,
    importable,
    never_candidate,
)
from grader.submission.folder import folder_entries
from grader.submission.policy import (
    MAX_FILE_BYTES,
    MAX_NOTEBOOK_BYTES,
    MAX_SQL_BYTES,
    MB,
    ParseBudget,
)
from grader.submission.rejection import Reject, SubmissionRejected
from grader.submission.safe_names import display_path, safe_text
from grader.submission.tree import Parts, Tree, build_tree, descend
from grader.submission.writer import check_destination, write_files

_LISTED = 5
_SUBMIT_SQL = "this is a SQL exercise: submit one .sql file (or a folder or .zip holding one)"
_SUBMIT_PY = "this is a Python exercise: submit a .py file, a notebook, a folder or a .zip"


@dataclass
class _Plan:
    files: dict[Parts, bytes] = field(default_factory=dict)
    entry_module: str | None = None
    notebook: bool = False
    exported_notebook: bool = False
    notes: list[Flag] = field(default_factory=list)
    budget: ParseBudget = field(default_factory=ParseBudget)  # shared by every file parsed


def _is(parts: Parts, suffix: str) -> bool:
    return parts[-1].lower().endswith(suffix)


def _top(files: dict[Parts, bytes], suffix: str) -> list[Parts]:
    return sorted(p for p in files if len(p) == 1 and _is(p, suffix))


def _listing(paths: Sequence[Parts]) -> str:
    shown = ", ".join(display_path(p, 60) for p in paths[:_LISTED])
    more = f" and {len(paths) - _LISTED} more" if len(paths) > _LISTED else ""
    return shown + more


def _ignored_note(paths: list[Parts]) -> Flag | None:
    if not paths:
        return None
    noun = "file" if len(paths) == 1 else "files"
    return Flag(
        FlagCode.IGNORED_FILES.value,
        f"left out {len(paths)} {noun} the grader does not use: {_listing(sorted(paths))}",
    )


def _missing(message: str) -> Reject:
    return Reject(FlagCode.MISSING_ENTRY_POINT, message)


def _free_module_name(files: dict[Parts, bytes]) -> str:
    taken = {p[0].casefold().removesuffix(".py") for p in files}
    name, n = "solution", 1
    while name in taken:
        n += 1
        name = f"solution_{n}"
    return name


# -- single files ------------------------------------------------------------------------------


def _stage_py(path: Path, exercise: Exercise, plan: _Plan) -> None:
    data = read_prefix(path, MAX_FILE_BYTES)
    if len(data) > MAX_FILE_BYTES:
        raise Reject(
            FlagCode.UNSAFE_ARCHIVE,
            f"{safe_text(path.name)} is larger than {MAX_FILE_BYTES // MB} MB",
        )
    choose_entry([PySource(path.name, path.name, data)], exercise, budget=plan.budget)
    # Kept under its own name where Python can import it as that, so that messages name the
    # file the candidate wrote (`two_sum.py, line 8`).
    stem = path.name[:-3]
    if not (path.name.lower().endswith(".py") and importable(stem)) or never_candidate(path.name):
        stem = "solution"
    plan.files[(f"{stem}.py",)] = data
    plan.entry_module = stem


def _stage_ipynb(path: Path, exercise: Exercise, plan: _Plan) -> None:
    from grader.submission.notebook import notebook_code

    code = notebook_code(read_prefix(path, MAX_NOTEBOOK_BYTES), path.name, plan.budget)
    if code.note:
        plan.notes.append(code.note)
    choose_entry(
        [], exercise, [PySource(path.name, path.name, code.text, code.locate)], budget=plan.budget
    )
    plan.files[("solution.py",)] = code.text.encode("utf-8")
    plan.entry_module = "solution"
    plan.notebook = True


def _stage_sql(path: Path, exercise: Exercise, plan: _Plan) -> None:
    from grader.submission.sqlfile import check_sql

    data = read_prefix(path, MAX_SQL_BYTES)
    plan.files[("solution.sql",)] = check_sql(data, path.name, exercise)


# -- folders and archives ----------------------------------------------------------------------


def _nothing_to_grade(tree: Tree, exercise: Exercise, wanted: str) -> Reject:
    deeper = sorted(p for p in tree.files if len(p) > 1 and _is(p, wanted))
    if deeper:
        return _missing(
            f"no {wanted} file at the top level of the submission (sub-folders are not "
            f"searched; found {_listing(deeper)})"
        )
    archives = sorted(p for p in tree.ignored if _is(p, ".zip"))
    if archives:
        return _missing(
            f"no {'Python' if wanted == '.py' else '.sql'} file in the submission, only "
            f"{_listing(archives)}: an archive inside the submission is never opened; "
            "submit what is inside it"
        )
    if wanted == ".py":
        return _missing(f"no Python file in the submission; expected {expected(exercise)}")
    return _missing("no .sql file in the submission; submit exactly one")


def _tree_sql(tree: Tree, exercise: Exercise, plan: _Plan) -> None:
    sql = _top(tree.files, ".sql")
    if len(sql) > 1:
        raise _missing(f"several .sql files: {_listing(sql)}; submit exactly one")
    if not sql:
        if _top(tree.files, ".py") or _top(tree.files, ".ipynb"):
            raise _missing(f"{_SUBMIT_SQL}; found Python instead")
        raise _nothing_to_grade(tree, exercise, ".sql")
    _note_ignored(plan, tree.ignored + [tree.original(p) for p in tree.files if p != sql[0]])
    from grader.submission.sqlfile import check_sql

    plan.files[("solution.sql",)] = check_sql(tree.files[sql[0]], display_path(sql[0]), exercise)


def _tree_python(tree: Tree, exercise: Exercise, plan: _Plan) -> None:
    files = dict(tree.files)
    notebook_paths = sorted(p for p in files if _is(p, ".ipynb"))
    for p in notebook_paths:
        del files[p]  # a notebook is never copied as it is; the main one is converted
    sources = [
        PySource(p[0], display_path(p), files[p])
        for p in _top(files, ".py")
        if not never_candidate(p[0])
    ]
    notebooks: list[PySource] = []
    unreadable: list[tuple[str, Reject]] = []
    magic_notes: dict[str, Flag] = {}
    for p in notebook_paths:
        if len(p) > 1:
            continue
        from grader.submission.notebook import notebook_code

        try:
            code = notebook_code(tree.files[p], display_path(p), plan.budget)
        except Reject as exc:
            unreadable.append((display_path(p), exc))
            continue
        notebooks.append(PySource(p[0], display_path(p), code.text, code.locate))
        if code.note:
            magic_notes[p[0]] = code.note
    if not sources and not notebooks and not unreadable:
        if _top(files, ".sql"):
            raise _missing(f"{_SUBMIT_PY}; found SQL instead")
        raise _nothing_to_grade(tree, exercise, ".py")
    try:
        chosen = choose_entry(sources, exercise, notebooks, unreadable, plan.budget)
    except Reject:
        _note_ignored(plan, tree.ignored + [tree.original(p) for p in notebook_paths if len(p) > 1])
        plan.notes += magic_notes.values()  # the notebooks were read: say what was changed
        raise
    left_out = [tree.original(p) for p in notebook_paths if p != (chosen.name,)]
    _note_ignored(plan, tree.ignored + left_out)
    if chosen in notebooks:
        stem = _free_module_name(files)
        text = chosen.data
        files[(f"{stem}.py",)] = text.encode("utf-8") if isinstance(text, str) else text
        plan.notebook = True
        if chosen.name in magic_notes:
            plan.notes.append(magic_notes[chosen.name])
    else:
        stem = chosen.name[:-3]
        if not importable(stem):
            # `two sum.py` or `random.py` cannot be imported as itself: use a free name.
            data = files.pop((chosen.name,))
            stem = _free_module_name(files)
            files[(f"{stem}.py",)] = data
    plan.files = {_normal_suffix(p): data for p, data in files.items()}
    plan.entry_module = stem


def _note_exported_magics(plan: _Plan) -> None:
    """A notebook exported as a script keeps its magics as get_ipython() calls: it runs with
    IPython's builtins, and the note says, file by file, which magics were not run, as for
    a notebook."""
    from grader.submission.magics import exported_magics, magic_note

    for parts, data in sorted(plan.files.items()):
        name = "/".join(parts)
        if not name.endswith(".py") or (plan.notebook and parts == (f"{plan.entry_module}.py",)):
            continue
        found = exported_magics(data, plan.budget)
        plan.exported_notebook |= found.calls_shell
        if found.not_run:
            quoted = [f"`{safe_text(text, 40)}` (line {line})" for line, text in found.not_run]
            plan.notes.append(magic_note(name, quoted))


def _note_ignored(plan: _Plan, paths: list[Parts]) -> None:
    note = _ignored_note(paths)
    if note:
        plan.notes.append(note)


def _normal_suffix(parts: Parts) -> Parts:
    name = parts[-1]
    if name.lower().endswith(".py") and not name.endswith(".py"):
        return (*parts[:-1], name[:-3] + ".py")  # `Main.PY` only imports as `Main.py`
    return parts


def _stage_tree(path: Path, kind: SubmissionKind, exercise: Exercise, plan: _Plan) -> None:
    if kind == "zip":
        from grader.submission.archive import zip_entries

        with zip_entries(path) as entries:
            tree = build_tree(entries)
    else:
        tree = build_tree(folder_entries(path))
    tree = descend(tree)
    if exercise.kind == "sql":
        _tree_sql(tree, exercise, plan)
    else:
        _tree_python(tree, exercise, plan)


# -----------------------------------------------------------------------------------------------


def _plan(path: Path, kind: SubmissionKind, exercise: Exercise, plan: _Plan) -> None:
    if kind in ("dir", "zip"):
        _stage_tree(path, kind, exercise, plan)
    elif exercise.kind == "sql":
        if kind != "sql":
            raise _missing(f"{_SUBMIT_SQL}; got {safe_text(path.name)}")
        _stage_sql(path, exercise, plan)
    elif kind == "sql":
        raise _missing(f"{_SUBMIT_PY}; got {safe_text(path.name)}")
    elif kind == "ipynb":
        _stage_ipynb(path, exercise, plan)
    else:
        _stage_py(path, exercise, plan)


def stage_submission(path: Path, exercise: Exercise, dest: Path) -> StagedSubmission:
    """Check a submission and copy what will be graded into the empty folder `dest`.

    Raises UsageError for a path that cannot be used, SubmissionRejected for a candidate fault
    (nothing is written then).
    """
    path = Path(path)
    info = describe_submission(path)
    check_destination(Path(dest))
    plan = _Plan()
    try:
        _plan(path, info.kind, exercise, plan)
    except Reject as exc:
        raise SubmissionRejected(
            Flag(exc.code.value, exc.message), info, tuple(plan.notes)
        ) from None
    _note_exported_magics(plan)
    write_files(Path(dest), plan.files)
    return StagedSubmission(
        info=info,
        directory=Path(dest),
        entry_module=plan.entry_module,
        notes=tuple(plan.notes),
        notebook=plan.notebook,
        exported_notebook=plan.exported_notebook,
    )
