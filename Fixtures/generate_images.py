"""Writes the image parity fixtures in Fixtures/images/: small PNG and JPEG files of odd sizes and, for each,
the arrays `keras.utils.load_img(...)` + `img_to_array` (+ `keras.applications` `preprocess_input`) give for
every resize mode, with and without `keep_aspect_ratio`, in RGB and grayscale.

Keras itself is not needed: `load_img` is a few lines over Pillow, reproduced below from
keras/src/utils/image_utils.py (Keras 3.15), and `preprocess_input`'s three modes from
keras/src/applications/imagenet_utils.py. Needs only Pillow and numpy (see Fixtures/requirements-images.txt):

    python3 -m venv Fixtures/.venv-images
    Fixtures/.venv-images/bin/pip install -r Fixtures/requirements-images.txt
    Fixtures/.venv-images/bin/python Fixtures/generate_images.py

Deterministic: seeded pixels, fixed JPEG settings.
"""

import json
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
import PIL
from PIL import features
from PIL import Image

OUT = Path(__file__).resolve().parent / "images"
INTERPOLATION = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}
SIZES = [(12, 16), (40, 50), (23, 11)]  # (height, width): down, up, mixed


def load_img(path, color_mode, target_size, interpolation, keep_aspect_ratio):
    """keras.utils.load_img, for the color modes and arguments KerasLens supports."""
    with open(path, "rb") as f:
        img = Image.open(f)
        img.load()
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif img.mode != "RGB":
        img = img.convert("RGB")
    width_height_tuple = (target_size[1], target_size[0])
    if img.size != width_height_tuple:
        resample = INTERPOLATION[interpolation]
        if keep_aspect_ratio:
            width, height = img.size
            target_width, target_height = width_height_tuple
            crop_height = (width * target_height) // target_width
            crop_width = (height * target_width) // target_height
            crop_height = min(height, crop_height)
            crop_width = min(width, crop_width)
            crop_box_hstart = (height - crop_height) // 2
            crop_box_wstart = (width - crop_width) // 2
            crop_box = [crop_box_wstart, crop_box_hstart, crop_box_wstart + crop_width, crop_box_hstart + crop_height]
            img = img.resize(width_height_tuple, resample, box=crop_box)
        else:
            img = img.resize(width_height_tuple, resample)
    return img


def img_to_array(img):
    x = np.asarray(img, dtype="float32")
    return x[..., None] if x.ndim == 2 else x


def preprocess_input(x, mode):
    """keras.applications.imagenet_utils._preprocess_numpy_input (channels_last), and a plain /255."""
    x = x.copy()
    if mode == "unit":
        return x / np.float32(255)
    if mode == "tf":
        x /= 127.5
        x -= 1.0
        return x
    if mode == "torch":
        x /= 255.0
        mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    else:  # caffe
        x = x[..., ::-1]
        mean, std = [103.939, 116.779, 123.68], None
    x[..., 0] -= mean[0]
    x[..., 1] -= mean[1]
    x[..., 2] -= mean[2]
    if std is not None:
        x[..., 0] /= std[0]
        x[..., 1] /= std[1]
        x[..., 2] /= std[2]
    return x


