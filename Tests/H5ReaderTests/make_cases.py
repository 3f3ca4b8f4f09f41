"""Writes the small HDF5 / ZIP files that H5ReaderTests reads, into ./cases.

Run with a Python that has h5py and numpy:  python Tests/H5ReaderTests/make_cases.py
The outputs are committed so the Swift tests need no Python. Every file is tiny;
hostile files get their lies patched into otherwise valid headers.
"""
import io
import json
import os
import struct
import zipfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")


def out(name):
    return os.path.join(OUT, name)


def new_file(path):
    # 'earliest' keeps the format readable by the project's libhdf5 1.10.
    return h5py.File(path, "w", libver="earliest")


def fixed_string_attr(obj, name, values, size, pad, cset=h5py.h5t.CSET_ASCII, scalar=False):
    """An attribute of fixed-length strings with an explicit padding mode (h5py's high level only writes NULLPAD)."""
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(pad)
    tid.set_cset(cset)
    data = np.array(values if not scalar else values[0], dtype="S%d" % size)
    space = h5py.h5s.create(h5py.h5s.SCALAR) if scalar else h5py.h5s.create_simple((len(values),))
    attr = h5py.h5a.create(obj.id, name.encode(), tid, space)
    attr.write(data, mtype=tid)


def make_strings():
    with new_file(out("strings.h5")) as f:
        g = f.create_group("g")
        a = g.attrs
        vlen_ascii = h5py.string_dtype("ascii")
        vlen_utf8 = h5py.string_dtype("utf-8")
        a.create("vlen_ascii_scalar", "hello", dtype=vlen_ascii)
        a.create("vlen_utf8_scalar", "h\u00e9llo \u2713", dtype=vlen_utf8)
        a.create("vlen_ascii_array", np.array(["a", "bb", ""], dtype=object), dtype=vlen_ascii)
        a.create("vlen_utf8_array", np.array(["\u00e9t\u00e9", "x"], dtype=object), dtype=vlen_utf8)
        a.create("vlen_one", np.array(["only"], dtype=object), dtype=vlen_utf8)
        a["fixed_nullpad_scalar"] = np.bytes_(b"abc")
        a["fixed_nullpad_array"] = np.array([b"conv1d", b"dense"], dtype="S6")
        fixed_string_attr(g, "fixed_nullterm_array", [b"ab", b"xyz"], 8, h5py.h5t.STR_NULLTERM)
        fixed_string_attr(g, "fixed_nullterm_scalar", [b"kernel"], 10, h5py.h5t.STR_NULLTERM, scalar=True)
        # Bytes after the first NUL are padding garbage and must be ignored.
        fixed_string_attr(g, "fixed_nul_inside", [b"ab\0zz"], 5, h5py.h5t.STR_NULLPAD, scalar=True)
        fixed_string_attr(g, "fixed_spacepad_array", [b"ab", b"c d"], 6, h5py.h5t.STR_SPACEPAD)
        fixed_string_attr(g, "fixed_utf8_scalar", ["gr\u00fc\u00df".encode()], 12, h5py.h5t.STR_NULLPAD,
                          cset=h5py.h5t.CSET_UTF8, scalar=True)
        a["fixed_one"] = np.array([b"single"], dtype="S6")
        a["invalid_utf8"] = np.bytes_(b"a\xff\xfeb")
        a["empty_float64"] = np.array([], dtype="f8")
        a["null_space"] = h5py.Empty("f8")
        a["int_scalar"] = np.int32(5)
        a["float_matrix"] = np.array([[1.5, 2, 3], [4, 5, -6]], dtype="f8")
        a["uint8_array"] = np.array([0, 255], dtype="u1")
        # Keras splits oversized attributes into name0, name1, ...; 12 chunks test numeric (not lexicographic) order.
        for i in range(12):
            a["names%d" % i] = np.array([("n%d" % i).encode()], dtype="S3")
        d = f.create_dataset("d", data=np.arange(3, dtype="f4"))
        d.attrs["unit"] = "m"
        d.attrs["scale"] = np.float32(2)
        f.attrs["root_note"] = "at root"


