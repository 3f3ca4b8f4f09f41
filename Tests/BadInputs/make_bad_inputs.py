"""Writes the corpus of broken and hostile files under Tests/BadInputs (see README.md there).

Run from the repository root with Fixtures/.venv/bin/python (h5py, numpy); the output is deterministic, so
re-running it leaves the committed files unchanged. Every file is derived from a small real fixture (mlp, conv1d)
or written from docs/FORMAT.md, and is small: a decompression bomb lies about its size rather than being large.
"""
import io
import json
import os
import shutil
import struct
import zipfile
import zlib

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ZOO = os.path.join(ROOT, "Fixtures", "zoo")
MLP_H5 = os.path.join(ZOO, "mlp.k2.h5")
MLP_KERAS = os.path.join(ZOO, "mlp.keras")
CONV_H5 = os.path.join(ZOO, "conv1d.k2.h5")
DEPTHWISE_H5 = os.path.join(ZOO, "depthwise_separable.k2.h5")
MLP_NPY = os.path.join(ZOO, "mlp.input.npy")

# 10^5 levels: deeper than any recursive parser's stack on a 512 KiB thread.
DEEP = "[" * 100_000 + "]" * 100_000


def out(folder, name):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    return os.path.join(HERE, folder, name)


def write(folder, name, data):
    with open(out(folder, name), "wb") as f:
        f.write(data)


def truncations(folder, stem, source, offsets):
    data = open(source, "rb").read()
    for offset in sorted(set(o for o in offsets if 0 < o < len(data))):
        write(folder, f"{stem}.truncated_{offset}{os.path.splitext(source)[1]}", data[:offset])


# ---------------------------------------------------------------------------------------------------------- .h5
def h5_with(name, edit, source=MLP_H5):
    """A copy of `source` changed by `edit(file)`; h5py rewrites only what changes."""
    path = out("h5", name)
    shutil.copyfile(source, path)
    with h5py.File(path, "r+") as f:
        edit(f)


def config_of(f):
    return json.loads(f.attrs["model_config"])


def set_config(f, config):
    f.attrs["model_config"] = config if isinstance(config, str) else json.dumps(config)


def edit_layer(class_index, change):
    def edit(f):
        config = config_of(f)
        change(config["config"]["layers"][class_index])
        set_config(f, config)
    return edit


def functional(edges):
    """mlp's first two Dense layers as a Functional model whose inbound nodes are `edges` (layer → producer)."""
    def edit(f):
        layers = config_of(f)["config"]["layers"]
        entries = [{"class_name": "InputLayer", "name": "input", "config": layers[0]["config"], "inbound_nodes": []}]
        for layer in (layers[1], layers[3]):
            name = layer["config"]["name"]
            entries.append({"class_name": layer["class_name"], "name": name, "config": layer["config"],
                            "inbound_nodes": [[[edges[name], 0, 0, {}]]]})
        set_config(f, {"class_name": "Functional", "config": {
            "name": "graph", "layers": entries, "input_layers": [["input", 0, 0]],
            "output_layers": [["dense_no_bias", 0, 0]]}})
    return edit


def replace_dataset(path, make):
    def edit(f):
        del f[path]
        make(f, path)
    return edit


KERNEL = "model_weights/dense_relu/dense_relu/kernel:0"


