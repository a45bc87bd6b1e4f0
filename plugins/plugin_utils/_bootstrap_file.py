# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bootstrap file on the controller: check it before a device exists, write it once, atomically, never replaced."""

import errno
import os
import stat
import tempfile


class BootstrapFileError(Exception):
    """The bootstrap file cannot be read or written; the message names the path and the reason."""


def parse_mode(mode):
    """``bootstrap_mode`` as an int: an octal string such as '0600', or an int (0o600 or its decimal 384)."""
    try:
        value = int(mode, 8) if isinstance(mode, str) else int(mode)
    except (TypeError, ValueError):
        raise BootstrapFileError("bootstrap_mode %r is not an octal file mode such as '0600'" % (mode,))
    if not 0 <= value <= 0o777:
        raise BootstrapFileError("bootstrap_mode %r is outside 0000-0777" % (mode,))
    if not value & stat.S_IRUSR:
        raise BootstrapFileError("bootstrap_mode %r would leave the file unreadable by its owner" % (mode,))
    return value


class BootstrapFile:
    def __init__(self, path, mode):
        self.path = os.path.abspath(os.path.expanduser(path))
        self.mode = mode

    def exists(self):
        """True for a regular file; refuses directories, symlinks and anything else at the path."""
        try:
            info = os.lstat(self.path)
        except (FileNotFoundError, NotADirectoryError):  # (a parent that is a file: check_writable names it)
            return False
        if stat.S_ISLNK(info.st_mode):
            raise BootstrapFileError("bootstrap_file %s is a symbolic link; it is never written or read through one" % self.path)
        if stat.S_ISDIR(info.st_mode):
            raise BootstrapFileError("bootstrap_file %s is a directory, not a file path" % self.path)
        if not stat.S_ISREG(info.st_mode):
            raise BootstrapFileError("bootstrap_file %s is not a regular file" % self.path)
        return True

    def read_text(self):
        try:
            with open(self.path, "rb") as handle:
                data = handle.read(4096)
            return data.decode("ascii")
        except UnicodeDecodeError:
            raise BootstrapFileError("bootstrap_file %s is not a text file" % self.path)
        except OSError as e:
            raise BootstrapFileError("cannot read bootstrap_file %s: %s" % (self.path, e.strerror))

    def _nearest_existing_dir(self):
        directory = os.path.dirname(self.path)
        while not os.path.lexists(directory):
            directory = os.path.dirname(directory)
        if not os.path.isdir(directory):
            raise BootstrapFileError("cannot write bootstrap_file %s: %s is not a directory" % (self.path, directory))
        return directory

    def check_writable(self, probe=True):
        """Prove, before any device exists, that the file can be written: a real probe file if the directory
        exists (unless ``probe`` is false, as in check mode), else the permissions of the nearest existing
        ancestor (which will hold the new directories)."""
        directory = self._nearest_existing_dir()
        if not probe or directory != os.path.dirname(self.path):
            if not os.access(directory, os.W_OK | os.X_OK):
                raise BootstrapFileError("cannot write bootstrap_file %s: directory %s is not writable" % (self.path, directory))
            return
        try:
            handle, probe = tempfile.mkstemp(prefix=".mfaops-probe-", dir=directory)
            os.close(handle)
            os.unlink(probe)
        except OSError as e:
            raise BootstrapFileError("cannot write bootstrap_file %s: %s" % (self.path, e.strerror))

    def write(self, content):
        """Write ``content`` once: temp file in the same directory, mode set before the first byte, fsync, then a
        hard link to the final name (which fails if anything exists there, so nothing is ever replaced)."""
        directory = os.path.dirname(self.path)
        try:
            self._make_parents(directory)
            handle, temp = tempfile.mkstemp(prefix=".mfaops-", dir=directory)
        except OSError as e:
            raise BootstrapFileError("cannot write bootstrap_file %s: %s" % (self.path, e.strerror))
        try:
            os.fchmod(handle, self.mode)
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.link(temp, self.path)
            self._fsync_directory(directory)
        except OSError as e:
            if e.errno == errno.EEXIST:
                raise BootstrapFileError("bootstrap_file %s appeared while the device was created; it was not replaced" % self.path)
            raise BootstrapFileError("cannot write bootstrap_file %s: %s" % (self.path, e.strerror))
        finally:
            try:
                os.unlink(temp)
            except OSError:
                pass

    @staticmethod
    def _make_parents(directory):
        """Create the missing directories, each with mode 0700 whatever the umask."""
        missing = []
        while not os.path.lexists(directory):
            missing.append(directory)
            directory = os.path.dirname(directory)
        for path in reversed(missing):
            os.mkdir(path, 0o700)
            os.chmod(path, 0o700)

    @staticmethod
    def _fsync_directory(directory):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
