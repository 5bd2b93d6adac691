"""Value-only codec for messages between the harness and the candidate's worker.

msgpack with a few extension types. Only plain values cross: None, bool, int,
float, str, bytes (bytearray and memoryview as bytes), list, dict, and by
extension tuple, set, big ints, numpy
arrays and scalars of numeric/bool/str dtypes, object arrays of such values,
level-order trees and handles to objects that stay in the worker. Decoding is
strict: an unknown tag, a lying length, a forbidden dtype or a frame that is
too deep or too large raises `CodecError`. Nothing here can run code; there is
no pickle in either direction.
"""

from __future__ import annotations

import os
import select
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgpack

if TYPE_CHECKING:
    import numpy as np

MAX_FRAME_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 100
MAX_BIGINT_DIGITS = 5000
MAX_ARRAY_DIMS = 32
# List elements and map entries in one frame. Each costs the decoder up to ~64 bytes while a
# byte of msgpack can encode one, so without a count a 40 MB frame could cost gigabytes.
MAX_ITEMS = 4_000_000
# Keys of one map or members of one set whose hashes an encoder can choose (numbers, tuples;
# str and bytes hashes are salted per process): past this many, they must mostly differ, or
# building the dict takes quadratic time outside any test's deadline.
HASH_SPREAD_MIN_KEYS = 256
ALLOWED_DTYPE_KINDS = frozenset("biufcU")

EXT_TUPLE = 1
EXT_NDARRAY = 2
EXT_NPSCALAR = 3
EXT_HANDLE = 4
EXT_SET = 5
EXT_FROZENSET = 6
EXT_BIGINT = 7
EXT_OBJARRAY = 8
EXT_TREE = 9
EXT_NONFINITE = 10  # reserved
EXT_FRAME = 11
EXT_SERIES = 12
MAX_COLUMNS = 10_000
# What building one value of these kinds costs, in items (each ~64 bytes and ~0.1 us to
# decode), beyond its elements: a pandas object takes ~50 us and ~2 KB, a set ~220 bytes, an
# array ~110 bytes, so that a frame of many small ones stays within MAX_ITEMS' bounds.
_EXT_COST = {
    EXT_SERIES: 256,
    EXT_FRAME: 1024,
    EXT_SET: 4,
    EXT_FROZENSET: 4,
    EXT_NDARRAY: 2,
    EXT_OBJARRAY: 2,
    EXT_TREE: 1,
}

_LENGTH = struct.Struct(">I")
INNER_PACKER_KEEP_BYTES = 1024 * 1024
# Exact types msgpack packs as they are (strict_types: subclasses are not among them).
_PLAIN_SCALARS = frozenset({type(None), bool, int, float, str, bytes})


class CodecError(ValueError):
    """A frame that does not follow the protocol."""


class ValueLimit(CodecError):
    """A well-formed frame whose value is more than the receiver builds: too many items, too
    deeply nested, or keys that share hashes. An honest value can be one."""


class Unencodable(TypeError):
    """A value that cannot cross by value (the worker sends a handle instead)."""


@dataclass(frozen=True)
class Handle:
    """A reference to an object that lives in the worker."""

    id: int


@dataclass(frozen=True)
class Tree:
    """A binary tree by value, as a LeetCode level-order list (None for gaps)."""

    values: tuple[Any, ...]

    @classmethod
    def of(cls, values: list[Any] | tuple[Any, ...] | None) -> Tree | None:
        """Build from a level-order list; an empty list means the empty tree (None)."""
        if not values:
            return None
        items = list(values)
        while items and items[-1] is None:
            items.pop()
        return cls(tuple(items))

    def to_list(self) -> list[Any]:
        return list(self.values)


def _numpy() -> Any:
    # numpy is imported only when an array actually crosses: DSA gradings never pay for it.
    import numpy

    return numpy


def _pandas() -> Any:
    import pandas

    return pandas


def _column_values(values: Any) -> Any:
    """A pandas column as a numpy array the codec accepts: numeric stays numeric, else objects."""
    np = _numpy()
    array = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
    if array.dtype.kind in ALLOWED_DTYPE_KINDS and array.dtype.kind != "U":
        return array
    return np.asarray(values.to_numpy(dtype=object, na_value=None), dtype=object)


def _check_dtype(dtype: np.dtype) -> None:
    if dtype.kind not in ALLOWED_DTYPE_KINDS or dtype.fields is not None or dtype.subdtype:
        raise Unencodable(f"arrays of dtype {dtype} cannot cross the boundary")


