"""Print the text of the QR code in a PNG file (the otpauth URI of a bootstrap file)."""
import sys

import zxingcpp
from PIL import Image

results = zxingcpp.read_barcodes(Image.open(sys.argv[1]))
if len(results) != 1:
    sys.exit("expected one QR code, found %d" % len(results))
print(results[0].text)
