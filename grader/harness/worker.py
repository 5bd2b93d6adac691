"""The worker: the only process that imports and runs the candidate's code.

Started by the supervisor with two pipe descriptors for the protocol; its
stdout and stderr go to a capped pipe the supervisor drains. It answers one
request at a time. Whatever it sends back is untrusted by the harness.
"""

from __future__ import annotations

import argparse
import builtins
import importlib
import importlib.util
import os
import resource
import signal
import sys
import traceback
import types
from collections.abc import Callable
from typing import Any

# Our own dependencies are imported before the submission joins sys.path, so a
# candidate's numpy.py or msgpack.py can only shadow modules for its own code.
from grader.harness.cells import (
    IPYTHON_KINDS,
    KINDS,
    MAX_LOAD_ERRORS,
    cell_sources,
    cell_starts,
    locate,
)
from grader.harness.codec import (
    MAX_FRAME_BYTES,
    Decoder,
    Encoder,
    Poller,
    Unencodable,
    read_frame,
    write_frame,
)
from grader.harness.leetcode import (
    TreeNode,
    leetcode_namespace,
    levels_to_tree,
    tree_to_levels,
)
from grader.harness.processes import die_with_parent
from grader.harness.shell import FUTURE_FLAGS, display, get_ipython

MAX_TREE_NODES = 200_000
# Packages notebook code imports that the sandbox has no real one of (IPython).
STANDINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "standins")


class ForbiddenImportError(ImportError):
    """Raised for a forbidden import; its name tells the harness what happened."""


class ForbiddenImportBlocker:
    """Refuses imports of modules the exercise forbids, however they are spelled.

    A meta path finder by protocol (`find_spec`); not derived from importlib.abc's, whose
    import costs every worker start about 14 ms.
    """

    def __init__(self, forbidden: tuple[str, ...]) -> None:
        self.forbidden = frozenset(forbidden)

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".")[0] in self.forbidden:
            raise ForbiddenImportError(f"importing {fullname!r} is not allowed in this exercise")
        return None


