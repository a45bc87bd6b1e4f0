# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times as the collection writes them: UTC, to the second, ``YYYY-MM-DDTHH:MM:SSZ`` (tags, reports, markers);
AWS's own datetimes (EnableDate, JoinedTimestamp) as botocore's ISO text."""

import datetime
import re

STAMP = "%Y-%m-%dT%H:%M:%SZ"
_STAMP_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def naive_utcnow():
    """Now in UTC without a time zone, as the audit's age arithmetic (states, the summary's record) takes it."""
    return utcnow().replace(tzinfo=None)


def stamp(when=None):
    """``when`` as STAMP text: an aware datetime (converted to UTC), a naive one (taken as UTC), STAMP text (checked,
    ValueError otherwise), or None for now."""
    if when is None:
        when = utcnow()
    elif isinstance(when, str):
        when = parse_stamp(when)
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime(STAMP)


def parse_stamp(value):
    """STAMP text (exactly: zero-padded, ``Z``) as an aware UTC datetime; ValueError for anything else."""
    if not isinstance(value, str) or not _STAMP_TEXT.fullmatch(value):
        raise ValueError("%r is not a UTC time as YYYY-MM-DDTHH:MM:SSZ" % (value,))
    return datetime.datetime.strptime(value, STAMP).replace(tzinfo=datetime.timezone.utc)


def iso(value):
    """A datetime of botocore's answers as ISO 8601 text; anything else (None, text already) unchanged."""
    return value.isoformat() if hasattr(value, "isoformat") else value
