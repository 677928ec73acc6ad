#!/usr/bin/env python3
"""Writes nnbench's wheel: the helper module nnbench_check and the nnbench binary as the console
command `nnbench` (a file of the wheel's .data/scripts, which pip installs into the environment's
bin/ as it is, as ruff's and uv's wheels do: no Python between the shell and the binary).

    python3 scripts/make_wheel.py BINARY VERSION PLATFORM_TAG OUTPUT_DIR

The wheel is written by hand (PEP 427: a zip with a .dist-info holding METADATA, WHEEL and
RECORD), so that building it needs nothing beyond python3. Entries are sorted and dated
SOURCE_DATE_EPOCH (default 1980-01-01), so the same inputs give the same bytes. Prints the
wheel's path.
"""

import base64
import hashlib
import os
import sys
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = "nnbench_check"
SUMMARY = "nnbench: known-answer tasks and correctness checks for neural networks, with a helper for writing protocol clients in numpy"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (name, digest, len(data))


def main(binary, version, platform, output):
    with open(os.path.join(ROOT, "python", DIST, "__init__.py")) as f:
        if '__version__ = "%s"' % version not in f.read():
            sys.exit("make_wheel: python/%s/__init__.py's __version__ is not nnbench's %s" % (DIST, version))
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    info, data = "%s-%s.dist-info" % (DIST, version), "%s-%s.data" % (DIST, version)
    files = []  # (name in the wheel, bytes, executable)
    package = os.path.join(ROOT, "python", DIST)
    for name in sorted(os.listdir(package)):
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as f:
                files.append(("%s/%s" % (DIST, name), f.read(), False))
    with open(binary, "rb") as f:
        files.append(("%s/scripts/nnbench" % data, f.read(), True))
    with open(os.path.join(ROOT, "LICENSE"), "rb") as f:
        files.append(("%s/LICENSE" % info, f.read(), False))
    metadata = "\n".join([
        "Metadata-Version: 2.1", "Name: nnbench-check", "Version: %s" % version, "Summary: %s" % SUMMARY,
        "License-File: LICENSE", "Requires-Python: >=3.8", "Requires-Dist: numpy",
        "Description-Content-Type: text/markdown", "", readme])
    wheel = "\n".join(["Wheel-Version: 1.0", "Generator: nnbench scripts/make_wheel.py", "Root-Is-Purelib: false",
                       "Tag: py3-none-%s" % platform, ""])
    files += [("%s/METADATA" % info, metadata.encode(), False), ("%s/WHEEL" % info, wheel.encode(), False),
              ("%s/top_level.txt" % info, (DIST + "\n").encode(), False)]
    record = "".join(record_line(n, b) + "\n" for n, b, _ in files) + "%s/RECORD,,\n" % info
    files.append(("%s/RECORD" % info, record.encode(), False))

    stamp = time.gmtime(max(int(os.environ.get("SOURCE_DATE_EPOCH", 315532800)), 315532800))[:6]
    os.makedirs(output, exist_ok=True)
    path = os.path.join(output, "%s-%s-py3-none-%s.whl" % (DIST, version, platform))
    with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content, executable in files:  # RECORD last, as PEP 427 recommends
            entry = zipfile.ZipInfo(name, stamp)
            entry.external_attr = (0o100755 if executable else 0o100644) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(entry, content)
    os.replace(path + ".tmp", path)
    print(path)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit("usage: make_wheel.py BINARY VERSION PLATFORM_TAG OUTPUT_DIR")
    main(*sys.argv[1:])
