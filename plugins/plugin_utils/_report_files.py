# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report files on the controller: a report directory checked as the bootstrap file's directory is, files replaced
atomically in it, and the previous report read back from it.

A report directory (created 0750 with its missing parents if it does not exist) is opened without following a
symlink and must be private to the user who runs Ansible: owned by it, not writable by group or others
(_bootstrap_dir.not_private). Otherwise another local user could redirect a report with a symlink, or plant a
forged previous report (its "first seen" dates decide the ages of unassigned devices); such a directory is refused
with a ReportFileError that says what to fix. Every step after the check goes through the opened directory
(_bootstrap_dir.Directory).

Each file is written to a temporary file in its directory, given its mode before any data, flushed to disk, then
renamed over the old one: a reader sees the old report or the new one, never half of one, and a symlink at the
file's name is replaced, never followed.
"""

import errno
import json
import os
import stat

from ansible_collections.mfaops.iam.plugins.module_utils._common import file_mode
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_dir import Directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_dir import not_private

DIRECTORY_MODE = 0o750


class ReportFileError(Exception):
    """A report file could not be written or read; the message says which, why, and what to fix."""


def parse_mode(mode, option="mode"):
    """A report's file mode by the collection's one rule (_common.file_mode); raises ReportFileError."""
    try:
        return file_mode.parse_mode(mode, option)
    except ValueError as e:
        raise ReportFileError(str(e)) from None


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


def open_directory(path, create=True):
    """The report directory ``path``, opened (a _bootstrap_dir.Directory, to close) once proved private to the
    current user; created first when ``create``, else None when it does not exist. ReportFileError otherwise."""
    if create:
        ensure_directory(path)
    try:
        directory = Directory(path)
    except FileNotFoundError as e:
        if not create:
            return None
        raise ReportFileError("cannot open the report directory %s: %s" % (path, e.strerror or e)) from e
    except OSError as e:
        if os.path.islink(path):
            raise ReportFileError("report directory %s is a symbolic link; reports are never written or read through "
                                  "one: give the real path (%s)" % (path, os.path.realpath(path))) from None
        raise ReportFileError("cannot open the report directory %s: %s" % (path, e.strerror or e)) from e
    problem = not_private(directory.info)
    if problem:
        directory.close()
        if directory.info.st_uid != os.geteuid():
            fix = "or remove this one if you did not make it"
        else:
            fix = "or make this one so (chmod go-w %s)" % path
        raise ReportFileError("report directory %s %s; use a directory private to the user who runs Ansible (owned "
                              "by it, mode 0750 or 0700), %s" % (path, problem, fix))
    return directory


def _read(directory, name, what):
    """The bytes of the regular file ``name`` of ``directory``, or None when there is none."""
    path = os.path.join(directory.path, name)
    try:
        handle = directory.open_read(name)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno in (errno.ELOOP, errno.EMLINK):
            raise ReportFileError("%s %s is a symbolic link; it is never read through one" % (what, path)) from None
        raise ReportFileError("cannot read %s %s: %s" % (what, path, e.strerror or e)) from e
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode):
        os.close(handle)
        raise ReportFileError("%s %s is not a regular file" % (what, path))
    with os.fdopen(handle, "rb") as stream:
        return stream.read(), stat.S_IMODE(info.st_mode)


def read_bytes(directory, name, what="report"):
    """(bytes, mode) of the regular file ``name`` of an opened report directory (open_directory), None when there
    is none; never read through a symlink. ReportFileError when it cannot be read."""
    return _read(directory, name, what)


def parse_json(data, path):
    """The JSON value of ``data``, the bytes of the file ``path``; ReportFileError when they are not JSON."""
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as e:
        raise ReportFileError("previous report %s is not JSON (%s); remove it, or restore the report the audit wrote"
                              % (path, e)) from None


def read_json(directory, name):
    """The JSON value of the file ``name`` of an opened report directory (open_directory), None when there is none;
    never read through a symlink. ReportFileError when it cannot be read or is not JSON."""
    found = _read(directory, name, "previous report")
    return None if found is None else parse_json(found[0], os.path.join(directory.path, name))


def write_file(directory, name, text, mode):
    """Replace the file ``name`` of an opened report directory (open_directory) with ``text`` (UTF-8) and ``mode``;
    returns False when it already held exactly that."""
    data = text.encode("utf-8")
    path = os.path.join(directory.path, name)
    try:
        if _read(directory, name, "report") == (data, mode):
            return False
    except ReportFileError:
        pass  # a symlink or another kind of file is replaced below
    try:
        handle, temporary = directory.create_temp(mode)
    except OSError as e:
        raise ReportFileError("cannot write %s: %s" % (path, e.strerror or e)) from e
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        directory.replace(temporary, name)
    except OSError as e:
        try:
            directory.unlink(temporary)
        except OSError:
            pass
        raise ReportFileError("cannot write %s: %s" % (path, e.strerror or e)) from e
    return True


def write_report(path, text, mode):
    """Replace the report file ``path`` with ``text`` and ``mode`` in its report directory, created if missing and
    checked first (open_directory); returns False when the file already held exactly that."""
    directory = open_directory(os.path.dirname(path))
    try:
        return write_file(directory, os.path.basename(path), text, mode)
    finally:
        directory.close()


def read_report(path):
    """The JSON value of the report file ``path``, read only from a checked report directory (open_directory, not
    created); None when the directory or the file does not exist."""
    directory = open_directory(os.path.dirname(path), create=False)
    if directory is None:
        return None
    try:
        return read_json(directory, os.path.basename(path))
    finally:
        directory.close()
