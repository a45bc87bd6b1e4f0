# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times as the collection writes them: UTC, to the second, ``YYYY-MM-DDTHH:MM:SSZ`` (tags, reports, markers);
AWS's own datetimes (EnableDate, JoinedTimestamp) as botocore's ISO text."""

import datetime

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


def stamp(when=None):
    """``when`` (an aware datetime, converted to UTC; a naive one is taken as UTC), or now, as STAMP text."""
    when = when or utcnow()
    if when.tzinfo is not None:
        when = when.astimezone(datetime.timezone.utc)
    return when.strftime(STAMP)


def parse_stamp(value):
    """STAMP text as an aware UTC datetime; ValueError for anything else."""
    return datetime.datetime.strptime(value, STAMP).replace(tzinfo=datetime.timezone.utc)


def iso(value):
    """A datetime of botocore's answers as ISO 8601 text; anything else (None, text already) unchanged."""
    return value.isoformat() if hasattr(value, "isoformat") else value
