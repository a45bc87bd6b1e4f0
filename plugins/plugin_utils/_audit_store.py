# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the audit keeps each account's report and state, and the organization summary: a directory on the
controller, an S3 bucket and prefix, or both.

Layout (the same in both): ``<base>/<account directory>/<name>.json`` (the report), ``.md`` (the people's view),
``.state.json`` (the account's audit state, module_utils/_audit/states.py), and ``<base>/<summary name>.json`` and
``.md``.  The account directory is naming.account_directory's (the account id), or "" for a single account written
straight into the base; paths are built with naming.child_path, so no name leaves the base directory.  A directory is
trusted only when private to the user who runs Ansible (_report_files.open_directory).  Files are replaced atomically
(_report_files); the summary is rebuilt under an exclusive lock on the directory (``lock``), so hosts that finish at
the same time each write a complete summary, the last one the final one.  Beside the summary in a directory, the
hidden ``.<summary name>.sources.json`` records what it was built from (_audit_store_sources).
"""

import contextlib
import fcntl
import hashlib
import json
import os

from ansible_collections.mfaops.iam.plugins.module_utils._common.paging import paginate
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import child_path
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import open_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import parse_json
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import read_bytes
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import write_file

try:
    import botocore.exceptions
except ImportError:  # amazon.aws reports the missing SDK when the client is built
    pass

SUFFIXES = {"json": ".json", "markdown": ".md", "state": ".state.json"}


class StoreError(Exception):
    """A report, state or summary could not be read or written; the message says which and why."""


def to_json(value):
    return json.dumps(value, indent=4, sort_keys=True) + "\n"


def digest(data):
    """The SHA-256 of ``data`` (bytes), in hex: what identifies a file's content."""
    return hashlib.sha256(data).hexdigest()


def _parse(text):
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _checked_name(name):
    if not name or name in (".", "..") or "/" in name or "\0" in name:
        raise StoreError("%r is not a plain file name" % (name,))
    return name


class DirectoryStore:
    """Reports, states and the summary in a directory on the controller, private to the user who runs Ansible
    (_report_files.open_directory: owned by it, not writable by group or others, never through a symlink), as is each
    account's directory in it."""

    def __init__(self, base, report_name, mode):
        self.base = base
        self.name = _checked_name(report_name)
        self.mode = mode

    def _path(self, subdir):
        try:
            return child_path(self.base, subdir) if subdir else self.base
        except ValueError as e:
            raise StoreError("the account directory %s" % e) from e

    @contextlib.contextmanager
    def _opened(self, subdir, create=True):
        """The account's directory (the base for ""), opened once it and the base are proved private; None when it
        does not exist and ``create`` is false."""
        path = self._path(subdir)
        opened = []
        try:
            for directory in ([self.base, path] if subdir else [self.base]):
                found = open_directory(directory, create=create)
                if found is None:
                    yield None
                    return
                opened.append(found)
            yield opened[-1]
        except ReportFileError as e:
            raise StoreError(str(e)) from e
        finally:
            for directory in opened:
                directory.close()

    def paths(self, subdir):
        directory = self._path(subdir)
        return {kind: os.path.join(directory, self.name + suffix) for kind, suffix in SUFFIXES.items()}

    def read_file(self, subdir, file_name):
        """(bytes, mode) of the file ``file_name`` of the account's directory (the base for ""), None when it or the
        directory does not exist; StoreError when it cannot be trusted or read."""
        with self._opened(subdir, create=False) as directory:
            if directory is None:
                return None
            try:
                return read_bytes(directory, file_name)
            except ReportFileError as e:
                raise StoreError(str(e)) from e

    def _load(self, subdir, suffix):
        """(JSON value, bytes) of the account's ``<name><suffix>``, None when there is none; StoreError otherwise."""
        found = self.read_file(subdir, self.name + suffix)
        if found is None:
            return None
        try:
            return parse_json(found[0], os.path.join(self._path(subdir), self.name + suffix)), found[0]
        except ReportFileError as e:
            raise StoreError(str(e)) from e

    def _read(self, subdir, suffix):
        loaded = self._load(subdir, suffix)
        return None if loaded is None else loaded[0]

    def previous(self, subdir):
        """The account's last JSON report, or {} when there is none; StoreError when it cannot be trusted or read."""
        previous = self._read(subdir, SUFFIXES["json"])
        return previous if isinstance(previous, dict) else {}

    def _write(self, subdir, texts):
        """Replace each (file name, text) of ``texts`` in the account's directory (the base for ""); whether any
        changed."""
        changed = False
        with self._opened(subdir) as directory:
            for file_name, text in texts:
                try:
                    changed = write_file(directory, file_name, text, self.mode) or changed
                except ReportFileError as e:
                    raise StoreError(str(e)) from e
        return changed

    def write_account(self, subdir, report_text, markdown_text):
        changed = self._write(
            subdir, [(self.name + SUFFIXES["json"], report_text), (self.name + SUFFIXES["markdown"], markdown_text)]
        )
        paths = self.paths(subdir)
        return {"json": paths["json"], "markdown": paths["markdown"]}, changed

    def write_state(self, subdir, state):
        self._write(subdir, [(self.name + SUFFIXES["state"], to_json(state))])
        return self.paths(subdir)["state"]

    def states(self, digests=None):
        """({file path: parsed state}, [problems]) of the base's own account and of each account directory under it;
        a directory or state that cannot be trusted or read is a problem, not a state.  ``digests``, a dict, gets
        {account directory ("" for the base): digest of the bytes read} of each state found."""
        found, problems = {}, []
        try:
            entries = sorted(os.listdir(self.base))
        except OSError:
            return found, problems
        for subdir in [""] + [
            entry
            for entry in entries
            if os.path.isdir(os.path.join(self.base, entry)) and not os.path.islink(os.path.join(self.base, entry))
        ]:
            try:
                loaded = self._load(subdir, SUFFIXES["state"])
            except StoreError as e:
                problems.append(str(e))
                continue
            if loaded is not None and isinstance(loaded[0], dict):
                found[self.paths(subdir)["state"]] = loaded[0]
                if digests is not None:
                    digests[subdir] = digest(loaded[1])
        return found, problems

    @contextlib.contextmanager
    def lock(self):
        """An exclusive lock on the directory itself (flock on it, no lock file), held while the summary is rebuilt."""
        with self._opened("") as directory:
            try:
                fd = os.open(directory.path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            except OSError as e:
                raise StoreError("cannot lock the report directory %s: %s" % (self.base, e.strerror or e)) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def summary_files(self, summary_name):
        base = os.path.join(self.base, _checked_name(summary_name))
        return {"json": base + ".json", "markdown": base + ".md"}

    def write_summary(self, summary_name, json_text, markdown_text):
        name = _checked_name(summary_name)
        changed = self._write("", [(name + ".json", json_text), (name + ".md", markdown_text)])
        return self.summary_files(summary_name), changed

    def write_file(self, file_name, text):
        """Replace the file ``file_name`` of the base directory with ``text``, as the summary is; whether it changed."""
        return self._write("", [(_checked_name(file_name), text)])


class S3Store:
    """Reports, states and the summary as objects under ``s3://<bucket>/<prefix>/``."""

    def __init__(self, client, bucket, prefix, report_name):
        self.client = client
        self.bucket = bucket
        self.prefix = "/".join(part for part in (prefix or "").split("/") if part)
        self.name = _checked_name(report_name)

    def key(self, subdir, file_name):
        return "/".join(part for part in (self.prefix, subdir, file_name) if part)

    def url(self, key):
        return "s3://%s/%s" % (self.bucket, key)

    def _fail(self, action, key, error):
        code = getattr(error, "response", {}).get("Error", {}).get("Code") if hasattr(error, "response") else None
        raise StoreError("cannot %s %s: %s" % (action, self.url(key), code or error)) from error

    def _get(self, key):
        """The object's text, or None when there is no such object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"].read().decode("utf-8")
        except botocore.exceptions.ClientError as e:
            if e.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            self._fail("read", key, e)
        except (botocore.exceptions.BotoCoreError, UnicodeDecodeError) as e:
            self._fail("read", key, e)

    def _put(self, key, text, content_type):
        try:
            self.client.put_object(Bucket=self.bucket, Key=key, Body=text.encode("utf-8"), ContentType=content_type)
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self._fail("write", key, e)
        return self.url(key)

    def previous(self, subdir):
        text = self._get(self.key(subdir, self.name + SUFFIXES["json"]))
        return (_parse(text) or {}) if text else {}

    def write_account(self, subdir, report_text, markdown_text):
        return {
            "json": self._put(self.key(subdir, self.name + SUFFIXES["json"]), report_text, "application/json"),
            "markdown": self._put(self.key(subdir, self.name + SUFFIXES["markdown"]), markdown_text, "text/markdown"),
        }

    def write_state(self, subdir, state):
        return self._put(self.key(subdir, self.name + SUFFIXES["state"]), to_json(state), "application/json")

    def states(self):
        """({s3 URL: parsed state}, [problems]) of every account state under the prefix (the prefix's own and one
        level down)."""
        suffix = self.name + SUFFIXES["state"]
        start = self.prefix + "/" if self.prefix else ""
        keys = []
        try:
            for entry in paginate(self.client, "list_objects_v2", "Contents", Bucket=self.bucket, Prefix=start):
                rest = entry["Key"][len(start) :].split("/")
                if rest[-1] == suffix and len(rest) <= 2:
                    keys.append(entry["Key"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self._fail("list", start, e)
        found, problems = {}, []
        for key in keys:
            state = _parse(self._get(key) or "")
            if state is not None:
                found[self.url(key)] = state
            else:
                problems.append("%s is not a JSON object" % self.url(key))
        return found, problems

    def write_summary(self, summary_name, json_text, markdown_text):
        base = self.key("", _checked_name(summary_name))
        return {
            "json": self._put(base + ".json", json_text, "application/json"),
            "markdown": self._put(base + ".md", markdown_text, "text/markdown"),
        }
