# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A directory the collection writes secrets or reports into on the controller (the bootstrap file's, the audit
reports'): opened once, never through a symlink, checked private to the current user (``not_private``), then written
into and read from relative to it.

Where the platform has ``dir_fd`` (Linux, the BSDs, macOS) every step after the open goes through the directory's
descriptor, so a directory swapped for another one or for a symlink after the check cannot redirect a write or a
read. Elsewhere the same steps go by path. Errors are plain ``OSError``s; the caller words them.
"""

import errno
import os
import secrets
import stat

DIR_FD = (
    {os.open, os.link, os.unlink, os.rename, os.stat} <= os.supports_dir_fd
    and os.link in os.supports_follow_symlinks
    and hasattr(os, "O_NOFOLLOW")
    and hasattr(os, "O_DIRECTORY")
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def not_private(info):
    """Why the directory with this stat result is not private to the current user, or None if it is."""
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        return "has mode %04o: group or others can write to it" % mode
    if info.st_uid != os.geteuid():
        return "has mode %04o and belongs to uid %d, not to the current user (uid %d)" % (mode, info.st_uid, os.geteuid())
    return None


class Directory:
    """An existing directory, opened without following a symlink at its own path; ``info`` is its own stat result."""

    def __init__(self, path):
        self.path = path
        self._fd = None
        if DIR_FD:
            self._fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | _CLOEXEC)
            self.info = os.fstat(self._fd)
            return
        self.info = os.lstat(path)
        if stat.S_ISLNK(self.info.st_mode):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
        if not stat.S_ISDIR(self.info.st_mode):
            raise OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _at(self, name):
        """``name`` as the path and ``dir_fd`` arguments of an ``os`` call."""
        if self._fd is None:
            return os.path.join(self.path, name), None
        return name, self._fd

    def create_temp(self, mode):
        """A new empty file, created 0600 and given ``mode`` before any byte is in it: its descriptor and name."""
        for _attempt in range(3):
            name = ".mfaops-%s" % secrets.token_hex(8)
            path, dir_fd = self._at(name)
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o600, dir_fd=dir_fd)
            except FileExistsError:
                continue
            try:
                os.fchmod(handle, mode)
            except OSError:
                os.close(handle)
                self.unlink(name)
                raise
            return handle, name
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), self.path)

    def link(self, existing, name):
        """Give the file ``existing`` the name ``name`` too; FileExistsError if anything has that name already."""
        if self._fd is None:
            os.link(self._at(existing)[0], self._at(name)[0])
        else:
            os.link(existing, name, src_dir_fd=self._fd, dst_dir_fd=self._fd, follow_symlinks=False)

    def replace(self, existing, name):
        """Rename the file ``existing`` to ``name``, replacing what has that name (a symlink itself, not its target)."""
        if self._fd is None:
            os.replace(self._at(existing)[0], self._at(name)[0])
        else:
            os.replace(existing, name, src_dir_fd=self._fd, dst_dir_fd=self._fd)

    def open_read(self, name):
        """A read-only descriptor of the existing ``name``, never opened through a symlink (OSError ELOOP, or EMLINK
        on some BSDs) nor blocking on a FIFO; the caller checks with ``os.fstat`` what it opened."""
        path, dir_fd = self._at(name)
        return os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC, dir_fd=dir_fd)

    def lstat(self, name):
        path, dir_fd = self._at(name)
        return os.stat(path, dir_fd=dir_fd, follow_symlinks=False)

    def unlink(self, name):
        path, dir_fd = self._at(name)
        os.unlink(path, dir_fd=dir_fd)

    def fsync(self):
        """Make the directory's entries durable."""
        if self._fd is not None:
            os.fsync(self._fd)
            return
        handle = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
