# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Names the collection derives from what AWS returns: host names, OU group names, directory names; and the one
place that marks AWS strings as data (never a template).

Account and OU names are chosen by whoever administers an organization, and Organizations allows almost any
printable character in them (``{{ }}``, ``/``, ``..``, case twins). Each function here maps such names to something
that is safe where it is used and unique where it must be:

- ``host_names``: inventory host names, of ``[A-Za-z0-9_.-]`` only (no pattern, range, template or path syntax),
  unique after every rename;
- ``ou_child_path``: the path of an OU from its parent's, one path per distinct OU;
- ``ou_group_names``: one group per distinct OU path, never two OUs in one group;
- ``account_directory``: the directory of an account under a base directory, its account id (stable across
  renames), or a reversible escape of the host name for a host that is not an AWS account;
- ``child_path``: a path under a base directory that cannot leave it;
- ``mark_unsafe``: strings that came from AWS, marked so that no ansible-core version templates them.
"""

import hashlib
import os
import re

ACCOUNT_ID = re.compile(r"[0-9]{12}")
_HOST_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_GROUP_UNSAFE = re.compile(r"[^a-z0-9_]")
_DIRECTORY_KEEP = re.compile(r"[a-z0-9_-]")
HOST_DIRECTORY_PREFIX = "host_"


def safe_host_name(text):
    """``text`` with every character other than A-Z, a-z, 0-9, ``_``, ``.`` and ``-`` replaced by ``_``."""
    return _HOST_UNSAFE.sub("_", text.strip())


# Names that mean something else in an inventory: the implicit localhost and the two groups every inventory has.
RESERVED_HOST_NAMES = frozenset(("localhost", "all", "ungrouped"))


def unique_names(preferred, ids, reserved=frozenset()):
    """(names, clashes): ``preferred[i]`` where no other entry prefers the same name and it is not ``reserved``;
    otherwise ``<name>_<ids[i]>``, then ``<name>_<ids[i]>_2``, ... until the name is taken by no entry at all (neither
    a preferred name kept as it is nor an earlier rename) and is not reserved. ``clashes`` lists the preferred names
    that were shared or reserved."""
    counts = {}
    for name in preferred:
        counts[name] = counts.get(name, 0) + (2 if name in reserved and name not in counts else 1)
    taken = {name for name, count in counts.items() if count == 1} | set(reserved)
    names = []
    for name, ident in zip(preferred, ids):
        if counts[name] == 1:
            names.append(name)
            continue
        candidate, number = "%s_%s" % (name, ident), 2
        while candidate in taken:
            candidate, number = "%s_%s_%d" % (name, ident, number), number + 1
        taken.add(candidate)
        names.append(candidate)
    return names, sorted(name for name, count in counts.items() if count > 1)


def host_names(rendered, ids, groups=()):
    """(names, clashes): the inventory host name of each account, from ``rendered`` (its host name template's
    result) and ``ids`` (its account id): made safe (``safe_host_name``; an empty result is the id), then unique
    (``unique_names``) and never one of ``groups`` (the inventory's group names) nor RESERVED_HOST_NAMES."""
    preferred = [safe_host_name(text) or ident for text, ident in zip(rendered, ids)]
    return unique_names(preferred, ids, RESERVED_HOST_NAMES | frozenset(groups))


def ou_child_path(parent_path, name):
    """The path of the OU (or root) ``name`` under ``parent_path`` (``/`` for a root): ``/Root/`` then
    ``/Root/Production/``. A ``%`` or ``/`` inside the name is written ``%25`` or ``%2F``, so that distinct OUs never
    share a path: an OU named ``Prod/Web`` under the root is ``/Root/Prod%2FWeb/``, not the OU Web under Prod."""
    return "%s%s/" % (parent_path, name.replace("%", "%25").replace("/", "%2F"))


def _group_part(name):
    return _GROUP_UNSAFE.sub("_", name.lower())


def _ou_chain(path):
    """The OU paths from the outermost OU to ``path`` itself, as (exact path, readable group suffix) pairs."""
    names = [part for part in (path or "").split("/") if part]
    if not names:
        return []
    if len(names) == 1:
        return [("/%s/" % names[0], _group_part(names[0]))]
    chain = []
    for depth in range(2, len(names) + 1):
        chain.append(("/%s/" % "/".join(names[:depth]), "_".join(_group_part(name) for name in names[1:depth])))
    return chain


def ou_group_names(paths, prefix):
    """{exact OU path: group name} for every OU on the way to each of ``paths``: ``/Root/Production/Web/`` gives
    ``/Root/Production/`` -> ``ou_production`` and ``/Root/Production/Web/`` -> ``ou_production_web``; an account
    directly under the root is in ``ou_root``. Two distinct OU paths that would share a group name (``/Root/Prod/Web/``
    and ``/Root/Prod_Web/``, or case twins) each get ``_<8 hex digits of the path's SHA-256>`` instead."""
    readable = {}
    for path in paths:
        for exact, suffix in _ou_chain(path):
            readable[exact] = prefix + suffix
    by_name = {}
    for exact, name in readable.items():
        by_name.setdefault(name, []).append(exact)
    groups = {}
    for name, exacts in by_name.items():
        for exact in exacts:
            groups[exact] = name if len(exacts) == 1 else "%s_%s" % (name, hashlib.sha256(exact.encode()).hexdigest()[:8])
    return groups


def ou_group_chain(path, groups):
    """The group names of ``path``'s OUs, outermost first, from ``ou_group_names``' mapping."""
    return [groups[exact] for exact, _suffix in _ou_chain(path)]


def account_directory(account_id=None, host=None):
    """The directory name of an account under a base directory: its 12-digit account id (unique, and stable when the
    account is renamed); for a host that is not an AWS account (no id), ``host_`` and the host name with every
    character other than a-z, 0-9, ``_`` and ``-`` written as ``%XX`` (so never ``.``, ``..``, a ``/`` or a case
    twin of another). ValueError when there is neither."""
    if account_id is not None and str(account_id) != "":
        text = str(account_id)
        if not ACCOUNT_ID.fullmatch(text):
            raise ValueError("%r is not a 12-digit account id" % (account_id,))
        return text
    if not host:
        raise ValueError("an account directory needs an account id or a host name")
    escaped = "".join(char if _DIRECTORY_KEEP.fullmatch(char) else "".join("%%%02X" % byte for byte in char.encode())
                      for char in str(host))
    return HOST_DIRECTORY_PREFIX + escaped


_HOST_DIRECTORY = re.compile(r"%s(?:[a-z0-9_-]|%%[0-9A-F]{2})+" % HOST_DIRECTORY_PREFIX)


def is_account_directory(name):
    """Whether ``name`` is a name account_directory gives: an account id, or ``host_`` and an escaped host name."""
    return bool(ACCOUNT_ID.fullmatch(name) or _HOST_DIRECTORY.fullmatch(name))


def child_path(base, *names):
    """``base``/``names``..., each name a single path component (not empty, ``.``, ``..``, nor holding a ``/`` or a
    NUL); ValueError otherwise, or when the result, symlinks resolved, is not inside ``base``."""
    for name in names:
        if not name or name in (".", "..") or "/" in name or os.sep in name or "\0" in name:
            raise ValueError("%r is not a plain file or directory name" % (name,))
    path = os.path.join(base, *names)
    real_base = os.path.realpath(base)
    real = os.path.realpath(path)
    if os.path.commonpath([real_base, real]) != real_base:
        raise ValueError("%s is outside %s" % (path, base))
    return path


try:  # ansible-core >= 2.19: a string is a template only when marked trusted (trust_as_template); data stays data
    from ansible.template import trust_as_template as _trust_as_template  # noqa: F401 pylint: disable=unused-import

    def mark_unsafe(value):
        """``value`` unchanged: ansible-core 2.19 and later never template a string that was not trusted."""
        return value

except ImportError:  # ansible-core < 2.19 templates any string that holds {{ }} unless it is marked unsafe
    from ansible.utils.unsafe_proxy import wrap_var

    def mark_unsafe(value):
        """``value`` with every string in it (keys included) marked unsafe: never templated."""
        return wrap_var(value)
