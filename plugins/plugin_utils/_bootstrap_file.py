# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bootstrap file on the controller: check it before a device exists, write it once, atomically, never replaced.

The file written is removed only when its device is deleted again (remove_written), and only if it is still that
file. Every filesystem error becomes a BootstrapFileError naming the path and the reason. The file's directory must be
private to the current user, who alone can then plant, swap or remove files there; directories created for it are 0700.
"""

import errno
import os
import stat
import tempfile

from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_dir import Directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_dir import not_private

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class BootstrapFileError(Exception):
    """The bootstrap file cannot be read or written; the message names the path and the reason."""


class BootstrapFile:
    def __init__(self, path, mode):
        self.path = os.path.abspath(os.path.expanduser(path))
        self.mode = mode
        self._written = None  # the identity of the file write() wrote, and the directories it created

    def exists(self):
        """True for a regular file, False for nothing; refuses directories, symlinks and anything else at the path."""
        return self._exists("access")

    def _exists(self, action):
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return False
        except OSError as e:
            raise self._error(action, e) from e
        self._refuse_unless_file(info.st_mode)
        return True

    def read_text(self):
        """The file's first 4 KiB as ASCII text, never read through a symlink."""
        try:
            with os.fdopen(os.open(self.path, _READ_FLAGS), "rb") as handle:
                self._refuse_unless_file(os.fstat(handle.fileno()).st_mode)
                data = handle.read(4096)
        except OSError as e:
            if e.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(self.path):
                self._refuse_unless_file(stat.S_IFLNK)
            raise self._error("read", e) from e
        try:
            return data.decode("ascii")
        except UnicodeDecodeError:
            raise BootstrapFileError("bootstrap_file %s is not a text file" % self.path) from None

    def check_writable(self):
        """Prove, before any device exists, that write() can succeed, leaving nothing behind: a temporary file
        created and removed in the file's directory or, if that directory is still to be created, a temporary
        directory created and removed in its nearest existing ancestor."""
        ancestor, missing = self._plan()
        try:
            if missing:
                os.rmdir(tempfile.mkdtemp(prefix=".mfaops-probe-", dir=ancestor))
                return
            with self._open_directory() as directory:
                handle, name = directory.create_temp(self.mode)
                os.close(handle)
                directory.unlink(name)
        except OSError as e:
            raise BootstrapFileError("cannot write bootstrap_file %s: creating a test %s in %s failed: %s"
                                     % (self.path, "directory" if missing else "file", ancestor, e.strerror or e)) from e

    def write(self, content):
        """Write ``content`` once: a temporary file in the same directory, given its mode before the first byte,
        fsync, then a hard link to the final name, which fails if anything exists there: nothing is ever replaced."""
        missing = []  # the directories this write created, removed again if it fails
        try:
            for path in self._plan()[1]:
                try:
                    os.mkdir(path, 0o700)
                except FileExistsError:  # another run (a fork writing its own account's file) made it meanwhile
                    continue
                missing.append(path)
                os.chmod(path, 0o700)  # whatever the umask
            with self._open_directory() as directory:
                self._written = (self._write_into(directory, content), missing)
        except OSError as e:
            self._remove_empty(missing)
            raise self._error("write", e) from e
        except BootstrapFileError:
            self._remove_empty(missing)
            raise

    def _write_into(self, directory, content):
        handle, temp = directory.create_temp(self.mode)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
                info = os.fstat(stream.fileno())
            directory.link(temp, os.path.basename(self.path))
        except FileExistsError:
            raise BootstrapFileError("bootstrap_file %s appeared meanwhile; it was not replaced" % self.path) from None
        finally:
            try:
                directory.unlink(temp)
            except OSError:
                pass
        directory.fsync()
        return _identity(info)

    def remove_written(self):
        """Remove the file write() wrote, and the directories it created for it if they are empty; a file put at the
        path since (another inode) is left alone."""
        if self._written is None:
            return
        identity, created = self._written
        name = os.path.basename(self.path)
        try:
            with self._open_directory() as directory:
                if _identity(directory.lstat(name)) != identity:
                    raise BootstrapFileError("bootstrap_file %s is no longer the file this task wrote; it was left "
                                             "alone" % self.path)
                directory.unlink(name)
                directory.fsync()
        except OSError as e:
            raise self._error("remove", e) from e
        self._written = None
        self._remove_empty(created)

    @staticmethod
    def _remove_empty(directories):
        for path in reversed(directories):
            try:
                os.rmdir(path)
            except OSError:
                pass

    def _plan(self):
        """Refuse, creating nothing, what write() would refuse. Returns the nearest existing ancestor of the path
        and the directories below it that write() will create, outermost first."""
        if self._exists("write"):
            raise BootstrapFileError("bootstrap_file %s already exists and is never replaced" % self.path)
        ancestor, missing = os.path.dirname(self.path), []
        try:
            while True:
                try:
                    info = os.lstat(ancestor)
                    break
                except FileNotFoundError:
                    missing.insert(0, ancestor)
                    ancestor = os.path.dirname(ancestor)
            if missing:  # a symlink is fine higher up; only the file's own directory must not be one
                info = os.stat(ancestor)
        except OSError as e:
            raise self._error("write", e) from e
        if stat.S_ISLNK(info.st_mode):
            raise BootstrapFileError("cannot write bootstrap_file %s: its directory %s is a symbolic link; give the "
                                     "real path (%s)" % (self.path, ancestor, os.path.realpath(ancestor)))
        if not stat.S_ISDIR(info.st_mode):
            raise BootstrapFileError("cannot write bootstrap_file %s: %s is not a directory" % (self.path, ancestor))
        try:
            name_max = os.pathconf(ancestor, "PC_NAME_MAX")
        except (OSError, ValueError):
            name_max = 255
        if any(len(os.fsencode(os.path.basename(path))) > name_max for path in missing + [self.path]):
            raise self._error("write", OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG)))
        return ancestor, missing

    def _open_directory(self):
        """The file's existing directory, opened without following a symlink, once proved private to the current user."""
        try:
            directory = Directory(os.path.dirname(self.path))
        except OSError as e:
            raise self._error("write", e) from e
        problem = not_private(directory.info)
        if problem:
            directory.close()
            raise BootstrapFileError(
                "cannot write bootstrap_file %s: its directory %s %s; keep bootstrap files in a private directory "
                "(mode 0700, owned by the user who runs Ansible)" % (self.path, directory.path, problem))
        return directory

    def _refuse_unless_file(self, mode):
        if stat.S_ISLNK(mode):
            raise BootstrapFileError("bootstrap_file %s is a symbolic link; it is never written or read through one" % self.path)
        if stat.S_ISDIR(mode):
            raise BootstrapFileError("bootstrap_file %s is a directory, not a file path" % self.path)
        if not stat.S_ISREG(mode):
            raise BootstrapFileError("bootstrap_file %s is not a regular file" % self.path)

    def _error(self, action, e):
        return BootstrapFileError("cannot %s bootstrap_file %s: %s" % (action, self.path, e.strerror or e))


def _identity(info):
    """What tells the file write() wrote from one put at its path since: its inode (which a new file may reuse once
    the first is deleted), size and modification time."""
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, stat.S_IFMT(info.st_mode)