class Worker:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self.module: types.ModuleType | None = None
        self.load_errors: list[BaseException] = []  # what the module's top level raised
        self.cell_starts: list[tuple[int, int]] = []  # a notebook's cells in the module
        self.probes: dict[str, types.ModuleType] = {}
        self.encoder = Encoder(on_unencodable=self._new_handle, tree_nodes=self._tree_levels)
        self.decoder = Decoder(resolve_handle=self._resolve_handle, build_tree=self._build_tree)

    # -- handles and trees ---------------------------------------------------------
    def _new_handle(self, value: Any) -> Any:
        from grader.harness.codec import Handle

        handle_id = self.next_handle
        self.next_handle += 1
        self.handles[handle_id] = value
        return Handle(handle_id)

    def _resolve_handle(self, handle_id: int) -> Any:
        try:
            return self.handles[handle_id]
        except KeyError:
            raise LookupError(f"unknown handle {handle_id}") from None

    def _tree_levels(self, value: Any) -> list[Any] | None:
        if not all(hasattr(value, a) for a in ("val", "left", "right")):
            return None
        return tree_to_levels(value, MAX_TREE_NODES)

    def _build_tree(self, values: list[Any]) -> Any:
        node_class = getattr(self.module, "TreeNode", None) or TreeNode
        return levels_to_tree(values, node_class)

    # -- candidate module ----------------------------------------------------------
    def import_candidate(self) -> None:
        if self.args.kind == "sql":
            from grader.harness.sql import sql_module

            self.module = sql_module(os.path.join(self.args.submission, "solution.sql"))
            return
        name = self.args.entry_module
        path = os.path.join(self.args.submission, f"{name}.py")
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {name}.py")
        module = importlib.util.module_from_spec(spec)
        module.__dict__.update(leetcode_namespace())
        sys.modules[name] = module
        self.module = module
        with open(path, "rb") as source:
            parts = self._parts(source.read(), path)
        future = 0
        for compiled in parts:
            try:
                code = compiled(future)
                # a __future__ import holds for the cells after it, as in Jupyter
                future |= code.co_flags & FUTURE_FLAGS
                exec(code, module.__dict__)  # noqa: S102 - the candidate's module, in the worker
            except BaseException as exc:  # noqa: BLE001 - any failure of candidate code is data
                self.load_errors.append(exc)
        if self.load_errors and (
            not self._defines_entry_point()
            or any(isinstance(exc, ForbiddenImportError) for exc in self.load_errors)
        ):
            raise self.load_errors[0]

    def _parts(self, source: bytes, path: str) -> list[Callable[[int], types.CodeType]]:
        """The module's code in the parts it runs in, each compiled when it runs: the file
        whole, or a notebook's cells one by one, as Jupyter compiles and runs them (a cell
        that raises, or does not compile, does not stop the next). Line numbers stay those
        of the file. Each is compiled with the __future__ flags of the parts before it."""
        # dont_inherit: the candidate's code gets none of this module's __future__ imports
        whole = [lambda flags: compile(source, path, "exec", flags=flags, dont_inherit=True)]
        if self.args.kind != "notebook":
            return whole
        lines = source.decode("utf-8").split("\n")  # the host wrote it
        self.cell_starts = cell_starts(lines)
        if not self.cell_starts:
            return whole
        import ast

        def cell(before: int, text: str) -> Callable[[int], types.CodeType]:
            def compiled(flags: int) -> types.CodeType:
                try:
                    tree = ast.parse(text, path)
                except SyntaxError as exc:
                    # counted from the cell's first line: made the file's, as for its code
                    exc.lineno = None if exc.lineno is None else exc.lineno + before
                    exc.end_lineno = None if exc.end_lineno is None else exc.end_lineno + before
                    raise
                ast.increment_lineno(tree, before)
                return compile(tree, path, "exec", flags=flags, dont_inherit=True)

            return compiled

        # the module's first line, before the cells, is the host's comment (cells.HEADER)
        return [cell(before, text) for before, text in cell_sources(lines, self.cell_starts)]

    def _defines_entry_point(self) -> bool:
        try:
            return self.args.entry_point is not None and bool(
                self.entry_attribute(self.args.entry_point)
            )
        except AttributeError:
            return False

    def where(self, relative: str, lineno: int) -> str:
        """Where a line of the submission is, as the candidate knows it."""
        if self.cell_starts and relative == f"{self.args.entry_module}.py":
            return locate(self.cell_starts, lineno)
        return f"{relative}, line {lineno}"

    def entry_attribute(self, name: str) -> Any:
        module = self.module
        if hasattr(module, name):
            return getattr(module, name)
        method = self.args.leetcode_method
        if name == self.args.entry_point and method:
            solution_class = getattr(module, "Solution", None)
            if isinstance(solution_class, type) and hasattr(solution_class, method):
                return _fresh_instance_call(solution_class, method)
        raised = ""
        if self.load_errors:
            first = describe_exception(self.load_errors[0], self.args.submission, self.where)
            at = f" at {first['where']}" if first["where"] else ""
            raised = f" (while loading, your code raised {first['type']}{at})"
        raise AttributeError(f"your module does not define {name!r}{raised}")

    # -- requests ------------------------------------------------------------------
    def handle(self, request: Any) -> Any:
        op = request.get("op") if isinstance(request, dict) else None
        if op == "getattr":
            target = request["target"]
            if target is None:
                return self.entry_attribute(request["name"])
            return getattr(target, request["name"])
        if op == "call":
            return request["target"](*request.get("args", []), **request.get("kwargs", {}))
        if op == "probe":
            probe = self._probe_module(request["module"], request["source"])
            func = getattr(probe, request["func"])
            return func(self.module, *request.get("args", []), **request.get("kwargs", {}))
        if op == "release":
            for handle_id in request.get("handles", []):
                self.handles.pop(handle_id, None)
            return None
        raise ValueError(f"unknown request {op!r}")

    def _probe_module(self, name: str, source: str) -> types.ModuleType:
        if name not in self.probes:
            module = types.ModuleType(f"grader_probe_{name}")
            # probes find entry points the way tests do (LeetCode's Solution included)
            module.resolve_entry = self.entry_attribute
            exec(compile(source, f"<probe {name}>", "exec"), module.__dict__)  # noqa: S102 - pack code
            self.probes[name] = module
        return self.probes[name]


