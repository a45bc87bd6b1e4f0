"""`make demo`: start the local IAM endpoint, run the demo playbook twice (the second run changes nothing), stop."""

import os
import pathlib
import shutil
import subprocess
import sys

from mfaops_endpoint import Endpoint

DEMO = pathlib.Path(__file__).resolve().parent
OUTPUT = DEMO / "output"


def play(url, diff):
    command = ["ansible-playbook", "-i", str(DEMO / "inventory.ini"), str(DEMO / "playbook.yml"), "-e", "iam_endpoint_url=%s" % url]
    command += ["--diff"] if diff else []
    print("\n$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode


def main():
    shutil.rmtree(OUTPUT, ignore_errors=True)
    with Endpoint() as endpoint:
        print("Local IAM endpoint: %s (moto, made faithful: it checks TOTP codes)" % endpoint.url, flush=True)
        for run, diff in (("first run, with --diff: creates, tags, enables, writes the QR code", True),
                          ("second run: nothing to change", False)):
            print("\n=== %s ===" % run, flush=True)
            if play(endpoint.url, diff):
                return 1
    png = OUTPUT / "alice.png"
    print("\nThe QR code for alice is at %s (mode %o). Scan it, then destroy the file." % (png, png.stat().st_mode & 0o777))
    print("The endpoint has been stopped.")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("ANSIBLE_NOCOLOR", "1")
    os.environ.setdefault("ANSIBLE_DEPRECATION_WARNINGS", "0")  # amazon.aws.iam_user's own notice about its return keys
    sys.exit(main())