def _ndarray_payload(arr: np.ndarray) -> bytes:
    # tobytes() is in C order whatever the array's layout (ascontiguousarray would make a
    # 0-d array 1-d)
    return msgpack.packb([arr.dtype.str, list(arr.shape), arr.tobytes()])


def _new_packer() -> msgpack.Packer:
    return msgpack.Packer(use_bin_type=True, strict_types=True)


class Encoder:
    """Encode plain values; `on_unencodable` may turn anything else into a Handle."""

    def __init__(
        self,
        on_unencodable: Callable[[Any], Any] | None = None,
        tree_nodes: Callable[[Any], list[Any] | None] | None = None,
    ) -> None:
        self._on_unencodable = on_unencodable
        self._tree_nodes = tree_nodes
        # Extension payloads are packed while the message's own packer is busy: a second
        # packb there would allocate and free another buffer each time (~14 us a value).
        self._inner = _new_packer()

    def encode(self, value: Any) -> bytes:
        try:
            try:
                # Plain values are packed as they are, in C; msgpack hands whatever else it
                # meets (tuples, subclasses, big ints, handles, arrays ...) to _prepare.
                return msgpack.packb(
                    value, use_bin_type=True, strict_types=True, default=self._prepare_met
                )
            except (OverflowError, BufferError):
                # an int beyond 64 bits inside a tuple or set taken whole, or a memoryview
                # msgpack cannot take as it is: item by item
                return self._pack(self._prepare(value, 0, False))
        except (OverflowError, ValueError, TypeError) as exc:
            if isinstance(exc, Unencodable):
                raise
            if "recursion limit" in str(exc):  # msgpack's own, past ~1000 levels
                raise Unencodable("value nested too deeply") from exc
            raise Unencodable(str(exc)) from exc

    def _prepare_met(self, value: Any) -> Any:
        return self._prepare(value, 0, True)

    @staticmethod
    def _pack(prepared: Any) -> bytes:
        return msgpack.packb(prepared, use_bin_type=True, strict_types=True)

    def _pack_inner(self, prepared: Any) -> bytes:
        packed = self._inner.pack(prepared)
        if len(packed) > INNER_PACKER_KEEP_BYTES:
            self._inner = _new_packer()  # its buffer grew to this size and would stay so
        return packed

    def _prepare(self, value: Any, depth: int, whole: bool) -> Any:
        """`whole`: a list or tuple of plain scalars is kept as it is, its types checked in C
        (tests send lists of 10^5 numbers), leaving ints too big for msgpack to the packer."""
        if depth > MAX_DEPTH:
            raise Unencodable("value nested too deeply")
        kind = type(value)
        if value is None or kind in (bool, str, bytes, float):
            return value
        if kind is int:
            if -(2**63) <= value < 2**64:
                return value
            try:
                text = str(value)
            except ValueError:  # past Python's own limit on int-to-str digits
                text = ""
            if not text or len(text) > MAX_BIGINT_DIGITS:
                raise Unencodable("integer too large")
            return msgpack.ExtType(EXT_BIGINT, text.encode())
        if kind is bytearray:
            return bytes(value)
        if kind is memoryview:
            return value.tobytes()
        if kind is list:
            if whole and _PLAIN_SCALARS.issuperset(map(type, value)):
                return value
            return [self._prepare(v, depth + 1, whole) for v in value]
        if kind is tuple:
            if whole and _PLAIN_SCALARS.issuperset(map(type, value)):
                return self._ext(EXT_TUPLE, list(value))
            return self._ext(EXT_TUPLE, [self._prepare(v, depth + 1, whole) for v in value])
        if kind is dict:
            return {
                self._prepare(k, depth + 1, whole): self._prepare(v, depth + 1, whole)
                for k, v in value.items()
            }
        if kind in (set, frozenset):
            tag = EXT_SET if kind is set else EXT_FROZENSET
            return self._ext(tag, [self._prepare(v, depth + 1, whole) for v in value])
        if kind is Handle:
            return msgpack.ExtType(EXT_HANDLE, self._pack_inner(value.id))
        if kind is Tree:
            return self._ext(EXT_TREE, [self._prepare(v, depth + 1, whole) for v in value.values])
        np = sys.modules.get("numpy")  # no numpy loaded: no numpy value can exist
        if np is not None and isinstance(value, np.ndarray):
            if value.dtype.kind == "O":
                flat = [self._prepare(v, depth + 1, whole) for v in value.ravel().tolist()]
                return self._ext(EXT_OBJARRAY, [list(value.shape), flat])
            _check_dtype(value.dtype)
            return msgpack.ExtType(EXT_NDARRAY, _ndarray_payload(value))
        if np is not None and isinstance(value, np.generic):
            _check_dtype(value.dtype)
            scalar = [value.dtype.str, value.tobytes()]
            return msgpack.ExtType(EXT_NPSCALAR, self._pack_inner(scalar))
        pd = sys.modules.get("pandas")
        if pd is not None and isinstance(value, pd.DataFrame):
            if value.shape[1] > MAX_COLUMNS:
                raise Unencodable("too many columns")
            columns = [self._prepare(_label(c), depth + 1, whole) for c in value.columns]
            data = [
                self._prepare(_column_values(value.iloc[:, i]), depth + 1, whole)
                for i in range(value.shape[1])
            ]
            index = self._prepare(_column_values(value.index), depth + 1, whole)
            return self._ext(EXT_FRAME, [columns, data, index])
        if pd is not None and isinstance(value, pd.Series):
            name = self._prepare(_label(value.name), depth + 1, whole)
            data = self._prepare(_column_values(value), depth + 1, whole)
            index = self._prepare(_column_values(value.index), depth + 1, whole)
            return self._ext(EXT_SERIES, [name, data, index])
        # subclasses of plain types (e.g. a list whose __eq__ lies) cross as the plain type
        for base in (bool, int, float, str, bytes, list, tuple, dict):
            if isinstance(value, base):
                return self._prepare(base(value), depth, whole)
        if self._tree_nodes is not None:
            levels = self._tree_nodes(value)
            if levels is not None:
                return self._ext(EXT_TREE, [self._prepare(v, depth + 1, whole) for v in levels])
        if self._on_unencodable is not None:
            return self._prepare(self._on_unencodable(value), depth, whole)
        raise Unencodable(f"a value of type {type(value).__name__} cannot cross the boundary")

    def _ext(self, tag: int, items: Any) -> msgpack.ExtType:
        return msgpack.ExtType(tag, self._pack_inner(items))


