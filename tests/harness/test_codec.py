"""The value-only codec: what crosses, and frames that lie."""

from __future__ import annotations

import io
import pickle
import socket
import struct
import threading
import time

import msgpack
import numpy as np
import pytest

from grader.harness.codec import (
    EXT_HANDLE,
    EXT_NDARRAY,
    EXT_NPSCALAR,
    EXT_OBJARRAY,
    CodecError,
    Decoder,
    Encoder,
    Handle,
    Poller,
    Tree,
    Unencodable,
    ValueLimit,
    read_frame,
    write_frame,
)


def roundtrip(value):
    return Decoder().decode(Encoder().encode(value))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        0,
        -5,
        2**63 + 7,
        -(2**200),
        1.5,
        float("inf"),
        "héllo",
        b"\x00bytes",
        [1, [2, [3]]],
        (1, "a"),
        [1, 2**64, -3],  # a big int among plain ones
        (2**70, 0.5, None),
        [[1.5, False, b"x", "s"], [-(2**63), 2**64 - 1]],
        {"k": [1, 2], 3: None, (1, 2): "tuple key"},
        {1, 2, 3},
        frozenset({"a"}),
        [],
        {},
        (),
    ],
)
def test_plain_values_round_trip_with_their_types(value):
    result = roundtrip(value)
    assert result == value
    assert type(result) is type(value)


@pytest.mark.parametrize(
    "dtype", ["int32", "int64", "uint8", "float32", "float64", "bool", "complex128", "<U5"]
)
def test_arrays_round_trip_by_value(dtype):
    array = np.arange(12).reshape(3, 4).astype(dtype)
    result = roundtrip(array)
    assert result.dtype == array.dtype and result.shape == array.shape
    assert (result == array).all()
    assert result.flags.writeable


def test_non_contiguous_and_scalar_values():
    array = np.arange(20, dtype=np.int64).reshape(4, 5)[:, ::2]
    assert (roundtrip(array) == array).all()
    scalar = roundtrip(np.float32(2.5))
    assert isinstance(scalar, np.float32) and scalar == 2.5


def test_object_arrays_cross_as_plain_values():
    labels = np.array(["cat", "dog", 3], dtype=object)
    result = roundtrip(labels)
    assert result.dtype == object and list(result) == ["cat", "dog", 3]


def test_subclasses_of_plain_types_lose_their_behaviour():
    class AlwaysEqual(list):
        def __eq__(self, other):
            return True

    result = roundtrip(AlwaysEqual([9]))
    assert type(result) is list and result != [1, 2]

    class Sly(int):
        def __eq__(self, other):
            return True

    items = roundtrip([1, Sly(7), 3])
    assert [type(item) for item in items] == [int, int, int] and items[1] != 2


def test_trees_cross_as_level_order_lists():
    tree = Tree.of([3, 9, 20, None, None, 15, 7, None])
    assert roundtrip(tree) == Tree((3, 9, 20, None, None, 15, 7))
    assert Tree.of([]) is None


def test_unknown_objects_need_a_handle():
    class Thing:
        pass

    with pytest.raises(Unencodable):
        Encoder().encode(Thing())
    encoded = Encoder(on_unencodable=lambda _: Handle(7)).encode([Thing()])
    assert Decoder().decode(encoded) == [Handle(7)]


def test_values_inside_plain_containers_are_prepared_where_they_are():
    class Sly(int):
        def __eq__(self, other):
            return True

    class Thing:
        pass

    value = {"a": [(1, {2}), Sly(3), 2**70], "b": {"c": [Thing(), Handle(2)]}}
    result = Decoder().decode(Encoder(on_unencodable=lambda _: Handle(9)).encode(value))
    assert result == {"a": [(1, {2}), 3, 2**70], "b": {"c": [Handle(9), Handle(2)]}}
    assert type(result["a"][1]) is int


def test_byte_buffers_cross_as_bytes():
    assert roundtrip([bytearray(b"ab"), memoryview(b"cd")]) == [b"ab", b"cd"]


def test_byte_buffers_anywhere_cross_as_bytes():
    strided = memoryview(b"abcdef")[::2]  # not contiguous: msgpack cannot take it as it is
    assert roundtrip((bytearray(b"ab"), {1: strided})) == (b"ab", {1: b"ace"})
    assert roundtrip(strided) == b"ace"


def test_a_zero_dimensional_array_keeps_its_shape():
    result = roundtrip(np.array(7))
    assert result.shape == () and result == 7


def test_an_integer_past_the_digit_limit_is_refused_plainly():
    with pytest.raises(Unencodable) as refused:
        Encoder().encode([10**4400])
    assert str(refused.value) == "integer too large"


def test_values_more_than_the_receiver_builds_are_a_limit_not_a_lie():
    deep = b"\x91" * 2000 + b"\x90"  # a list in a list ... 2000 deep: msgpack's own limit
    with pytest.raises(ValueLimit, match="nested too deeply"):
        Decoder().decode(deep)
    with pytest.raises(ValueLimit, match="value holds more than 4,000,000 items"):
        Decoder().decode(Encoder().encode([0] * 4_000_001))


