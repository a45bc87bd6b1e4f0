# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which accounts the inventory keeps: by status, by organizational unit (with everything below it), by name or id,
and by tags.  Plain data in and out; the plugin decides what to list from ``ou_scope`` before any account call."""

from .records import account_id
from .records import normalize_path

OU_ID_PREFIXES = ("ou-", "r-")


def split_ou_filter(wanted):
    """(ids, paths) of the ``organizational_units`` option: ids start with ``ou-`` or ``r-``, paths with ``/``."""
    ids, paths = set(), set()
    for item in wanted or []:
        item = str(item).strip()
        if item.startswith(OU_ID_PREFIXES):
            ids.add(item)
        elif item.startswith("/"):
            paths.add(normalize_path(item))
        else:
            raise ValueError("organizational_units: %r is neither an OU id (ou-..., r-...) nor a path (/Root/...)" % item)
    return ids, paths


def ou_scope(nodes, wanted):
    """The nodes of ``ou_tree`` inside one of the ``wanted`` OUs (ids or paths) or below it, in the tree's order.

    All nodes when ``wanted`` is empty; ValueError naming any wanted OU the tree does not have.
    """
    if not wanted:
        return list(nodes)
    ids, paths = split_ou_filter(wanted)
    unknown = sorted((ids - {node["id"] for node in nodes}) | (paths - {node["path"] for node in nodes}))
    if unknown:
        raise ValueError("organizational_units: the organization has no OU %s" % ", ".join(unknown))
    tops = paths | {node["path"] for node in nodes if node["id"] in ids}
    return [node for node in nodes if any(node["path"].startswith(top) for top in tops)]


def path_in_scope(path, wanted):
    """For accounts listed in the ``accounts`` option: whether ``path`` is inside one of the ``wanted`` OU paths."""
    ids, paths = split_ou_filter(wanted)
    if ids:
        raise ValueError("organizational_units: OU ids (%s) need the Organizations listing; give paths with the "
                         "accounts option" % ", ".join(sorted(ids)))
    return bool(path) and any(path.startswith(top) for top in paths)


def status_matches(record, statuses):
    """Whether the account's status is one of ``statuses`` (any status when empty)."""
    return not statuses or (record["status"] or "").upper() in {str(status).upper() for status in statuses}


def exclusions(values):
    """The ``exclude_accounts`` option as a set of account names and ids. A string is either; an int (YAML's reading
    of an unquoted id) must be a 12-digit id; ValueError for anything else, naming the entry."""
    kept = set()
    for index, value in enumerate(values or []):
        where = "exclude_accounts[%d]" % index
        if isinstance(value, str):
            kept.add(str(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            kept.add(account_id(value, where))
        else:
            raise ValueError("%s: %s is neither an account name nor a 12-digit account id (a string)" % (where, value))
    return kept


def is_excluded(record, exclude):
    """Whether the account's id or name is in ``exclude`` (from ``exclusions``)."""
    return record["id"] in exclude or record["name"] in exclude


def _text(value):
    """A filter value as a tag value: YAML's true/false stay lower case."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def tags_match(tags, tag_filters):
    """Whether ``tags`` satisfy every filter: key -> value, or a list of values (any of them), or null (any value)."""
    tags = tags or {}
    for key, wanted in (tag_filters or {}).items():
        if key not in tags:
            return False
        if wanted is None:
            continue
        values = wanted if isinstance(wanted, list) else [wanted]
        if tags[key] not in [_text(value) for value in values]:
            return False
    return True