def scene(height, width, seed):
    """Smooth gradients, hard edges and noise: every filter tap and rounding path gets exercised."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack([255 * x / max(width - 1, 1), 255 * y / max(height - 1, 1), 128 + 127 * np.sin(x * 0.7 + y * 0.4)], -1)
    base[(x // 5 + y // 4) % 2 == 0] = 255 - base[(x // 5 + y // 4) % 2 == 0]
    noise = rng.integers(-40, 41, size=base.shape)
    return np.clip(base + noise, 0, 255).astype(np.uint8)


def write_png16(path, samples, color_type):
    """A 16-bit PNG, written by hand because Pillow writes 16 bits only for plain gray."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    height, width = samples.shape[:2]
    raw = b"".join(b"\x00" + samples[y].tobytes() for y in range(height))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 16, color_type, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def write_images():
    OUT.mkdir(parents=True)
    files = {}
    rgb = scene(23, 37, 1)
    Image.fromarray(rgb, "RGB").save(OUT / "rgb_37x23.png")
    files["rgb_37x23.png"] = "rgb"
    rgba = np.concatenate([scene(31, 19, 2), np.random.default_rng(3).integers(0, 256, (31, 19, 1), dtype=np.uint8)], -1)
    Image.fromarray(rgba, "RGBA").save(OUT / "rgba_19x31.png")
    files["rgba_19x31.png"] = "rgba"
    Image.fromarray(scene(17, 29, 4)[..., 0], "L").save(OUT / "gray_29x17.png")
    files["gray_29x17.png"] = "gray"
    palette = Image.fromarray(scene(13, 21, 5), "RGB").quantize(colors=16, dither=Image.Dither.NONE)
    palette.info["transparency"] = 3
    palette.save(OUT / "palette_21x13.png", transparency=3)
    files["palette_21x13.png"] = "palette with tRNS"
    Image.fromarray(scene(9, 13, 6)[..., 1] > 127).save(OUT / "bilevel_13x9.png")
    files["bilevel_13x9.png"] = "1-bit gray"
    Image.fromarray(scene(27, 41, 7), "RGB").save(OUT / "rgb_41x27.jpg", quality=90)
    files["rgb_41x27.jpg"] = "RGB JPEG, 4:2:0"
    Image.fromarray(scene(20, 17, 8), "RGB").save(OUT / "rgb444_17x20.jpg", quality=95, subsampling=0)
    files["rgb444_17x20.jpg"] = "RGB JPEG, 4:4:4"
    Image.fromarray(scene(35, 23, 9)[..., 2], "L").save(OUT / "gray_23x35.jpg", quality=85)
    files["gray_23x35.jpg"] = "grayscale JPEG"
    cmyk = np.concatenate([scene(15, 19, 10), scene(15, 19, 11)[..., :1]], -1)
    Image.fromarray(cmyk, "CMYK").save(OUT / "cmyk_19x15.jpg", quality=90)
    files["cmyk_19x15.jpg"] = "CMYK JPEG (Adobe marker, inverted)"
    rng = np.random.default_rng(12)
    for name, color_type, channels, (height, width) in (("rgb16_17x11.png", 2, 3, (11, 17)), ("rgba16_9x14.png", 6, 4, (14, 9)),
                                                        ("graya16_15x8.png", 4, 2, (8, 15)), ("gray16_13x10.png", 0, 1, (10, 13))):
        # Low values too, so that clipping (gray) and taking the high byte (the rest) differ.
        samples = rng.integers(0, 65536, (height, width, channels)) >> rng.integers(0, 16, (height, width, channels))
        write_png16(OUT / name, samples.astype(">u2"), color_type)
        files[name] = f"16-bit PNG, color type {color_type}"
    return files


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    files = write_images()
    cases = []

    def record(name, array, **spec):
        stem = f"{Path(spec['image']).stem}_{name}"
        np.save(OUT / "expected" / f"{stem}.npy", array)
        cases.append({**spec, "expected": f"expected/{stem}.npy"})

    (OUT / "expected").mkdir()
    for image in files:
        for color_mode, channels in (("rgb", 3), ("grayscale", 1)):
            if color_mode == "grayscale" and image.startswith("gray16"):
                continue  # load_img keeps 16-bit gray whole (mode I;16); KerasLens refuses it for 1-channel models
            path = OUT / image
            with Image.open(path) as decoded:
                size = decoded.size
            # Decoding alone: the image at its own size.
            own = img_to_array(load_img(path, color_mode, (size[1], size[0]), "nearest", False))
            record(f"{color_mode}_decoded", own.astype(np.uint8), image=image, channels=channels,
                   height=size[1], width=size[0], resize="nearest", keep_aspect_ratio=False, preprocess="none")
            for height, width in SIZES:
                for resize in INTERPOLATION:
                    for keep in (False, True):
                        x = img_to_array(load_img(path, color_mode, (height, width), resize, keep))
                        record(f"{color_mode}_{height}x{width}_{resize}{'_keep' if keep else ''}", x.astype(np.uint8),
                               image=image, channels=channels, height=height, width=width, resize=resize,
                               keep_aspect_ratio=keep, preprocess="none")
    for mode in ("unit", "tf", "caffe", "torch"):
        x = preprocess_input(img_to_array(load_img(OUT / "rgb_41x27.jpg", "rgb", (12, 16), "bilinear", False)), mode)
        record(f"preprocess_{mode}", x.astype(np.float32), image="rgb_41x27.jpg", channels=3, height=12, width=16,
               resize="bilinear", keep_aspect_ratio=False, preprocess=mode)
    manifest = {"generator": {"pillow": PIL.__version__, "numpy": np.__version__,
                              "libjpeg_turbo": features.version("libjpeg_turbo")},
                "images": files, "cases": cases}
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(files)} images and {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