def test_one_encoder_encodes_large_and_small_values_in_turn():
    encoder = Encoder()
    large = tuple(range(300_000))
    for value in (large, (1, 2), (2**70, 1), large, {"k": (3,)}):
        assert Decoder().decode(encoder.encode(value)) == value


def test_structured_and_object_scalars_are_refused():
    with pytest.raises(Unencodable):
        Encoder().encode(np.zeros(2, dtype=[("a", "i4")]))


def ext(tag: int, payload) -> bytes:
    return msgpack.packb(msgpack.ExtType(tag, msgpack.packb(payload, use_bin_type=True)))


@pytest.mark.parametrize(
    "frame",
    [
        pytest.param(ext(99, [1]), id="unknown tag"),
        pytest.param(ext(EXT_NDARRAY, ["<i8", [1000], b"\x00" * 8]), id="array length lies"),
        pytest.param(ext(EXT_NDARRAY, ["|O", [1], b"\x00" * 8]), id="object dtype"),
        pytest.param(ext(EXT_NDARRAY, ["V8", [1], b"\x00" * 8]), id="void dtype"),
        pytest.param(ext(EXT_NDARRAY, ["<i8", [-1], b""]), id="negative shape"),
        pytest.param(ext(EXT_NDARRAY, ["<i8", [2**50, 2**50], b""]), id="huge shape"),
        pytest.param(ext(EXT_NDARRAY, [[1], [1], b""]), id="dtype not a string"),
        pytest.param(ext(EXT_NPSCALAR, ["<f8", b"\x00"]), id="scalar too short"),
        pytest.param(ext(EXT_OBJARRAY, [[5], [1, 2]]), id="object array shape lies"),
        pytest.param(ext(EXT_HANDLE, "one"), id="handle not an int"),
        pytest.param(ext(7, "12x"), id="bad big int"),
        pytest.param(b"\xc1", id="never-used byte"),
        pytest.param(b"\x92\x01", id="truncated array"),
        pytest.param(b"\x91" * 5000 + b"\x00", id="deep nesting"),
        pytest.param(pickle.dumps({"a": 1}), id="a pickle payload"),
    ],
)
def test_frames_that_lie_are_refused(frame):
    with pytest.raises(CodecError):
        Decoder().decode(frame)


def test_deeply_nested_extension_payloads_are_refused():
    payload = msgpack.packb(1)
    for _ in range(300):
        payload = msgpack.packb(msgpack.ExtType(1, msgpack.packb([msgpack.ExtType(1, payload)])))
    with pytest.raises(CodecError):
        Decoder().decode(payload)


def test_values_that_would_cost_far_more_decoded_than_sent_are_refused():
    # 6 MB of empty lists would be about 400 MB of Python objects
    many_lists = b"\xdd" + struct.pack(">I", 6_000_000) + b"\x90" * 6_000_000
    with pytest.raises(CodecError):
        Decoder().decode(many_lists)
    nested = b"\x92" + (b"\xdd" + struct.pack(">I", 3_000_000) + b"\x90" * 3_000_000) * 2
    with pytest.raises(CodecError, match="items"):
        Decoder().decode(nested)
    assert len(roundtrip([[i] for i in range(100_000)])) == 100_000


def test_values_that_cost_far_more_to_build_than_their_bytes_are_counted_so():
    """A pandas object takes ~50 us and ~2 KB to build from a few bytes, a set ~220 bytes,
    a long integer is compared digit by digit: a frame of many is refused, not decoded for
    a minute or into gigabytes."""
    import pandas as pd

    series = Encoder().encode(pd.Series([], dtype="float64"))
    ext = msgpack.unpackb(series, raw=False)
    many_series = msgpack.packb([ext] * 20_000)
    started = time.monotonic()
    with pytest.raises(CodecError, match="items"):
        Decoder().decode(many_series)
    assert time.monotonic() - started < 5
    with pytest.raises(CodecError, match="items"):
        Decoder().decode(Encoder().encode([set()] * 1_100_000))
    with pytest.raises(CodecError, match="items"):
        Decoder().decode(Encoder().encode([10**4000] * 17_000))
    assert len(roundtrip([pd.Series([1.0])] * 1000)) == 1000
    assert len(roundtrip([{i} for i in range(100_000)])) == 100_000


def test_arrays_of_many_dimensions_cross():
    array = np.arange(24).reshape(2, 1, 3, 1, 4, 1)
    assert roundtrip(array).shape == (2, 1, 3, 1, 4, 1)
    assert roundtrip(np.zeros((5, 1, 1, 1), dtype=np.int64)).shape == (5, 1, 1, 1)


