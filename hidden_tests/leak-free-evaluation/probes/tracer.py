"""Tracer probe for leak-free-evaluation: runs inside the worker, next to the candidate's code.

`trace_evaluate(module, frame, post_outcome, features)` calls the candidate's
`evaluate(frame)` while scikit-learn's fit / fit_transform / fit_predict / transform /
predict / predict_proba / predict_log_proba / decision_function / score are wrapped on every
estimator class (each class of `sklearn.utils.all_estimators()` and the scikit-learn base
classes they inherit those methods from), and joblib runs sequentially so that `n_jobs`
cannot move a call into another process where it would go unseen. Everything is put back
afterwards. Nothing is judged here: the probe returns the score and one record per call,
and the hidden tests decide.

Rows are told apart by their values, never by position or index alone, so that converting a
DataFrame to an array, reordering or dropping columns, splitting and concatenating do not
lose them. A row the call saw is traced back to a row of the frame the harness sent by, in
order:

1. its whole-row fingerprint, when the row is the output of a transform seen earlier (the
   fingerprint is a hash of the row's sorted, normalised values: `row_fingerprints`);
2. its anchors: non-integer numbers that occur in one row only, such as a raw `income`
   (unique per row in the churn data) or a transform's output of one;
3. its index label, when the call got a DataFrame whose index still matches the frame's
   (checked against the raw columns it still carries);
4. the rows of the enclosing Pipeline, ColumnTransformer, FeatureUnion or search, when the
   call happens inside one and sees as many rows (steps see their container's rows in
   order, column subsets and transformed values included);
5. all of the frame, when nothing else matched and the call saw exactly as many rows.

Each traced row is reported as the fingerprint of the frame's row over the feature
columns (`raw_fingerprints`); the hidden tests compute the same fingerprints on their
copy of the frame with this very file, imported by path, and map them to their own rows.

Calls made inside another estimator's call (a forest fitting its trees, a selector
fitting its model) are not recorded: the outer call stands for them. Calls inside a
Pipeline, ColumnTransformer, FeatureUnion or a hyper-parameter search are recorded, with
the id of the enclosing record as `parent`.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
from typing import Any

TRACED = (
    "fit",
    "fit_transform",
    "fit_predict",
    "transform",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "score",
)
LEARNING = frozenset({"fit", "fit_transform", "fit_predict"})
TRANSFORMING = frozenset({"transform", "fit_transform"})
MAX_RECORDS = 20_000
MAX_ROW_IDS = 3_000_000  # fingerprints over all row sets returned
MAX_DENSE_CELLS = 20_000_000  # a sparse input larger than this is not fingerprinted
INDEX_MATCH_SHARE = 0.95


# -- fingerprints (also imported by the hidden tests) ----------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT, pd.NA compare unequal to themselves
    except (TypeError, ValueError):
        return True  # pd.NA refuses bool()


def _digest(numbers: list[float], strings: list[str], missing: int) -> int:
    import numpy as np

    payload = (
        np.asarray(sorted(numbers), dtype="<f8").tobytes()
        + b"\x1e"
        + "\x1f".join(sorted(strings)).encode("utf-8", "surrogatepass")
        + b"\x1e"
        + str(missing).encode()
    )
    return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "big")


def _split_columns(table: Any) -> tuple[Any, list[Any]] | None:
    """(n x a float matrix, NaN for missing; object columns) of a 2-D table, or None."""
    import numpy as np

    pd = _pandas()
    if pd is not None and isinstance(table, pd.Series):
        table = table.to_frame()
    if pd is not None and isinstance(table, pd.DataFrame):
        numeric, objects = [], []
        for i in range(table.shape[1]):
            column = table.iloc[:, i]
            if column.dtype.kind in "biuf":
                numeric.append(column.to_numpy(dtype=float, na_value=np.nan))
            else:
                try:
                    numeric.append(column.to_numpy(dtype=float, na_value=np.nan))
                except (TypeError, ValueError):
                    objects.append(column.to_numpy(dtype=object))
        n = table.shape[0]
        matrix = np.column_stack(numeric) if numeric else np.empty((n, 0))
        return matrix, objects
    if hasattr(table, "toarray") and hasattr(table, "shape") and len(table.shape) == 2:
        if table.shape[0] * table.shape[1] > MAX_DENSE_CELLS:
            return None
        table = table.toarray()
    array = np.asarray(table) if not isinstance(table, np.ndarray) else table
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        return None
    if array.dtype.kind in "biuf":
        return array.astype(float, copy=False), []
    return np.empty((array.shape[0], 0)), [array[:, j] for j in range(array.shape[1])]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:  # pragma: no cover - pandas is in the image
        return None
    return pandas


def row_fingerprints(table: Any) -> list[int] | None:
    """One fingerprint per row: a hash of the row's sorted, normalised values.

    Numbers (bools and ints included) count as float64, strings as themselves, missing
    values (None, NaN, NA) by how many there are; the order of columns does not matter,
    nor whether the row comes in a DataFrame, an array of objects or a numeric array.
    """
    import numpy as np

    parts = _split_columns(table)
    if parts is None:
        return None
    matrix, objects = parts
    n = matrix.shape[0] if matrix.ndim == 2 else 0
    if objects:
        n = len(objects[0])
    matrix = matrix + 0.0  # -0.0 and 0.0 are the same value
    nan = np.isnan(matrix)
    result: list[int] = []
    for i in range(n):
        row = matrix[i]
        numbers = row[~nan[i]].tolist()
        missing = int(nan[i].sum())
        strings: list[str] = []
        for column in objects:
            value = column[i]
            if _is_missing(value):
                missing += 1
            elif isinstance(value, bool | int | float | np.number):
                numbers.append(float(value) + 0.0)
            else:
                strings.append(str(value))
        result.append(_digest(numbers, strings, missing))
    return result


def raw_fingerprints(frame: Any, features: list[str]) -> list[int]:
    """The fingerprint of each row of `frame` over its feature columns: how rows are named."""
    fingerprints = row_fingerprints(frame[features])
    assert fingerprints is not None
    return fingerprints


# -- the tracer ------------------------------------------------------------------------------


class _Frame:
    """One traced call in progress."""

    def __init__(self, estimator: Any, kind: str, n: int, rows: Any, record: int) -> None:
        self.estimator = estimator
        self.kind = kind
        self.n = n
        self.rows = rows  # numpy int array of frame positions, -1 where unknown
        self.record = record  # index in records, -1 when not recorded


class Tracer:
    def __init__(self, frame: Any, post_outcome: str, features: list[str]) -> None:
        import numpy as np

        self.np = np
        self.frame = frame.copy()
        self.n_raw = len(frame)
        self.post_outcome = post_outcome
        self.features = list(features)
        self.raw_ids = raw_fingerprints(frame, self.features)
        self.reasons = (
            {str(v) for v in frame[post_outcome].tolist() if not _is_missing(v)}
            if post_outcome in frame.columns
            else set()
        )
        self.records: list[dict[str, Any]] = []
        self.row_sets: list[list[int]] = []
        self._row_set_index: dict[bytes, int] = {}
        self.row_ids_total = 0
        self.truncated = False
        self.stack: list[_Frame] = []
        self.instances: dict[int, int] = {}
        self._alive: list[Any] = []  # keeps traced estimators alive so ids are not reused
        self.by_fingerprint: dict[int, tuple[int, int]] = {}  # fp -> (position, record)
        self.anchors: dict[float, tuple[int, int]] = {}  # value -> (position, record)
        self._anchor_arrays: tuple[Any, Any, Any] | None = None
        self._register_raw_anchors()
        self._containers = self._container_types()
        self._stateless = self._stateless_types()

    # -- identities --------------------------------------------------------------------
    @staticmethod
    def _container_types() -> tuple[type, ...]:
        from sklearn.compose import ColumnTransformer
        from sklearn.model_selection._search import BaseSearchCV
        from sklearn.pipeline import FeatureUnion, Pipeline

        return (Pipeline, ColumnTransformer, FeatureUnion, BaseSearchCV)

    @staticmethod
    def _stateless_types() -> tuple[type, ...]:
        """Estimators whose fit learns nothing from the features."""
        from sklearn.preprocessing import (
            FunctionTransformer,
            LabelBinarizer,
            LabelEncoder,
            MultiLabelBinarizer,
        )

        # label encoders see targets (cross_val_predict fits one on all of y), not features
        return (FunctionTransformer, LabelEncoder, LabelBinarizer, MultiLabelBinarizer)

    def _instance(self, estimator: Any) -> int:
        key = id(estimator)
        if key not in self.instances:
            self.instances[key] = len(self.instances) + 1
            self._alive.append(estimator)
        return self.instances[key]

    def _register_raw_anchors(self) -> None:
        np = self.np
        for column in self.frame.columns:
            values = self.frame[column]
            if values.dtype.kind != "f":
                continue
            array = values.to_numpy(dtype=float)
            self._add_anchors(array, np.arange(len(array)), -1)

    def _add_anchors(self, values: Any, positions: Any, record: int) -> None:
        np = self.np
        usable = np.isfinite(values) & (values != np.round(values)) & (positions >= 0)
        if not usable.any():
            return
        values, positions = values[usable], positions[usable]
        unique, counts = np.unique(values, return_counts=True)
        once = set(unique[counts == 1].tolist())
        for value, position in zip(values.tolist(), positions.tolist(), strict=True):
            if value in once:
                self.anchors[value] = self._claim(self.anchors.get(value), position, record)
        self._anchor_arrays = None

    def _claim(self, known: tuple[int, int] | None, position: int, record: int) -> tuple[int, int]:
        """Who a value (an anchor or a row fingerprint) stands for, after one more sighting.

        Two rows: it names no row. One row, produced by two different estimators (or also
        found in the raw frame): it still names the row, but no transform in particular, so
        it links the row to no fitted state. The same estimator again: its latest output.
        """
        if known is None:
            return (position, record)
        if known[0] != position:
            return (-1, -1)
        if known[1] == record or known[1] == -1 or record == -1:
            return (position, -1 if record != known[1] else record)
        if self._instance_of(known[1]) == self._instance_of(record):
            return (position, record)
        return (position, -1)

    def _instance_of(self, record: int) -> int:
        return self.records[record]["instance"] if 0 <= record < len(self.records) else -1

    def _anchor_lookup(self) -> tuple[Any, Any, Any]:
        np = self.np
        if self._anchor_arrays is None:
            keys = np.array(sorted(self.anchors), dtype=float)
            rows = np.array([self.anchors[k][0] for k in keys.tolist()], dtype=np.int64)
            sources = np.array([self.anchors[k][1] for k in keys.tolist()], dtype=np.int64)
            self._anchor_arrays = (keys, rows, sources)
        return self._anchor_arrays

    def identify(self, table: Any, n: int) -> tuple[Any, set[int]]:
        """Frame positions of the rows of `table` (-1 where unknown) and the records used."""
        np = self.np
        rows = np.full(n, -1, dtype=np.int64)
        via: set[int] = set()
        fingerprints = row_fingerprints(table)
        if fingerprints is not None and len(fingerprints) == n:
            for i, fp in enumerate(fingerprints):
                known = self.by_fingerprint.get(fp)
                if known is not None and known[0] >= 0:
                    rows[i] = known[0]
                    via.add(known[1])
        if (rows < 0).any():
            self._identify_by_anchors(table, rows, via)
        if (rows < 0).any():
            self._identify_by_index(table, rows)
        via.discard(-1)
        return rows, via

    def _identify_by_anchors(self, table: Any, rows: Any, via: set[int]) -> None:
        np = self.np
        parts = _split_columns(table)
        if parts is None:
            return
        matrix, objects = parts
        columns = [matrix[:, j] for j in range(matrix.shape[1])]
        pd = _pandas()
        for column in objects:
            if pd is not None:
                converted = pd.to_numeric(pd.Series(column), errors="coerce").to_numpy(float)
                if np.isfinite(converted).any():
                    columns.append(converted)
        if not columns or not self.anchors:
            return
        keys, anchor_rows, sources = self._anchor_lookup()
        values = np.column_stack(columns)
        index = np.clip(np.searchsorted(keys, values), 0, len(keys) - 1)
        hit = keys[index] == values
        found = np.where(hit, anchor_rows[index], -1)
        found_valid = found >= 0
        low = np.where(found_valid, found, np.iinfo(np.int64).max).min(axis=1)
        high = np.where(found_valid, found, -1).max(axis=1)
        agreed = (low == high) & (high >= 0) & (rows < 0)
        rows[agreed] = high[agreed]
        used = sources[index][hit & found_valid & agreed[:, None]]
        via.update(int(s) for s in np.unique(used).tolist())

    def _identify_by_index(self, table: Any, rows: Any) -> None:
        np = self.np
        pd = _pandas()
        if pd is None or not isinstance(table, pd.DataFrame):
            return
        index = table.index
        if index.dtype.kind not in "iu" or len(index) == 0:
            return
        labels = index.to_numpy()
        if labels.min() < 0 or labels.max() >= self.n_raw:
            return
        # the index names the frame's rows only if the raw columns it still carries agree
        # (some may have been changed in place: those are skipped, not held against it)
        agreeing = 0
        for column in dict.fromkeys(table.columns):
            if column not in self.frame.columns or column == self.post_outcome:
                continue
            mine = table[column]
            if not hasattr(mine, "to_numpy") or getattr(mine, "ndim", 1) != 1:
                continue
            theirs = self.frame[column].to_numpy(dtype=object)[labels]
            same = np.fromiter(
                (
                    (_is_missing(a) and _is_missing(b)) or bool(a == b)
                    for a, b in zip(mine.to_numpy(dtype=object), theirs, strict=True)
                ),
                bool,
                count=len(labels),
            )
            agreeing += bool(same.mean() >= INDEX_MATCH_SHARE)
        if agreeing >= 2:
            unknown = rows < 0
            rows[unknown] = labels[unknown]

    def register_output(self, table: Any, output: Any, rows: Any, record: int) -> None:
        """Remember a transform's output rows, so later calls on them can be traced back.

        A row that comes out as it went in (an imputer with nothing to fill) carries nothing
        the transform learned: it is remembered as a raw row, linked to no transform.
        """
        np = self.np
        fingerprints = row_fingerprints(output)
        if fingerprints is None or len(fingerprints) != len(rows):
            return
        inputs = row_fingerprints(table) or [None] * len(rows)
        if len(inputs) != len(rows):
            inputs = [None] * len(rows)
        for fp, before, position in zip(fingerprints, inputs, rows.tolist(), strict=True):
            if position >= 0:
                source = -1 if fp == before else record
                self.by_fingerprint[fp] = self._claim(self.by_fingerprint.get(fp), position, source)
        parts = _split_columns(output)
        if parts is None:
            return
        matrix = parts[0]
        for j in range(matrix.shape[1]):
            self._add_anchors(np.asarray(matrix[:, j], dtype=float), rows, record)

    # -- recording ---------------------------------------------------------------------
    def _row_set(self, rows: Any) -> int:
        np = self.np
        known = np.unique(rows[rows >= 0])
        key = known.tobytes()
        if key not in self._row_set_index:
            if self.row_ids_total + len(known) > MAX_ROW_IDS:
                self.truncated = True
                return -1
            self._row_set_index[key] = len(self.row_sets)
            self.row_sets.append([self.raw_ids[i] for i in known.tolist()])
            self.row_ids_total += len(known)
        return self._row_set_index[key]

    def _post_outcome_seen(self, table: Any) -> int:
        """How many cells of the post-outcome column (by name or by value) the call saw."""
        np = self.np
        pd = _pandas()
        name = self.post_outcome
        if pd is not None and isinstance(table, pd.DataFrame):
            for column in table.columns:
                if name in str(column):
                    return int(table.shape[0])
        if not self.reasons:
            return 0
        parts = _split_columns(table)
        if parts is None:
            return 0
        seen = 0
        for column in parts[1]:
            seen += int(np.fromiter((str(v) in self.reasons for v in column), bool).sum())
        return seen

    def call(self, estimator: Any, method: str, bound: Any, args: tuple, kwargs: dict) -> Any:
        top = self.stack[-1] if self.stack else None
        if top is not None and (top.kind != "container" or top.estimator is estimator):
            # inside another estimator's own work, or one method of an estimator calling another
            return bound(*args, **kwargs)
        table = args[0] if args else kwargs.get("X")
        try:
            frame = self._begin(estimator, method, table, top)
        except Exception:  # noqa: BLE001 - the tracer must never break the candidate's code
            frame = _Frame(estimator, "leaf", -1, None, -1)
        self.stack.append(frame)
        try:
            result = bound(*args, **kwargs)
        except BaseException:
            if frame.record >= 0:
                self.records[frame.record]["raised"] = True
            raise
        finally:
            self.stack.pop()
        if method in TRANSFORMING and frame.rows is not None and frame.record >= 0:
            inherited = self.records[frame.record]["inherited"]
            if not inherited or frame.kind == "container":
                # an output the tracer cannot read only goes unused
                with contextlib.suppress(Exception):
                    self.register_output(table, result, frame.rows, frame.record)
        return result

    def _begin(self, estimator: Any, method: str, table: Any, top: _Frame | None) -> _Frame:
        np = self.np
        kind = (
            "container"
            if isinstance(estimator, self._containers)
            else "stateless"
            if isinstance(estimator, self._stateless)
            else "leaf"
        )
        n = _row_count(table)
        if n is None or len(self.records) >= MAX_RECORDS:
            self.truncated = self.truncated or len(self.records) >= MAX_RECORDS
            return _Frame(estimator, kind, -1, None, -1)
        inherited = top is not None and top.rows is not None and top.n == n
        if inherited:
            assert top is not None
            rows, via = top.rows.copy(), set()
        else:
            rows, via = self.identify(table, n)
            if (rows < 0).all() and n == self.n_raw:
                rows = np.arange(n, dtype=np.int64)
        record = {
            "id": len(self.records),
            "parent": top.record if top is not None else -1,
            "cls": type(estimator).__name__,
            "method": method,
            "instance": self._instance(estimator),
            "kind": kind,
            "transformer": hasattr(estimator, "transform"),
            "columns": _column_names(table),
            "n": n,
            "rows": self._row_set(rows),
            "unknown": int((rows < 0).sum()),
            "via": sorted(via),
            "inherited": inherited,
            "post_outcome": self._post_outcome_seen(table) if kind == "leaf" else 0,
            "raised": False,
        }
        self.records.append(record)
        return _Frame(estimator, kind, n, rows, record["id"])


def _row_count(table: Any) -> int | None:
    shape = getattr(table, "shape", None)
    if shape is not None and len(shape) >= 1:
        return int(shape[0])
    if isinstance(table, list | tuple):
        return len(table)
    return None


def _column_names(table: Any) -> list[str] | None:
    columns = getattr(table, "columns", None)
    if columns is None or not hasattr(table, "iloc"):
        return None
    return [str(c)[:100] for c in list(columns)[:200]]


# -- patching --------------------------------------------------------------------------------


class _Traced:
    """A class attribute that wraps the method it replaces, whatever kind of descriptor."""

    def __init__(self, tracer: Tracer, original: Any, name: str) -> None:
        self.tracer = tracer
        self.original = original
        self.name = name

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        bound = self.original.__get__(obj, owner)  # raises AttributeError like the original
        if obj is None:
            return bound
        tracer, name = self.tracer, self.name

        @functools.wraps(bound)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return tracer.call(obj, name, bound, args, kwargs)

        return traced


def _classes_to_patch() -> list[type]:
    from sklearn.utils import all_estimators

    seen: dict[type, None] = {}
    for _, estimator_class in all_estimators():
        for klass in estimator_class.__mro__:
            if klass.__module__.startswith("sklearn"):
                seen[klass] = None
    return list(seen)


def _patch(tracer: Tracer) -> list[tuple[type, str, Any]]:
    saved: list[tuple[type, str, Any]] = []
    for klass in _classes_to_patch():
        for name in TRACED:
            original = klass.__dict__.get(name)
            if original is None or not hasattr(original, "__get__"):
                continue
            if isinstance(original, staticmethod | classmethod):
                continue
            saved.append((klass, name, original))
            setattr(klass, name, _Traced(tracer, original, name))
    return saved


def _unpatch(saved: list[tuple[type, str, Any]]) -> None:
    for klass, name, original in reversed(saved):
        setattr(klass, name, original)


def _plain_score(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "bool"}
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return {"type": type(value).__name__[:50]}
    return {"value": number if math.isfinite(number) else None, "type": type(value).__name__[:50]}


def trace_evaluate(
    module: Any, frame: Any, post_outcome: str, features: list[str]
) -> dict[str, Any]:
    """Run `module.evaluate(frame)` under the tracer: its score and what scikit-learn saw."""
    from joblib import parallel_config

    evaluate = getattr(module, "evaluate", None)
    if evaluate is None:
        raise AttributeError("your module does not define 'evaluate'")
    tracer = Tracer(frame, post_outcome, features)
    saved = _patch(tracer)
    try:
        with parallel_config(backend="sequential"):
            score = evaluate(frame.copy())
    finally:
        _unpatch(saved)
    return {
        "score": _plain_score(score),
        "records": tracer.records,
        "row_sets": tracer.row_sets,
        "truncated": tracer.truncated,
    }
