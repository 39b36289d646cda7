#!/usr/bin/env python3
"""Fails unless a PNG (8-bit RGB/RGBA/grey, not interlaced, as Qt writes them) shows a picture rather than a blank
window: enough distinct colours, and no single colour covering nearly all of it. Standard library only.

    png_not_blank.py FILE [--min-colours N]
"""
import struct
import sys
import zlib
from collections import Counter

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # PNG colour type -> samples per pixel


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def read_pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    if header is None:
        raise ValueError(f"{path}: no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
    bpp = CHANNELS[colour]
    stride = width * bpp
    raw = zlib.decompress(idat)
    previous = bytearray(stride)
    pixels = Counter()
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up = previous[i]
            up_left = previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                line[i] = (line[i] + paeth(left, up, up_left)) & 0xFF
        pixels.update(bytes(line[i:i + bpp]) for i in range(0, stride, bpp))
        previous = line
    return width, height, pixels


def main(argv):
    path = argv[1]
    min_colours = int(argv[argv.index("--min-colours") + 1]) if "--min-colours" in argv else 32
    width, height, pixels = read_pixels(path)
    top_share = pixels.most_common(1)[0][1] / (width * height)
    print(f"{path}: {width}x{height}, {len(pixels)} colours, the commonest covers {top_share:.0%}")
    if len(pixels) < min_colours or top_share > 0.97:
        print(f"{path}: looks blank (fewer than {min_colours} colours or one colour over 97 %)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
