#!/usr/bin/env python3
"""Checks a Chromium screenshot and DOM dump of a cfx HTML report (standard library only).

Usage: check-screenshot.py screenshot.png dom.html expected_svg_count
Fails (exit 1) when the screenshot is blank (under 0.5% non-white pixels or fewer than 3
colours) or when the DOM lacks the expected <svg> elements, node groups or edge groups."""
import json
import re
import struct
import sys
import zlib


def read_png(path):
    """Returns (width, height, rows of RGB(A) bytes) for 8-bit RGB/RGBA non-interlaced PNGs."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour type {color}, interlace {interlace})")
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            # PNG filters: reconstruct from left (a), up (b) and upper-left (c) bytes.
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def main():
    screenshot, dom_path, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
    width, height, channels, rows = read_png(screenshot)
    non_white, colours = 0, set()
    for row in rows:
        for x in range(0, len(row), channels):
            pixel = row[x:x + 3]
            if len(colours) < 4096:
                colours.add(bytes(pixel))
            if min(pixel) < 240:
                non_white += 1
    fraction = non_white / (width * height)
    dom = open(dom_path, encoding="utf-8").read()
    svgs = len(re.findall(r"<svg\b", dom))
    nodes = len(re.findall(r'<g [^>]*class="node\b', dom))
    edges = len(re.findall(r'<g [^>]*class="edge\b', dom))
    result = {"screenshot": f"{width}x{height}", "nonWhiteFraction": round(fraction, 4), "colours": len(colours),
              "svgElements": svgs, "expectedSvg": expected, "nodeGroups": nodes, "edgeGroups": edges}
    problems = []
    if fraction < 0.005 or len(colours) < 3:
        problems.append("the screenshot is blank")
    if expected < 1 or svgs < expected:
        problems.append(f"expected {expected} <svg> elements in the DOM, found {svgs}")
    if nodes == 0 or edges == 0:
        problems.append("no node or edge groups inside the SVG figures")
    result["ok"] = not problems
    print(json.dumps(result))
    for problem in problems:
        print("check-html: " + problem, file=sys.stderr)
    sys.exit(0 if not problems else 1)


if __name__ == "__main__":
    main()