def make_datasets():
    with new_file(out("datasets.h5")) as f:
        floats = np.array([[0.5, -1.25, 3.0], [1e3, -0.0, 65504.0]])
        for t in ["f2", "f4", "f8"]:
            f["float/" + t] = floats.astype(t)
        for t in ["i1", "i2", "i4", "i8"]:
            f["int/" + t] = np.array([-128, 0, 7, 127], dtype=t)
        for t in ["u1", "u2", "u4", "u8"]:
            f["uint/" + t] = np.array([0, 1, 200, 255], dtype=t)
        f["int/i8_big"] = np.array([-(2**40), 2**40], dtype="i8")
        f["scalar"] = np.float64(2.5)
        f["empty"] = np.zeros((0, 4), dtype="f4")
        f.create_dataset("gzip", data=np.arange(1000, dtype="f4").reshape(100, 10),
                         chunks=(10, 10), compression="gzip", compression_opts=4, shuffle=True)
        f["text"] = np.array([b"a", b"b"], dtype="S1")
        f["compound"] = np.array([(1, 2.0)], dtype=[("a", "i4"), ("b", "f8")])
        f["flags"] = np.array([True, False])
        ordered = f.create_group("ordered", track_order=True)
        unordered = f.create_group("unordered")
        for name in ["zeta", "alpha", "mid"]:
            ordered.create_group(name)
            unordered.create_group(name)
        f["ordered/alpha/leaf"] = np.float32(1)


def make_hostile():
    """Datasets whose declared shapes are far larger than what the file holds."""
    path = out("hostile.h5")
    with new_file(path) as f:
        f.create_dataset("ok", data=np.ones(4, dtype="f4"))
        # Legal HDF5, all unwritten: reading them would allocate from the declared shape alone.
        f.create_dataset("unwritten", shape=(13, 17_000_000), dtype="f4")
        f.create_dataset("over_limit", shape=(2**31, 2), dtype="u1", chunks=(1, 2))
        f.create_dataset("overflow", shape=(2**62, 2**62, 4), dtype="u1", chunks=(1, 1, 4))
        # Written contiguous datasets, patched below; odd shapes give byte patterns found nowhere else.
        f.create_dataset("patched_dims", data=np.zeros((13, 17), dtype="f4"))
        f.create_dataset("patched_layout", data=np.zeros((19, 23), dtype="f4"))
    raw = bytearray(open(path, "rb").read())

    def replace(old, new, expected_counts):
        assert raw.count(old) in expected_counts, old
        raw[:] = raw.replace(old, new)

    def dims(*values):
        return b"".join(struct.pack("<Q", v) for v in values)

    # Dataspace: current dims (and maximum dims when stored) now claim far more than the 884 stored bytes.
    replace(dims(13, 17), dims(13, 17_000_000), (1, 2))
    # Same, and the contiguous layout message (version 3, class 1, address, size) claims the matching size.
    replace(dims(19, 23), dims(19, 23_000_000), (1, 2))
    size = struct.pack("<Q", 19 * 23 * 4)
    at = raw.find(size)
    while raw[at - 10:at - 8] != b"\x03\x01":
        at = raw.find(size, at + 1)
    raw[at:at + 8] = struct.pack("<Q", 19 * 23_000_000 * 4)
    open(path, "wb").write(bytes(raw))


def keras2_layer(parent, layer, weights):
    g = parent.create_group(layer)
    names = [("%s/%s" % (layer, w)).encode() for w in weights]
    g.attrs["weight_names"] = np.array(names) if names else np.array([], dtype="f8")
    for w, value in weights.items():
        g["%s/%s" % (layer, w)] = value
    return g


def dense_weights():
    return {"kernel:0": np.arange(12, dtype="f4").reshape(4, 3), "bias:0": np.array([0.5, -0.5, 1], dtype="f4")}


def make_keras2_model():
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": []}}
    with new_file(out("keras2_model.h5")) as f:
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([b"dense", b"flatten", b"dense_1"])
        mw.attrs["backend"] = "tensorflow"
        keras2_layer(mw, "dense", dense_weights())
        keras2_layer(mw, "flatten", {})
        keras2_layer(mw, "dense_1", {"kernel:0": np.ones((3, 2), dtype="f4")})
        ghost = mw.create_group("ghost")
        ghost.attrs["weight_names"] = np.array([b"ghost/kernel:0"])


def make_keras2_soft_links():
    """keras2_model.h5's layers with weights reached through soft links, absolute and relative: links that stay
    inside the file, which the reader follows."""
    with new_file(out("keras2_soft_links.h5")) as f:
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"layers": []}}).encode("utf8")
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([b"dense", b"dense_1"])
        weights = dense_weights()
        f["shared_bias"] = weights.pop("bias:0")
        dense = keras2_layer(mw, "dense", weights)
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense["dense/bias:0"] = h5py.SoftLink("/shared_bias")
        dense_1 = keras2_layer(mw, "dense_1", {"kernel_data": np.ones((3, 2), dtype="f4")})
        dense_1.attrs["weight_names"] = np.array([b"dense_1/kernel:0"])
        dense_1["dense_1/kernel:0"] = h5py.SoftLink("kernel_data")