def make_h5():
    write("h5", "not_hdf5.h5", b"this is a text file, not an HDF5 file\n")
    write("h5", "empty.h5", b"")
    with h5py.File(out("h5", "no_keras_attributes.h5"), "w") as f:
        f["data"] = np.arange(6, dtype=np.float32)
    h5_with("config_not_json.h5", lambda f: set_config(f, '{"class_name": "Sequential", "config": {'))
    h5_with("config_deep_nesting.h5", lambda f: set_config(f, DEEP))
    h5_with("config_unsupported_layer.h5", edit_layer(1, lambda layer: layer.update(class_name="MyCustomDense")))
    h5_with("config_cycle.h5", functional({"dense_relu": "dense_no_bias", "dense_no_bias": "dense_relu"}))
    h5_with("config_missing_inbound.h5", functional({"dense_relu": "no_such_layer", "dense_no_bias": "dense_relu"}))
    h5_with("config_shape_mismatch.h5",
            edit_layer(0, lambda layer: layer["config"].update(batch_input_shape=[None, 13])))
    h5_with("config_huge_input.h5",
            edit_layer(0, lambda layer: layer["config"].update(batch_input_shape=[None, 1_000_000, 1_000_000])))
    h5_with("config_overflowing_input.h5",
            edit_layer(0, lambda layer: layer["config"].update(batch_input_shape=[None, 2**52, 2**52, 2**52])))
    h5_with("config_window_overflow.h5",
            edit_layer(1, lambda layer: layer["config"].update(kernel_size=[2**52], dilation_rate=[2**52])),
            source=CONV_H5)
    # Configuration numbers the stored kernels contradict (Keras refuses these files too).
    h5_with("config_units_mismatch.h5", edit_layer(1, lambda layer: layer["config"].update(units=12)))
    h5_with("config_filters_mismatch.h5", edit_layer(1, lambda layer: layer["config"].update(filters=10**12)),
            source=CONV_H5)
    h5_with("config_kernel_size_mismatch.h5", edit_layer(1, lambda layer: layer["config"].update(kernel_size=[5])),
            source=CONV_H5)
    h5_with("config_depth_multiplier_mismatch.h5",
            edit_layer(1, lambda layer: layer["config"].update(depth_multiplier=3)), source=DEPTHWISE_H5)
    h5_with("config_separable_filters_mismatch.h5",
            edit_layer(3, lambda layer: layer["config"].update(filters=7)), source=DEPTHWISE_H5)
    h5_with("weights_wrong_shape.h5", replace_dataset(
        KERNEL, lambda f, p: f.create_dataset(p, data=np.zeros((12, 17), np.float32))))
    h5_with("weights_wrong_dtype.h5", replace_dataset(
        KERNEL, lambda f, p: f.create_dataset(p, data=np.array([b"abcd"] * 12))))
    h5_with("weights_missing.h5", lambda f: f.__delitem__(KERNEL))
    # 10^12 declared elements, no chunk written: nothing on disk backs them.
    h5_with("weights_huge_dataset.h5", replace_dataset(
        KERNEL, lambda f, p: f.create_dataset(p, shape=(1_000_000, 1_000_000), dtype=np.float32, chunks=(64, 64))))
    # 2^30 elements (4 GiB as float32), under the element cap, but again no chunk on disk.
    h5_with("weights_unallocated_chunks.h5", replace_dataset(
        KERNEL, lambda f, p: f.create_dataset(p, shape=(32768, 32768), dtype=np.float32, chunks=(256, 256))))
    truncations("h5", "mlp", MLP_H5, [1, 8, 64, 512, 2048, 4096, 8192, 16384, 24576, 30000,
                                      os.path.getsize(MLP_H5) - 1])
    make_outside_references()
    make_global_heap()


# ------------------------------------------------------------------------------ HDF5 reaching outside the file
BIAS = "model_weights/dense_softmax/dense_softmax/bias:0"
# What each such file points at: a file every Linux machine has, or the real fixture, named relative to the
# corpus folder as libhdf5 resolves relative names against the linking file's folder.
OUTSIDE_TEXT = "/etc/passwd"
OUTSIDE_H5 = os.path.relpath(MLP_H5, os.path.join(HERE, "h5"))


def external_storage(f, path):
    """`path` keeps its bytes in /etc/passwd: 4 bytes per float32 element, from offset 0."""
    shape = f[path].shape
    del f[path]
    f.create_dataset(path, shape=shape, dtype="<f4", external=[(OUTSIDE_TEXT, 0, 4 * int(np.prod(shape)))])


def external_link(f, path):
    del f[path]
    f[path] = h5py.ExternalLink(OUTSIDE_H5, "/" + BIAS)


