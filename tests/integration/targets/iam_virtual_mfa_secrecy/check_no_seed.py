"""Fail if any seed of the bootstrap files (Base32, lower case, otpauth URI, PNG base64) appears in the log."""
import base64
import pathlib
import re
import sys

import zxingcpp
from PIL import Image

log = pathlib.Path(sys.argv[1]).read_bytes()
workdir = pathlib.Path(sys.argv[2])
needles = {}
for path in sorted(workdir.iterdir()):
    if path.suffix == ".png":
        uri = zxingcpp.read_barcodes(Image.open(path))[0].text
        needles[path.name + " (PNG base64)"] = base64.b64encode(path.read_bytes())[:40]
    else:
        uri = path.read_text().strip()
    seed = re.search(r"secret=([A-Z2-7]+)", uri).group(1) if uri.startswith("otpauth") else uri
    needles[path.name + " (seed)"] = seed.encode()
    needles[path.name + " (seed, lower case)"] = seed.lower().encode()
    needles[path.name + " (otpauth URI)"] = ("secret=" + seed).encode()
if len(needles) < 10:
    sys.exit("expected three bootstrap files, found %s" % sorted(p.name for p in workdir.iterdir()))
leaks = [name for name, needle in needles.items() if needle in log]
if leaks:
    sys.exit("seed material found in the -vvv output: %s" % leaks)
if b"Using module file" not in log:
    sys.exit("the log is not -vvv output")
print("no seed in %d bytes of -vvv output (%d needles)" % (len(log), len(needles)))