def make_keras2_weights():
    """`model.save_weights("x.h5")` layout: layer_names on the root (here chunked), layer groups at the root."""
    with new_file(out("keras2_weights.h5")) as f:
        f.attrs["keras_version"] = "2.4.0"
        f.attrs["backend"] = "tensorflow"
        names = ["layer%d" % i for i in range(12)]
        for i, name in enumerate(names):
            f.attrs["layer_names%d" % i] = np.array([name.encode()])
        for name in names:
            keras2_layer(f, name, {"bias:0": np.full(2, float(names.index(name)), dtype="f4")})


def keras3_weights_bytes():
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver="earliest") as f:
        f.create_group("layers/dense/vars")
        f["layers/dense/vars/0"] = np.arange(12, dtype="f4").reshape(4, 3)
        f["layers/dense/vars/1"] = np.zeros(3, dtype="f4")
        many = f.create_group("layers/dense_many/vars")
        for i in range(12):
            many[str(i)] = np.full(1, float(i), dtype="f4")
        f.create_group("layers/flatten/vars")
        f.create_group("layers/dropout")
        f["layers/functional/layers/dense/vars/0"] = np.ones(2, dtype="f4")
        f.create_group("optimizer/vars")
    return buffer.getvalue()


def make_keras3():
    weights = keras3_weights_bytes()
    open(out("keras3.weights.h5"), "wb").write(weights)
    config = json.dumps({"module": "keras", "class_name": "Sequential", "config": {"name": "s"}})
    metadata = json.dumps({"keras_version": "3.3.3", "date_saved": "2024-05-01@12:00:00"})

    def archive(name, entries, compression=zipfile.ZIP_STORED):
        with zipfile.ZipFile(out(name), "w", compression=compression) as z:
            for entry, data in entries.items():
                z.writestr(entry, data)

    archive("model.keras", {"metadata.json": metadata, "config.json": config, "model.weights.h5": weights})
    # Keras stores entries uncompressed; this one is deflated to cover inflating and its CRC check.
    archive("no_metadata.keras", {"config.json": config, "model.weights.h5": weights}, compression=zipfile.ZIP_DEFLATED)
    archive("missing_weights.keras", {"metadata.json": metadata, "config.json": config})
    archive("bad_metadata.keras", {"metadata.json": "{not json", "config.json": config, "model.weights.h5": weights})
    archive("text_weights.keras", {"metadata.json": metadata, "config.json": config,
                                   "model.weights.h5": b"not hdf5 at all"})
    # A genuine little bomb: 1 MiB of zeros deflates about 1015:1.
    archive("bomb_ratio.keras", {"metadata.json": metadata, "config.json": b"\0" * (1 << 20),
                                 "model.weights.h5": weights}, compression=zipfile.ZIP_DEFLATED)
    damaged = bytearray(open(out("model.keras"), "rb").read())
    at = damaged.find(b'"class_name": "Sequential"')
    damaged[at + 1] ^= 0x20  # "Class_name": same size, wrong CRC
    open(out("bad_crc.keras"), "wb").write(bytes(damaged))
    lying_archive("bomb_declared.keras", config, metadata, weights, declared=3 << 30)
    lying_archive("bomb_liar.keras", config, metadata, weights, declared=100)


def lying_archive(name, config, metadata, weights, declared):
    """config.json's declared uncompressed size (local and central headers) replaced by `declared`."""
    config = (config + " " * 4000).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("config.json", config)
        z.writestr("metadata.json", metadata)
        z.writestr("model.weights.h5", weights)
    raw = bytearray(buffer.getvalue())
    real = struct.pack("<I", len(config))
    for signature, offset in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)]:
        at = raw.find(signature)
        while at >= 0:
            name_offset = 30 if signature == b"PK\x03\x04" else 46
            if raw[at + name_offset:at + name_offset + 11] == b"config.json":
                assert raw[at + offset:at + offset + 4] == real
                raw[at + offset:at + offset + 4] = struct.pack("<I", declared)
            at = raw.find(signature, at + 4)
    open(out(name), "wb").write(bytes(raw))


def make_broken():
    with open(out("datasets.h5"), "rb") as f:
        data = f.read()
    open(out("truncated.h5"), "wb").write(data[: len(data) // 2])
    open(out("text.h5"), "w").write("this is a text file, not HDF5\n")
    open(out("text.keras"), "w").write("this is a text file, not a zip\n")
    open(out("garbage.keras"), "wb").write(b"PK\x03\x04" + b"\x00garbage" * 8)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_strings()
    make_datasets()
    make_hostile()
    make_keras2_model()
    make_keras2_soft_links()
    make_keras2_weights()
    make_keras3()
    make_broken()
