# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of iam_virtual_mfa's input that IAM would otherwise reject mid-run: all done before any AWS call."""

import re
import unicodedata

from .identity import from_serial_number
from .identity import name_problem
from .identity import path_problem
from .identity import serial_problem
from .identity import user_problem
from .plan import MAX_TAGS
from .totp import normalize_seed

_CODE = re.compile(r"\d{6}", re.ASCII)
# IAM tag keys and values: [\p{L}\p{Z}\p{N}_.:/=+\-@] (letters, separators such as spaces, numbers, and these).
_TAG_PUNCTUATION = frozenset("_.:/=+-@")


def _tag_text_ok(text):
    return all(char in _TAG_PUNCTUATION or unicodedata.category(char)[0] in "LZN" for char in text)


def tag_type_problem(option, tags):
    """Tag keys and values must be strings, as IAM stores them: a YAML ``owner:`` (null), ``5`` or ``true`` would
    otherwise be stored as some text and compared as another on the next run. Both modules refuse them alike."""
    for key, value in tags.items():
        if not isinstance(key, str):
            return "%s: key %r is a %s; tag keys are strings: quote it" % (option, key, _yaml_type(key))
        if not isinstance(value, str):
            hint = "quote it ('%s: \"\"' for an empty value)" % key if value is None else "quote it"
            return "%s: the value of %r is %s, not a string; IAM tag values are strings: %s" % (
                option, key, "null" if value is None else "a %s (%r)" % (_yaml_type(value), value), hint)
    return None


def _yaml_type(value):
    """The YAML name of ``value``'s type, whatever subclass ansible-core made of it (2.19's _AnsibleTaggedInt)."""
    for kind, name in ((bool, "boolean"), (int, "number"), (float, "number"), (str, "string"), (list, "list"),
                       (dict, "mapping")):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def tags_problem(tags):
    if tags is None:
        return None
    problem = tag_type_problem("tags", tags)
    if problem:
        return problem
    if len(tags) > MAX_TAGS:
        return "tags: %d tags given, IAM allows at most %d on a virtual MFA device" % (len(tags), MAX_TAGS)
    seen = {}
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            return "tags: key %r must be 1-128 characters long" % key[:140]
        if key.lower().startswith("aws:"):
            return "tags: key %r uses the reserved prefix 'aws:'" % key
        if len(value) > 256:
            return "tags: the value of %r is %d characters long, IAM allows at most 256" % (key, len(value))
        if not _tag_text_ok(key):
            return "tags: key %r has characters IAM does not accept (letters, digits, spaces and _.:/=+-@)" % key
        if not _tag_text_ok(value):
            return "tags: the value of %r has characters IAM does not accept (letters, digits, spaces and _.:/=+-@)" % key
        if key.lower() in seen:
            return "tags: keys %r and %r differ only in case; IAM tag keys are case-insensitive" % (seen[key.lower()], key)
        seen[key.lower()] = key
    return None


def codes_problem(params):
    for option in ("authentication_code_1", "authentication_code_2"):
        if params.get(option) is not None and not _CODE.fullmatch(params[option]):
            return "%s must be exactly six digits" % option
    return None


def options_problem(params):
    state = params["state"]
    for option in ("resync", "reassign"):
        if params[option] and state != "enabled":
            return "%s=true only applies to state=enabled, not state=%s" % (option, state)
    if params.get("authentication_code_1") is not None and state != "enabled":
        return "authentication_code_1/authentication_code_2 only apply to state=enabled, not state=%s" % state
    if params.get("user_name") is not None and state not in ("enabled",):
        return "user_name only applies to state=enabled (state=%s leaves or makes the device unassigned)" % state
    return None


def seed_problem(seed):
    if seed is None:
        return None
    try:
        normalize_seed(seed)
    except ValueError as e:
        return "seed: %s" % e
    return None


def first_problem(params):
    """The first thing wrong with the task's options, as a message, or None. Never includes the seed."""
    checks = [lambda: options_problem(params), lambda: codes_problem(params), lambda: tags_problem(params.get("tags"))]
    if params.get("name") is not None:
        checks[:0] = [
            lambda: name_problem(params["name"]), lambda: path_problem(params["path"]),
            lambda: serial_problem(params["name"], params["path"]),
        ]
    if params.get("user_name") is not None:
        checks.append(lambda: user_problem(params["user_name"], "user_name"))
    checks.append(lambda: seed_problem(params.get("seed")))
    for check in checks:
        problem = check()
        if problem:
            return problem
    if params.get("serial_number") is not None:
        try:
            from_serial_number(params["serial_number"])
        except ValueError as e:
            return str(e)
    return None