def virtual_dataset(f, path):
    shape = f[path].shape
    del f[path]
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_obj_track_times(False)
    space = h5py.h5s.create_simple(shape)
    dcpl.set_virtual(space, OUTSIDE_H5.encode(), ("/" + BIAS).encode(), h5py.h5s.create_simple(shape))
    h5py.h5d.create(f.id, path.encode(), h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)


def plugin_filter(f, path):
    """`path` chunked through filter 32001 (Blosc), which only a plugin provides; marked optional so that h5py,
    which has no such plugin either, can still write it."""
    data = f[path][()]
    del f[path]
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk(data.shape)
    dcpl.set_obj_track_times(False)
    dcpl.set_filter(32001, h5py.h5z.FLAG_OPTIONAL, ())
    space = h5py.h5s.create_simple(data.shape)
    h5py.h5d.create(f.id, path.encode(), h5py.h5t.IEEE_F32LE, space, dcpl=dcpl).write(
        h5py.h5s.ALL, h5py.h5s.ALL, data)


def soft_link_cycle(f, path):
    del f[path]
    f[path] = h5py.SoftLink("/loop_a")
    f["loop_a"] = h5py.SoftLink("/loop_b")
    f["loop_b"] = h5py.SoftLink("/loop_a")


def soft_link_chain(f, path):
    """40 soft links in a row before the real data: longer than libhdf5 follows."""
    f.move(path, "/bias_data")
    f[path] = h5py.SoftLink("/chain_0")
    for index in range(40):
        f[f"chain_{index}"] = h5py.SoftLink(f"/chain_{index + 1}" if index < 39 else "/bias_data")


def patched_global_heap(name, patch):
    """mlp.k2.h5 with its first global heap collection (where `model_config` and the other strings live) changed by
    `patch(data, objects)`, `objects` being each object's (offset, index) as libhdf5 walks them."""
    data = bytearray(open(MLP_H5, "rb").read())
    start = data.index(b"GCOL\x01\x00\x00\x00")
    end = start + struct.unpack_from("<Q", data, start + 8)[0]
    objects, offset = [], start + 16
    while offset + 16 <= end:
        index, size = struct.unpack_from("<H", data, offset)[0], struct.unpack_from("<Q", data, offset + 8)[0]
        objects.append((offset, index))
        offset += size if index == 0 else 16 + (size + 7) // 8 * 8
    patch(data, objects)
    write("h5", name, bytes(data))


def make_global_heap():
    # An object declaring more bytes than its collection holds: libhdf5 1.10 copies them all (a wild memcpy).
    patched_global_heap("global_heap_object_too_large.h5",
                        lambda data, objects: struct.pack_into("<Q", data, objects[0][0] + 8, 2**62))
    # The largest size there is: rounding it up to 8 bytes overflowed KerasLens's own check (found by the fuzzer).
    patched_global_heap("global_heap_object_size_max.h5",
                        lambda data, objects: struct.pack_into("<Q", data, objects[0][0] + 8, 2**64 - 1))
    # The last object turned into free space (index 0) of size 0: libhdf5 1.10 walks the collection forever.
    patched_global_heap("global_heap_free_space_empty.h5",
                        lambda data, objects: struct.pack_into("<HHIQ", data, objects[-1][0], 0, 0, 0, 0))


def make_outside_references():
    h5_with("outside_external_storage.h5", lambda f: external_storage(f, BIAS))
    h5_with("outside_external_link.h5", lambda f: external_link(f, BIAS))
    h5_with("outside_virtual_dataset.h5", lambda f: virtual_dataset(f, BIAS))
    h5_with("outside_plugin_filter.h5", lambda f: plugin_filter(f, BIAS))
    h5_with("soft_link_cycle.h5", lambda f: soft_link_cycle(f, BIAS))
    h5_with("soft_link_chain.h5", lambda f: soft_link_chain(f, BIAS))