def _fresh_instance_call(solution_class: type, method: str) -> Any:
    """Each call on a new `Solution()`, as LeetCode runs each case: no state leaks between them."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(solution_class(), method)(*args, **kwargs)

    call.__name__ = method
    return call


def describe_exception(
    exc: BaseException,
    submission_dir: str,
    where_is: Callable[[str, int], str] | None = None,
) -> dict[str, Any]:
    """Type, message and the last frame inside the submission, as plain strings; `where_is`
    names a line of a file of the submission."""
    where = ""
    places = [(frame.filename, frame.lineno) for frame in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError):  # raised by the compiler, about the candidate's file
        places.append((exc.filename or "", exc.lineno))
    for filename, lineno in places:
        if filename.startswith(submission_dir):
            relative = os.path.relpath(filename, submission_dir)
            line = lineno or 0
            where = where_is(relative, line) if where_is else f"{relative}, line {line}"
    try:
        # a SyntaxError's str() adds its file and line, which `where` says as the candidate
        # knows them (a notebook's cell)
        message = exc.msg if isinstance(exc, SyntaxError) else str(exc)
        message = message if isinstance(message, str) else str(message)
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not kill the worker
        message = "<unprintable>"
    return {
        "type": type(exc).__name__,
        "message": message[:500],
        "where": where,
        "errno": getattr(exc, "errno", None) if isinstance(exc, OSError) else None,
    }


def _limit_resources(args: argparse.Namespace) -> None:
    # A write past the file-size cap raises OSError(EFBIG) instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if args.file_size_mb:
        size = args.file_size_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    if args.max_processes and os.getuid() != 0:
        # RLIMIT_NPROC counts every process of the user, so leave room for those running.
        allowed = _user_process_count() + args.max_processes
        resource.setrlimit(resource.RLIMIT_NPROC, (allowed, allowed))
    if args.address_space_mb:
        size = args.address_space_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def _shadows(submission: str, module: str) -> bool:
    return os.path.exists(os.path.join(submission, f"{module}.py")) or os.path.isdir(
        os.path.join(submission, module)
    )


def _user_process_count() -> int:
    uid = os.getuid()
    count = 0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                count += os.stat(f"/proc/{entry}").st_uid == uid
            except OSError:
                continue
    return count


def serve(args: argparse.Namespace) -> None:
    proto_in = os.fdopen(args.read_fd, "rb", buffering=0)
    proto_out = os.fdopen(args.write_fd, "wb", buffering=0)
    worker = Worker(args)
    die_with_parent()  # the supervisor gone (killed, its grading stopped), so is this worker
    _limit_resources(args)
    if args.forbidden:
        forbidden = tuple(args.forbidden)
        # a module already loaded would be handed out from sys.modules without asking finders
        for name in list(sys.modules):
            if name.split(".")[0] in forbidden:
                del sys.modules[name]
        sys.meta_path.insert(0, ForbiddenImportBlocker(forbidden))
    for module in ("numpy", "pandas"):
        if _shadows(args.submission, module):
            # the codec imports these lazily: load the real ones before the submission's can
            # shadow them
            importlib.import_module(module)
    os.chdir(args.submission)
    sys.path.insert(0, args.submission)
    sys.path.append(STANDINS)  # last: an installed library of the same name comes first
    sys.argv = [os.path.join(args.submission, f"{args.entry_module}.py")]

    try:
        worker.import_candidate()
        ready: dict[str, Any] = {
            "ready": True,
            "load_errors": [
                describe_exception(exc, args.submission, worker.where)
                for exc in worker.load_errors[:MAX_LOAD_ERRORS]
            ],
        }
    except BaseException as exc:  # noqa: BLE001 - any failure of candidate code is data
        ready = {"ready": False, "raised": describe_exception(exc, args.submission, worker.where)}
    write_frame(proto_out, worker.encoder.encode(ready))
    if not ready["ready"]:
        return

    poller = Poller(seconds=0.0) if args.no_poll else Poller()
    while True:
        poller.wait(args.read_fd)  # the next request often follows at once
        frame = read_frame(proto_in)
        if frame is None:
            return
        try:
            request = worker.decoder.decode(frame)
            result = worker.handle(request)
            reply = {"ok": result}
            payload = worker.encoder.encode(reply)
        except Unencodable as exc:
            payload = _unencodable(worker, str(exc))
        except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt included
            payload = worker.encoder.encode(
                {"raised": describe_exception(exc, args.submission, worker.where)}
            )
        if len(payload) > MAX_FRAME_BYTES:
            payload = _unencodable(worker, f"more than {MAX_FRAME_BYTES // 2**20} MB encoded")
        write_frame(proto_out, payload)


def _unencodable(worker: Worker, message: str) -> bytes:
    raised = {"type": "Unencodable", "message": message, "where": "", "errno": None}
    return worker.encoder.encode({"raised": raised})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="grader-worker")
    parser.add_argument("--read-fd", type=int, required=True)
    parser.add_argument("--write-fd", type=int, required=True)
    parser.add_argument("--submission", required=True)
    parser.add_argument("--entry-module", required=True)
    parser.add_argument("--entry-point", default=None)
    parser.add_argument("--leetcode-method", default=None)
    parser.add_argument("--forbidden", action="append", default=[])
    parser.add_argument("--file-size-mb", type=int, default=64)
    parser.add_argument("--address-space-mb", type=int, default=0)
    parser.add_argument("--max-processes", type=int, default=0)
    parser.add_argument("--kind", choices=KINDS, default="python")
    parser.add_argument(
        "--no-poll", action="store_true", help="block at once for requests (a CPU quota below 1)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    builtins.input = _no_input  # candidates reading stdin would wait forever
    if args.kind in IPYTHON_KINDS:
        # builtins under IPython: a notebook calls display() without an import, and one
        # exported as a script calls get_ipython() for each magic; a plain script sees
        # neither, as under python
        builtins.get_ipython = get_ipython  # type: ignore[attr-defined]
        builtins.display = display  # type: ignore[attr-defined]
    serve(args)
    # Skip interpreter teardown: candidate atexit hooks and finalizers must not run late.
    os._exit(0)


def _no_input(prompt: Any = "") -> str:
    raise EOFError("input() is not available while grading")


if __name__ == "__main__":
    main()
