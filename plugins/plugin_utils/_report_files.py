# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write report files on the controller: a private directory if missing, each file replaced atomically.

Each file is written to a temporary file in its directory (``mkstemp``), given its mode with ``fchmod`` before any
data, flushed to disk, then renamed over the old one: a reader sees the old report or the new one, never half of one.
"""

import os
import re
import tempfile

DIRECTORY_MODE = 0o750
_OCTAL = re.compile(r"0?[0-7]{3,4}")


class ReportFileError(Exception):
    """A report file could not be written; the message says which and why."""


def parse_mode(mode):
    """A file mode from an octal string (``"0640"``) or an int (YAML's ``0640``); raises ReportFileError."""
    if isinstance(mode, int) and not isinstance(mode, bool) and 0 <= mode <= 0o7777:
        return mode
    if isinstance(mode, str) and _OCTAL.fullmatch(mode.strip()):
        return int(mode.strip(), 8)
    raise ReportFileError("mode %r is not an octal file mode such as '0640' (symbolic modes are not supported)" % (mode,))


def ensure_directory(path):
    """Create ``path`` (and its parents) with mode 0750 if it is missing; an existing directory is left as it is."""
    if os.path.isdir(path):
        return False
    try:
        os.makedirs(path, DIRECTORY_MODE)
        os.chmod(path, DIRECTORY_MODE)  # makedirs' mode is filtered by the umask
    except OSError as e:
        raise ReportFileError("cannot create the report directory %s: %s" % (path, e.strerror or e)) from e
    return True


def _same(path, data, mode):
    try:
        with open(path, "rb") as handle:
            return handle.read() == data and os.stat(path).st_mode & 0o7777 == mode
    except OSError:
        return False


def write_file(path, text, mode):
    """Replace ``path`` with ``text`` (UTF-8) and ``mode``; returns False when it already held exactly that."""
    data = text.encode("utf-8")
    if _same(path, data, mode):
        return False
    directory, name = os.path.split(path)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".%s." % name)
    except OSError as e:
        raise ReportFileError("cannot write %s: %s" % (path, e.strerror or e)) from e
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as e:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise ReportFileError("cannot write %s: %s" % (path, e.strerror or e)) from e
    return True
