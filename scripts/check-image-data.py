#!/usr/bin/env python3
"""Recomputes what `cfx data images` reports from the files it writes, with numpy only:
every file's SHA-256 against manifest.json, the split and class counts, the IDX headers, and for
Shapes-modes the label rule (object red OR floor cyan), the disjoint balanced modes and that the
mask covers the object's centre; for toy birds that each image's parts are its class's, that part
masks and object masks agree and the eye keypoint lies on the head; for attribute shapes that
each image satisfies exactly its own class's conjunction of tags (parsed from the class names);
for animals that no image appears in two splits; for animals on texture that the background
(mask 0) is gray. Usage: scripts/check-image-data.py [SET_DIR ...]
(default: every set under ~/.cache/cfx/data/images)."""
import csv, glob, hashlib, json, os, struct, sys
import numpy as np

def idx(path):
    data = open(path, "rb").read()
    zero, kind, rank = struct.unpack(">HBB", data[:4])
    assert zero == 0 and kind == 0x08, f"{path}: not an unsigned-byte IDX file"
    shape = struct.unpack(">" + "I" * rank, data[4:4 + 4 * rank])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * rank)
    assert array.size == int(np.prod(shape)), f"{path}: {array.size} values for {shape}"
    return array.reshape(shape)

def check(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    problems = []
    for split, info in manifest["splits"].items():
        for name, digest in info["files"].items():
            actual = hashlib.sha256(open(os.path.join(directory, name), "rb").read()).hexdigest()
            if actual != digest: problems.append(f"{name}: SHA-256 {actual} ≠ manifest {digest}")
        images, labels = idx(os.path.join(directory, f"{split}-images.idx")), idx(os.path.join(directory, f"{split}-labels.idx"))
        counts = np.bincount(labels, minlength=len(manifest["classNames"])).tolist()
        if len(labels) != info["count"] or counts != info["classCounts"]:
            problems.append(f"{split}: {len(labels)} images, classes {counts}; manifest {info['count']}, {info['classCounts']}")
        if images.shape[1:3] != (manifest["height"], manifest["width"]): problems.append(f"{split}: images {images.shape}")
        factors_path = os.path.join(directory, f"{split}-factors.csv")
        if manifest["set"] == "shapes-modes":
            rows = list(csv.DictReader(open(factors_path)))
            masks = idx(os.path.join(directory, f"{split}-masks.idx"))
            modes = [0, 0, 0]
            for i, row in enumerate(rows):
                f = {k: int(v) for k, v in row.items()}
                red, cyan = f["object_hue"] == 0, f["floor_hue"] == 5
                modes[f["mode"]] += 1
                if labels[i] != int(red or cyan) or (red and cyan) or f["mode"] != (1 if red else 2 if cyan else 0):
                    problems.append(f"{split} image {i}: label {labels[i]} breaks the rule ({row})")
                if masks[i, f["y"], f["x"]] != 255: problems.append(f"{split} image {i}: mask misses the object's centre")
            if not (modes[0] == modes[1] + modes[2] and abs(modes[1] - modes[2]) <= 1):
                problems.append(f"{split}: modes {modes} are not balanced")
        name = manifest["set"]
        if name == "toy-birds":
            rows = [{k: int(v) for k, v in row.items()} for row in csv.DictReader(open(factors_path))]
            masks, parts = idx(os.path.join(directory, f"{split}-masks.idx")), idx(os.path.join(directory, f"{split}-parts.idx"))
            values = {"beak": ["short", "long", "hooked"], "tail": ["fan", "fork", "pointed"], "wing": ["plain", "bar", "spots"]}
            for i, f in enumerate(rows):
                words = manifest["classNames"][labels[i]].replace(",", "").split()   # "short beak fan tail plain wing"
                expected = {words[1]: words[0], words[3]: words[2], words[5]: words[4]}
                if any(values[p][f[p]] != expected[p] for p in values): problems.append(f"{split} bird {i}: parts {f} are not class {manifest['classNames'][labels[i]]}")
                if np.any((parts[i] != 0) & (masks[i] == 0)) or np.any((parts[i] == 0) & (masks[i] == 255)):
                    problems.append(f"{split} bird {i}: part and object masks disagree")
                if manifest["partNames"][parts[i, f["eye_y"], f["eye_x"]]] != "head": problems.append(f"{split} bird {i}: the eye is not on the head")
        if name == "attribute-shapes":
            rows = list(csv.DictReader(open(factors_path)))
            definitions = [dict(tag.split("=") for tag in c.split(" ∧ ")) for c in manifest["classNames"]]
            options = {}
            for tag in manifest["tagNames"]:
                attribute, value = tag.split("=")
                options.setdefault(attribute, []).append(value)
            for i, row in enumerate(rows):
                named = {a: options[a][int(row[a])] for a in options}
                satisfied = [c for c, d in enumerate(definitions) if all(named[a] == v for a, v in d.items())]
                if satisfied != [labels[i]]: problems.append(f"{split} shape {i}: {named} satisfies classes {satisfied}, label {labels[i]}")
        if name == "animals":
            seen = getattr(check, "seen", {})
            for i in range(len(labels)):
                key = images[i].tobytes()
                if seen.get((directory, key), split) != split: problems.append(f"{split} image {i} also in {seen[(directory, key)]}")
                seen[(directory, key)] = split
            check.seen = seen
        if name == "animals-on-texture":
            masks = idx(os.path.join(directory, f"{split}-masks.idx"))
            background = images[masks == 0]
            if not (np.all(background[:, 0] == background[:, 1]) and np.all(background[:, 1] == background[:, 2])):
                problems.append(f"{split}: a background pixel is not gray")
        print(f"{manifest['set']} {split}: {len(labels)} images {images.shape[1:]} classes {counts}")
    return problems

directories = sys.argv[1:] or sorted(glob.glob(os.path.expanduser("~/.cache/cfx/data/images/*")))
problems = [f"{d}: {p}" for d in directories for p in check(d)]
for p in problems: print(p)
print(f"{len(directories)} set(s) checked, {len(problems)} problem(s)")
sys.exit(1 if problems else 0)