@pytest.mark.parametrize(
    "keys",
    [
        pytest.param([k * (2**61 - 1) for k in range(1, 2000)], id="integers"),
        pytest.param([(k * (2**61 - 1),) for k in range(1, 2000)], id="tuples"),
    ],
)
def test_keys_chosen_to_share_one_hash_are_refused(keys):
    encoder = Encoder()
    with pytest.raises(ValueLimit, match="share a hash"):
        Decoder().decode(encoder.encode(dict.fromkeys(keys, 0)))
    with pytest.raises(ValueLimit, match="share a hash"):
        Decoder().decode(encoder.encode(set(keys)))


def test_ordinary_number_keys_are_accepted():
    value = {**{k: k for k in range(-5000, 5000)}, **{k / 3: 0 for k in range(3000)}}
    assert roundtrip(value) == value
    assert roundtrip(set(range(0, 10**9, 997))) == set(range(0, 10**9, 997))


def test_frames_are_length_prefixed_and_capped():
    stream = io.BytesIO()
    write_frame(stream, b"abc")
    write_frame(stream, b"")
    stream.seek(0)
    assert read_frame(stream) == b"abc"
    assert read_frame(stream) == b""
    assert read_frame(stream) is None

    with pytest.raises(CodecError):
        read_frame(io.BytesIO(struct.pack(">I", 10**9) + b"x"), max_bytes=1024)
    with pytest.raises(CodecError):
        read_frame(io.BytesIO(struct.pack(">I", 10) + b"short"))


def test_data_frames_cross_by_value_with_missing_values():
    import pandas as pd

    frame = pd.DataFrame(
        {"age": [30.0, None, 41.0], "city": ["Oslo", None, "Lima"], "visits": [1, 2, 3]},
        index=[10, 11, 12],
    )
    result = roundtrip(frame)
    assert list(result.columns) == ["age", "city", "visits"]
    assert list(result.index) == [10, 11, 12]
    assert result["visits"].dtype.kind == "i"
    assert result["age"].isna().tolist() == [False, True, False]
    assert result["city"].isna().tolist() == [False, True, False]
    assert result.loc[12, "city"] == "Lima"


def test_series_cross_with_name_and_index():
    import pandas as pd

    result = roundtrip(pd.Series([0.5, 1.5], index=[3, 4], name="churned"))
    assert result.name == "churned" and list(result.index) == [3, 4]
    assert result.tolist() == [0.5, 1.5]


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param([["a"], [], None], id="columns without data"),
        pytest.param([[["nested"]], [None], None], id="column name not a label"),
        pytest.param([["a"], [[1, 2]], None], id="column not an array"),
    ],
)
def test_data_frames_that_lie_are_refused(payload):
    from grader.harness.codec import EXT_FRAME

    with pytest.raises(CodecError):
        Decoder().decode(ext(EXT_FRAME, payload))


def test_frame_columns_of_different_lengths_are_refused():
    from grader.harness.codec import EXT_FRAME

    short = Encoder().encode(np.arange(2))
    long = Encoder().encode(np.arange(3))
    payload = msgpack.packb(
        [
            ["a", "b"],
            [
                msgpack.unpackb(short, ext_hook=msgpack.ExtType),
                msgpack.unpackb(long, ext_hook=msgpack.ExtType),
            ],
            msgpack.unpackb(long, ext_hook=msgpack.ExtType),
        ],
        use_bin_type=True,
    )
    with pytest.raises(CodecError):
        Decoder().decode(msgpack.packb(msgpack.ExtType(EXT_FRAME, payload)))


def test_polling_sees_a_message_that_arrives_while_it_polls():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        sender = threading.Timer(0.01, theirs.sendall, args=(b"x",))
        sender.start()
        assert Poller(seconds=5.0, cpu_to_spare=lambda: True).wait(ours.fileno())
        sender.join()
        assert ours.recv(1) == b"x"


def test_polling_gives_up_after_its_time():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        started = time.perf_counter()
        assert not Poller(seconds=0.002, cpu_to_spare=lambda: True).wait(ours.fileno())
        assert time.perf_counter() - started < 1.0


def test_no_polling_without_a_cpu_to_spare():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"x")  # even a message already there: the caller blocks for it instead
        assert not Poller(seconds=5.0, cpu_to_spare=lambda: False).wait(ours.fileno())
        assert not Poller(seconds=0.0, cpu_to_spare=lambda: True).wait(ours.fileno())
        assert Poller(seconds=5.0, cpu_to_spare=lambda: True).wait(ours.fileno())


def test_whether_a_cpu_is_to_spare_is_asked_only_now_and_then():
    asked = []
    poller = Poller(seconds=0.001, cpu_to_spare=lambda: asked.append(1) is None)
    ours, theirs = socket.socketpair()
    with ours, theirs:
        theirs.sendall(b"x")
        for _ in range(200):
            assert poller.wait(ours.fileno())
    assert 1 <= len(asked) < 20  # once per SPARE_CPU_RECHECK_S, not once per wait
