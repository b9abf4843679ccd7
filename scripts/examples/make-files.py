#!/usr/bin/env python3
"""Writes the small example files README.md's walkthrough uploads, into the current directory.

Standard library only, no network: images are drawn and PNG-encoded here.
  pets.zip       an image_folder dataset: cat/ and dog/, 10 PNG images each (32x32 RGB)
  cat.png        one more image of each class, to predict
  dog.png
  reviews.jsonl  a text dataset: 3 classes, 8 lines each
The cats are drawn with horizontal stripes and the dogs with vertical ones, each image with its own
stripe width, phase, colours and noise, so that a model has something to learn from 20 images.
"""
import io
import json
import random
import struct
import zipfile
import zlib

SIZE = 32


def png(pixels):
    """pixels: SIZE rows of SIZE (r, g, b) tuples -> PNG bytes."""
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def stripes(horizontal, rng):
    width = rng.randint(2, 5)
    phase = rng.randint(0, 9)
    light = tuple(rng.randint(170, 255) for _ in range(3))
    dark = tuple(rng.randint(0, 80) for _ in range(3))
    rows = []
    for y in range(SIZE):
        row = []
        for x in range(SIZE):
            band = ((y if horizontal else x) + phase) // width % 2
            base = light if band else dark
            row.append(tuple(max(0, min(255, c + rng.randint(-20, 20))) for c in base))
        rows.append(row)
    return png(rows)


def main():
    rng = random.Random(7)
    with zipfile.ZipFile("pets.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for label, horizontal in (("cat", True), ("dog", False)):
            for i in range(1, 11):
                archive.writestr(f"{label}/{i}.png", stripes(horizontal, rng))
    with open("cat.png", "wb") as f:
        f.write(stripes(True, rng))
    with open("dog.png", "wb") as f:
        f.write(stripes(False, rng))
    words = {
        "positive": ["great", "loved it", "wonderful", "excellent", "a delight"],
        "negative": ["awful", "hated it", "terrible", "a waste", "broken"],
        "neutral": ["it arrived", "as described", "average", "nothing special", "okay"],
    }
    with io.open("reviews.jsonl", "w", encoding="utf-8") as f:
        for label, phrases in words.items():
            for i in range(8):
                text = f"{phrases[i % len(phrases)]}, order {i + 1}"
                f.write(json.dumps({"text": text, "label": label}) + "\n")


if __name__ == "__main__":
    main()
