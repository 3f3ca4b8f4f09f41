"""Writes Tests/BadInputs/images/: broken and hostile image files, each refused by KerasLens with one clear line.

Needs Pillow and numpy (Fixtures/requirements-images.txt); the output is deterministic:

    Fixtures/.venv-images/bin/python Tests/BadInputs/make_bad_images.py
"""

import io
import shutil
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parent / "images"


def chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bytes(image):
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir()
    pixels = np.random.default_rng(0).integers(0, 256, (32, 48, 3), dtype=np.uint8)
    valid_png = png_bytes(Image.fromarray(pixels, "RGB"))
    valid_jpeg = jpeg_bytes(Image.fromarray(pixels, "RGB"), quality=90)
    files = {
        "not_an_image.png": b"this is a text file, not a PNG\n",
        "empty.jpg": b"",
        "signature_only.png": valid_png[:8],
        "truncated.png": valid_png[: len(valid_png) // 2],
        "truncated.jpg": valid_jpeg[: len(valid_jpeg) // 2],
        # A valid header declaring 100,000 x 100,000 RGB pixels (30 GB) over a few bytes of data.
        "huge_declared.png": valid_png[:8]
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b""),
        "bad_crc.png": valid_png[:29] + bytes([valid_png[29] ^ 0xFF]) + valid_png[30:],
        "header_only.jpg": valid_jpeg[:2] + b"\xff\xe0" + b"\x00" * 40,
    }
    # The largest size a JPEG can declare (65,000 x 65,000, 4.2 Gpixels): the SOF0 marker's size fields rewritten.
    jpeg = bytearray(valid_jpeg)
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 65_000, 65_000)
    files["huge_declared.jpg"] = bytes(jpeg)
    buffer = io.BytesIO()
    Image.fromarray(pixels, "RGB").save(buffer, "BMP")
    files["image.bmp"] = buffer.getvalue()
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
