# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the audit keeps each account's report and state, and the organization summary: a directory on the
controller, an S3 bucket and prefix, or both.

Layout (the same in both): ``<base>/<account directory>/<name>.json`` (the report), ``.md`` (the people's view),
``.state.json`` (the account's audit state, module_utils/_audit/states.py), and ``<base>/<summary name>.json`` and
``.md``.  The account directory is naming.account_directory's (the account id), or "" for a single account written
straight into the base; paths are built with naming.child_path, so no name leaves the base directory.  Files are
replaced atomically (_report_files); the summary is rebuilt under an exclusive lock on the directory (``lock``), so
hosts that finish at the same time each write a complete summary, the last one the final one.
"""

import contextlib
import fcntl
import json
import os

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import child_path
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ReportFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import ensure_directory
from ansible_collections.mfaops.iam.plugins.plugin_utils._report_files import write_file

try:
    import botocore.exceptions
except ImportError:  # amazon.aws reports the missing SDK when the client is built
    pass

SUFFIXES = {"json": ".json", "markdown": ".md", "state": ".state.json"}
LOCK_NAME = ".mfa_audit.lock"


class StoreError(Exception):
    """A report, state or summary could not be read or written; the message says which and why."""


def to_json(value):
    return json.dumps(value, indent=4, sort_keys=True) + "\n"


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
    """Reports, states and the summary in a directory on the controller."""

    def __init__(self, base, report_name, mode):
        self.base = base
        self.name = _checked_name(report_name)
        self.mode = mode

    def _directory(self, subdir):
        try:
            return child_path(self.base, subdir) if subdir else self.base
        except ValueError as e:
            raise StoreError("the account directory %s" % e) from e

    def paths(self, subdir):
        directory = self._directory(subdir)
        return {kind: os.path.join(directory, self.name + suffix) for kind, suffix in SUFFIXES.items()}

    def previous(self, subdir):
        """The account's last JSON report, or {} (none, unreadable, or not a JSON object)."""
        try:
            fd = os.open(self.paths(subdir)["json"], os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, encoding="utf-8") as handle:
                return _parse(handle.read()) or {}
        except (OSError, UnicodeDecodeError):
            return {}

    def _write(self, path, text):
        try:
            ensure_directory(os.path.dirname(path))
            return write_file(path, text, self.mode)
        except ReportFileError as e:
            raise StoreError(str(e)) from e

    def write_account(self, subdir, report_text, markdown_text):
        paths = self.paths(subdir)
        changed = self._write(paths["json"], report_text)
        changed = self._write(paths["markdown"], markdown_text) or changed
        return {"json": paths["json"], "markdown": paths["markdown"]}, changed

    def write_state(self, subdir, state):
        self._write(self.paths(subdir)["state"], to_json(state))
        return self.paths(subdir)["state"]

    def states(self):
        """{file path: parsed state} of the base's own account and of each account directory under it."""
        suffix = self.name + SUFFIXES["state"]
        found = {}
        try:
            entries = sorted(os.listdir(self.base))
        except OSError:
            return found
        candidates = [os.path.join(self.base, suffix)] + [os.path.join(self.base, entry, suffix) for entry in entries]
        for path in candidates:
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with os.fdopen(fd, encoding="utf-8") as handle:
                    state = _parse(handle.read())
            except (OSError, UnicodeDecodeError):
                continue
            if state is not None:
                found[path] = state
        return found

    @contextlib.contextmanager
    def lock(self):
        """An exclusive lock on the directory (a lock file in it), held while the summary is rebuilt."""
        try:
            ensure_directory(self.base)
            fd = os.open(os.path.join(self.base, LOCK_NAME), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except (OSError, ReportFileError) as e:
            raise StoreError("cannot lock the report directory %s: %s" % (self.base, getattr(e, "strerror", None) or e)) from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def write_summary(self, summary_name, json_text, markdown_text):
        base = os.path.join(self.base, _checked_name(summary_name))
        changed = self._write(base + ".json", json_text)
        changed = self._write(base + ".md", markdown_text) or changed
        return {"json": base + ".json", "markdown": base + ".md"}, changed


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
        """{s3 URL: parsed state} of every account state under the prefix (the prefix's own and one level down)."""
        suffix = self.name + SUFFIXES["state"]
        start = self.prefix + "/" if self.prefix else ""
        keys = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=start):
                for entry in page.get("Contents", []):
                    rest = entry["Key"][len(start):].split("/")
                    if rest[-1] == suffix and len(rest) <= 2:
                        keys.append(entry["Key"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            self._fail("list", start, e)
        found = {}
        for key in keys:
            state = _parse(self._get(key) or "")
            if state is not None:
                found[self.url(key)] = state
        return found

    def write_summary(self, summary_name, json_text, markdown_text):
        base = self.key("", _checked_name(summary_name))
        return {"json": self._put(base + ".json", json_text, "application/json"),
                "markdown": self._put(base + ".md", markdown_text, "text/markdown")}