# -------------------------------------------------------------------------------------------------------- .keras
def keras_entries():
    with zipfile.ZipFile(MLP_KERAS) as z:
        return {name: z.read(name) for name in z.namelist()}


def write_zip(name, entries):
    with zipfile.ZipFile(out("keras", name), "w", zipfile.ZIP_DEFLATED) as z:
        for entry, data in entries.items():
            info = zipfile.ZipInfo(entry, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def edited_image(image, edit):
    """An HDF5 image (bytes) changed by `edit(file)`."""
    buffer = io.BytesIO(image)
    with h5py.File(buffer, "r+") as f:
        edit(f)
    return buffer.getvalue()


def lying_zip(name, entry, payload, declared):
    """One deflated entry whose local and central headers declare `declared` uncompressed bytes."""
    compressed = zlib.compress(payload, 9)[2:-4]
    crc = zlib.crc32(payload)
    fname = entry.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(compressed), declared,
                        len(fname), 0) + fname + compressed
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(compressed),
                          declared, len(fname), 0, 0, 0, 0, 0, 0) + fname
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local), 0)
    write("keras", name, local + central + end)


def make_keras():
    entries = keras_entries()
    write_zip("missing_config.keras", {k: v for k, v in entries.items() if k != "config.json"})
    write_zip("missing_weights.keras", {k: v for k, v in entries.items() if k != "model.weights.h5"})
    write_zip("path_traversal.keras", {**entries, "../../x": b"outside the archive"})
    write_zip("config_not_json.keras", {**entries, "config.json": b"{not json"})
    write_zip("config_deep_nesting.keras", {**entries, "config.json": DEEP.encode()})
    write_zip("weights_not_hdf5.keras", {**entries, "model.weights.h5": b"not an HDF5 image"})
    weights = entries["model.weights.h5"]
    write_zip("weights_truncated.keras", {**entries, "model.weights.h5": weights[:len(weights) // 2]})
    # Declares 1.5 GB from a few KB: refused from the headers, before inflating anything.
    lying_zip("bomb_declared.keras", "config.json", b" " * 1_000_000, 1_500_000_000)
    # Declares 100 bytes but inflates to 10 MB: refused as soon as inflation passes the declared size.
    lying_zip("bomb_lying.keras", "config.json", b" " * 10_000_000, 100)
    write("keras", "not_zip.keras", b"PK\x03\x04" + b"\x00" * 60)
    write_zip("weights_external_storage.keras",
              {**entries, "model.weights.h5": edited_image(weights, lambda f: external_storage(f, "layers/dense/vars/1"))})
    size = os.path.getsize(MLP_KERAS)
    truncations("keras", "mlp", MLP_KERAS, [2, 4, 30, 100, 1000, size // 4, size // 2, size - 2000, size - 100,
                                            size - 22, size - 1])


# ---------------------------------------------------------------------------------------------------------- .npy
def npy(name, header, payload=b"", version=(1, 0), magic=b"\x93NUMPY", length=None):
    text = header.encode("latin1")
    size = 2 if version[0] == 1 else 4
    unpadded = len(magic) + 2 + size + len(text) + 1
    text += b" " * ((64 - unpadded % 64) % 64) + b"\n"
    declared = len(text) if length is None else length
    prefix = magic + bytes(version) + declared.to_bytes(size, "little")
    write("npy", name, prefix + text + payload)


def make_npy():
    f4 = np.arange(6, dtype="<f4").tobytes()
    npy("bad_magic.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4, magic=b"\x93NUMPX")
    npy("header_length_lies.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4, length=60000)
    npy("header_length_lies_v2.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4,
        version=(2, 0), length=0xFFFFFFF0)
    npy("fortran_order.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f4)
    npy("object_dtype.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", b"\x80\x04N.")
    npy("structured_dtype.npy", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", f4)
    npy("complex_dtype.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", f4)
    npy("huge_shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000), }", f4)
    npy("overflowing_shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", f4)
    # Found by FuzzNumPy: a count that fits in Int but whose byte size does not crashed the error message.
    npy("byte_size_overflow.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (557029898, 4294967296), }", f4)
    npy("negative_shape.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (-6,), }", f4)
    npy("data_too_short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (7,), }", f4)
    npy("version_4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", f4, version=(4, 0))
    npy("no_shape.npy", "{'descr': '<f4', 'fortran_order': False, }", f4)
    truncations("npy", "mlp_input", MLP_NPY, [1, 5, 6, 8, 9, 10, 50, 127, 128, 129, 200, 271])


# -------------------------------------------------------------------------------------------------- .safetensors
def graph(input_shape=(4,), dense_op=None, nodes=None):
    nodes = nodes or [
        {"name": "x", "class": "InputLayer", "op": {"type": "input"}, "inputs": [], "output_shape": list(input_shape),
         "weights": {}},
        {"name": "dense", "class": "Dense",
         "op": dense_op or {"type": "dense", "activation": {"type": "softmax", "axis": -1}},
         "inputs": ["x"], "output_shape": [3], "weights": {"kernel": "dense/kernel", "bias": "dense/bias"}},
    ]
    return {"source": {"format": "h5"}, "inputs": ["x"], "outputs": [nodes[-1]["name"]], "nodes": nodes}


def safetensors(name, tensors=None, metadata=None, header_extra=None, raw_header=None, length=None, tail=b""):
    """`tensors` maps a name to (shape, [begin, end]) or to float32 values laid end to end."""
    if tensors is None:
        tensors = {"dense/bias": np.array([0.1, 0.2, 0.3], np.float32),
                   "dense/kernel": np.arange(12, dtype=np.float32).reshape(4, 3) / 10}
    meta = {"format": "keraslens", "format_version": "1", "keraslens.graph": json.dumps(graph())}
    meta.update(metadata or {})
    header, buffer = {"__metadata__": meta}, b""
    for key in sorted(tensors):
        value = tensors[key]
        if isinstance(value, np.ndarray):
            header[key] = {"dtype": "F32", "shape": list(value.shape),
                           "data_offsets": [len(buffer), len(buffer) + value.nbytes]}
            buffer += value.astype("<f4").tobytes()
        else:
            shape, offsets, dtype = (list(value) + ["F32"])[:3]
            header[key] = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
    header.update(header_extra or {})
    text = raw_header if raw_header is not None else json.dumps(header, sort_keys=True).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    declared = len(text) if length is None else length
    data = struct.pack("<Q", declared) + text + buffer + tail
    write("safetensors", name, data)
    return data


def make_safetensors():
    valid = safetensors("valid.safetensors")
    write("safetensors", "too_short.safetensors", valid[:5])
    safetensors("header_length_huge.safetensors", length=2**63)
    safetensors("header_not_json.safetensors", raw_header=b"{this is not json")
    safetensors("header_deep_nesting.safetensors", raw_header=DEEP.encode())
    safetensors("not_keraslens.safetensors", metadata={"format": "pt"})
    safetensors("newer_version.safetensors", metadata={"format_version": "99"})
    bias, kernel = ([3], [0, 12]), ([4, 3], [8, 56])
    safetensors("overlapping_offsets.safetensors", {"dense/bias": bias, "dense/kernel": kernel}, tail=b"\0" * 56)
    safetensors("offsets_out_of_range.safetensors",
                {"dense/bias": ([3], [0, 12]), "dense/kernel": ([4, 3], [1000, 1048])}, tail=b"\0" * 12)
    safetensors("offsets_huge.safetensors",
                {"dense/bias": ([3], [0, 12]), "dense/kernel": ([4, 3], [2**62, 2**62 + 48])}, tail=b"\0" * 12)
    safetensors("huge_shape.safetensors",
                {"dense/bias": ([3], [0, 12]), "dense/kernel": ([1_000_000, 1_000_000], [12, 4_000_000_000_012])},
                tail=b"\0" * 60)
    safetensors("overflowing_shape.safetensors",
                {"dense/bias": ([3], [0, 12]), "dense/kernel": ([2**40, 2**40], [12, 60])}, tail=b"\0" * 60)
    safetensors("size_mismatch.safetensors", {"dense/bias": ([3], [0, 12]), "dense/kernel": ([4, 4], [12, 60])},
                tail=b"\0" * 60)
    safetensors("wrong_dtype.safetensors", {"dense/bias": ([3], [0, 12]), "dense/kernel": ([4, 3], [12, 60], "F64")},
                tail=b"\0" * 60)
    safetensors("unindexed_bytes.safetensors", tail=b"\0" * 16)
    safetensors("missing_tensor.safetensors", {"dense/kernel": np.zeros((4, 3), np.float32)})
    safetensors("weight_wrong_shape.safetensors", {"dense/bias": np.zeros(3, np.float32),
                                                    "dense/kernel": np.zeros((5, 3), np.float32)})
    safetensors("graph_huge_input.safetensors", metadata={"keraslens.graph": json.dumps(graph((1_000_000, 1_000_000)))})
    safetensors("graph_unknown_op.safetensors",
                metadata={"keraslens.graph": json.dumps(graph(dense_op={"type": "lstm"}))})
    safetensors("graph_softmax_axis.safetensors", metadata={"keraslens.graph": json.dumps(
        graph(dense_op={"type": "dense", "activation": {"type": "softmax", "axis": 7}}))})
    x = {"name": "x", "class": "InputLayer", "op": {"type": "input"}, "inputs": [], "output_shape": [4, 1],
         "weights": {}}
    safetensors("graph_window_overflow.safetensors", {}, metadata={"keraslens.graph": json.dumps(graph(nodes=[x, {
        "name": "pool", "class": "MaxPooling1D", "inputs": ["x"], "output_shape": [1, 1], "weights": {},
        "op": {"type": "pool", "kind": "max", "window": {"size": [2**62], "strides": [1], "dilations": [2**62],
                                                         "padding": "valid"}}}]))})
    safetensors("graph_negative_padding.safetensors", {}, metadata={"keraslens.graph": json.dumps(graph(nodes=[x, {
        "name": "pad", "class": "ZeroPadding1D", "inputs": ["x"], "output_shape": [2, 1], "weights": {},
        "op": {"type": "zero_padding", "pads": [[-1, -1]]}}]))})
    safetensors("graph_input_not_earlier.safetensors", metadata={"keraslens.graph": json.dumps(graph(nodes=[
        {"name": "dense", "class": "Dense", "op": {"type": "dense", "activation": {"type": "linear"}},
         "inputs": ["x"], "output_shape": [3], "weights": {"kernel": "dense/kernel", "bias": "dense/bias"}},
        x | {"output_shape": [4]}]))})
    truncations("safetensors", "valid", out("safetensors", "valid.safetensors"),
                [1, 7, 8, 9, 16, 100, 200, len(valid) - 60, len(valid) - 13, len(valid) - 1])


# -------------------------------------------------------------------------------------------- fuzzing seeds
def make_config_seeds():
    """Valid configurations the config fuzzer (Fuzz/FuzzModelConfig) starts from: Sequential and Functional, Keras 2
    and 3, as the JSON text the importer parses. Not bad inputs; here so the seeds need no h5py at fuzzing time."""
    for stem in ("mlp.k2", "mlp.k3", "conv1d.k2", "merge.k2", "reshape.k2"):
        with h5py.File(os.path.join(ZOO, stem + ".h5")) as f:
            write("configs", stem + ".json", f.attrs["model_config"].encode())
    with zipfile.ZipFile(MLP_KERAS) as z:
        write("configs", "mlp.keras.json", z.read("config.json"))


if __name__ == "__main__":
    for folder in ("h5", "keras", "npy", "safetensors", "configs"):
        shutil.rmtree(os.path.join(HERE, folder), ignore_errors=True)
    make_h5()
    make_keras()
    make_npy()
    make_safetensors()
    make_config_seeds()