class Decoder:
    """Strict decoding; `resolve_handle` maps a handle id to a local object (worker side)."""

    def __init__(
        self,
        resolve_handle: Callable[[int], Any] | None = None,
        build_tree: Callable[[list[Any]], Any] | None = None,
        max_bytes: int = MAX_FRAME_BYTES,
    ) -> None:
        self._resolve_handle = resolve_handle
        self._build_tree = build_tree
        self._max_bytes = max_bytes
        self._items_left = MAX_ITEMS

    def decode(self, data: bytes) -> Any:
        if len(data) > self._max_bytes:
            raise CodecError("frame too large")
        self._items_left = MAX_ITEMS
        try:
            return self._unpack(data, 0)
        except CodecError:
            raise
        except (RecursionError, msgpack.StackError) as exc:
            raise ValueLimit("value nested too deeply") from exc
        except ValueError as exc:
            if "exceeds max_" in str(exc):  # one list or map longer than MAX_ITEMS
                raise ValueLimit(f"value holds more than {MAX_ITEMS:,} items") from exc
            raise CodecError(f"malformed frame: {type(exc).__name__}") from exc
        except Exception as exc:  # msgpack raises several unrelated types on bad input
            raise CodecError(f"malformed frame: {type(exc).__name__}") from exc

    def _unpack(self, data: bytes, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ValueLimit("value nested too deeply")
        size = len(data)
        return msgpack.unpackb(
            data,
            raw=False,
            strict_map_key=False,
            use_list=True,
            ext_hook=lambda tag, payload: self._ext(tag, payload, depth + 1),
            list_hook=self._list,
            object_pairs_hook=self._map,
            max_str_len=size,
            max_bin_len=size,
            max_array_len=min(size, MAX_ITEMS),
            max_map_len=min(size // 2, MAX_ITEMS),
            max_ext_len=size,
        )

    def _spend(self, count: int) -> None:
        self._items_left -= count + 1
        if self._items_left < 0:
            raise ValueLimit(f"value holds more than {MAX_ITEMS:,} items")

    def _list(self, items: list[Any]) -> list[Any]:
        self._spend(len(items))
        return items

    def _map(self, pairs: list[tuple[Any, Any]]) -> dict[Any, Any]:
        self._spend(len(pairs))
        _check_hash_spread([key for key, _ in pairs])
        return dict(pairs)

    def _items(self, payload: bytes, depth: int) -> list[Any]:
        items = self._unpack(payload, depth)
        if type(items) is not list:
            raise CodecError("extension payload is not a list")
        return items

    def _ext(self, tag: int, payload: bytes, depth: int) -> Any:
        self._spend(_EXT_COST.get(tag, 0))
        if tag == EXT_TUPLE:
            return tuple(self._items(payload, depth))
        if tag in (EXT_SET, EXT_FROZENSET):
            items = self._items(payload, depth)
            try:
                _check_hash_spread(items)
                return set(items) if tag == EXT_SET else frozenset(items)
            except TypeError as exc:
                raise CodecError("unhashable set member") from exc
        if tag == EXT_BIGINT:
            text = payload.decode("ascii", "strict")
            if len(text) > MAX_BIGINT_DIGITS + 1 or not text.lstrip("-").isdigit():
                raise CodecError("bad big integer")
            # compared digit by digit where hashes collide: a long one costs like a list
            self._spend(len(text) // 16)
            return int(text)
        if tag == EXT_NDARRAY:
            return self._ndarray(payload)
        if tag == EXT_NPSCALAR:
            parts = msgpack.unpackb(payload, raw=False, max_array_len=2)
            if type(parts) is not list or len(parts) != 2:
                raise CodecError("bad numpy scalar")
            dtype_str, raw = parts
            dtype = self._dtype(dtype_str)
            if type(raw) is not bytes or len(raw) != dtype.itemsize:
                raise CodecError("numpy scalar length does not match its dtype")
            return _numpy().frombuffer(raw, dtype=dtype)[0]
        if tag == EXT_OBJARRAY:
            parts = self._items(payload, depth)
            if len(parts) != 2 or type(parts[0]) is not list or type(parts[1]) is not list:
                raise CodecError("bad object array")
            shape = self._shape(parts[0])
            flat = parts[1]
            np = _numpy()
            if int(np.prod(shape, dtype=np.int64)) != len(flat):
                raise CodecError("object array length does not match its shape")
            arr = np.empty(len(flat), dtype=object)
            for i, item in enumerate(flat):
                arr[i] = item
            return arr.reshape(shape)
        if tag == EXT_HANDLE:
            handle_id = msgpack.unpackb(payload)
            if type(handle_id) is not int or handle_id < 0:
                raise CodecError("bad handle")
            if self._resolve_handle is not None:
                return self._resolve_handle(handle_id)
            return Handle(handle_id)
        if tag == EXT_TREE:
            values = self._items(payload, depth)
            self._spend(len(values))  # a node object for each value
            if self._build_tree is not None:
                return self._build_tree(values)
            return Tree.of(values)
        if tag == EXT_FRAME:
            return self._frame(self._items(payload, depth))
        if tag == EXT_SERIES:
            parts = self._items(payload, depth)
            if len(parts) != 3:
                raise CodecError("bad series")
            name, data, index = parts
            _check_label(name)
            return _pandas().Series(self._column(data), index=self._column(index), name=name)
        raise CodecError(f"unknown extension type {tag}")

    def _column(self, values: Any) -> Any:
        np = _numpy()
        if not isinstance(values, np.ndarray) or values.ndim != 1:
            raise CodecError("a column must be a one-dimensional array")
        return values

    def _frame(self, parts: list[Any]) -> Any:
        if len(parts) != 3 or type(parts[0]) is not list or type(parts[1]) is not list:
            raise CodecError("bad data frame")
        columns, data, index = parts
        if len(columns) != len(data) or len(columns) > MAX_COLUMNS:
            raise CodecError("data frame columns do not match their data")
        for label in columns:
            _check_label(label)
        index_values = self._column(index)
        arrays = [self._column(column) for column in data]
        if any(len(array) != len(index_values) for array in arrays):
            raise CodecError("data frame columns differ in length")
        pd = _pandas()
        frame = pd.DataFrame(dict(enumerate(arrays)), index=index_values)
        frame.columns = pd.Index(columns, dtype=object) if columns else frame.columns
        return frame

    @staticmethod
    def _dtype(dtype_str: Any) -> np.dtype:
        if type(dtype_str) is not str or len(dtype_str) > 16:
            raise CodecError("bad dtype")
        try:
            dtype = _numpy().dtype(dtype_str)
        except TypeError as exc:
            raise CodecError("bad dtype") from exc
        if dtype.kind not in ALLOWED_DTYPE_KINDS or dtype.fields is not None or dtype.subdtype:
            raise CodecError(f"dtype {dtype_str!r} is not allowed")
        return dtype

    @staticmethod
    def _shape(shape: Any) -> tuple[int, ...]:
        if type(shape) is not list or len(shape) > MAX_ARRAY_DIMS:
            raise CodecError("bad array shape")
        if not all(type(d) is int and 0 <= d < 2**40 for d in shape):
            raise CodecError("bad array shape")
        return tuple(shape)

    def _ndarray(self, payload: bytes) -> np.ndarray:
        # [dtype, shape, data]: the shape is a list of up to MAX_ARRAY_DIMS numbers
        parts = msgpack.unpackb(payload, raw=False, max_array_len=MAX_ARRAY_DIMS)
        if type(parts) is not list or len(parts) != 3:
            raise CodecError("bad array")
        dtype = self._dtype(parts[0])
        shape = self._shape(parts[1])
        raw = parts[2]
        if type(raw) is not bytes:
            raise CodecError("bad array data")
        np = _numpy()
        expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if expected != len(raw):
            raise CodecError("array data length does not match its shape and dtype")
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


def _check_hash_spread(keys: list[Any]) -> None:
    """Refuse keys chosen to share hashes (a hash flood): see HASH_SPREAD_MIN_KEYS."""
    if len(keys) < HASH_SPREAD_MIN_KEYS:
        return
    chosen = [key for key in keys if type(key) not in (str, bytes)]
    if len(chosen) >= HASH_SPREAD_MIN_KEYS and len(set(map(hash, chosen))) < len(chosen) // 2:
        raise ValueLimit("too many of its keys share a hash")


def _label(label: Any) -> Any:
    """Column names cross as str or int; anything else as its str()."""
    if label is None or type(label) in (str, int):
        return label
    return int(label) if isinstance(label, int) else str(label)


def _check_label(label: Any) -> None:
    if label is not None and type(label) not in (str, int):
        raise CodecError("a column name must be a string or an integer")


def write_frame(stream: Any, payload: bytes) -> None:
    """Write one length-prefixed frame to a binary file object or socket file."""
    if len(payload) > MAX_FRAME_BYTES:
        raise Unencodable("message too large to send")
    stream.write(_LENGTH.pack(len(payload)) + payload)
    stream.flush()


def _usable_cpus() -> int:
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


def _cpu_to_spare() -> bool:
    """Whether this process has several CPUs and no more tasks are running or waiting for a
    CPU, machine-wide, than it has (Linux's /proc/loadavg, which counts the caller too);
    False where unknown."""
    cpus = _usable_cpus()
    try:
        with open("/proc/loadavg", "rb") as handle:
            runnable = int(handle.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return False
    return cpus > 1 and runnable <= cpus


# A round trip between the harness and the worker is mostly two wake-ups of a sleeping
# process on another CPU (~40 us each on a VM, ~100 us once it has slept a millisecond),
# far more than the work of a small call. Each side polls for the next message this long
# before it blocks, so that one that follows soon finds it still running (a test builds
# its next input between two calls, often in more than 0.5 ms); but only while the machine
# has a CPU to spare: on a busy one (several gradings at once) polling takes the CPU other
# processes wait for.
POLL_BEFORE_BLOCKING_S = 0.003
SPARE_CPU_RECHECK_S = 0.05


class Poller:
    """Waits briefly for a descriptor to become readable, without sleeping, before the
    caller blocks on it."""

    def __init__(
        self,
        seconds: float = POLL_BEFORE_BLOCKING_S,
        cpu_to_spare: Callable[[], bool] = _cpu_to_spare,
    ) -> None:
        self.seconds = seconds
        self._cpu_to_spare = cpu_to_spare
        self._checked_at = -SPARE_CPU_RECHECK_S
        self._spare = False

    def wait(self, fd: int) -> bool:
        """Whether `fd` became readable while polling; False at once when not polling now."""
        if self.seconds <= 0:
            return False
        now = time.perf_counter()
        if now - self._checked_at >= SPARE_CPU_RECHECK_S:
            self._spare, self._checked_at = self._cpu_to_spare(), now
        if not self._spare:
            return False
        until = now + self.seconds
        while not select.select([fd], [], [], 0)[0]:
            if time.perf_counter() >= until:
                return False
        return True


def read_frame(stream: Any, max_bytes: int = MAX_FRAME_BYTES) -> bytes | None:
    """Read one frame; None at a clean end of stream. Raises CodecError when it lies."""
    header = _read_exact(stream, _LENGTH.size)
    if header is None:
        return None
    (length,) = _LENGTH.unpack(header)
    if length > max_bytes:
        raise CodecError(f"frame of {length} bytes exceeds the limit of {max_bytes}")
    body = _read_exact(stream, length)
    if body is None:
        raise CodecError("stream ended inside a frame")
    return body


def _read_exact(stream: Any, size: int) -> bytes | None:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            if remaining == size:
                return None
            raise CodecError("stream ended inside a frame")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
