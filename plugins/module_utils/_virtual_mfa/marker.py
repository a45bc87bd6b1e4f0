# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The provisioning marker: a tag that says "a run created this device and is still handing out its seed".

IAM records no creation date, and a device whose seed nobody holds looks exactly like one whose creator has not yet
written its bootstrap file.  So the run that creates a device tags it, in the CreateVirtualMFADevice call itself
(atomically), with MARKER_KEY = the UTC time of creation, and removes the tag once the seed is safe: after the enable
with state=enabled, after the bootstrap file is written otherwise.  ``on_missing_seed=recreate`` never deletes a
device whose marker is younger than GRACE_SECONDS: its creator may still be running.  A marker that old means the
creating run died (a killed process, a lost controller); the device is then fair game for a recreate.
"""

import datetime

from .._common.stamps import parse_stamp
from .._common.stamps import stamp

MARKER_KEY = "mfaops:provisioning"
GRACE_SECONDS = 900


def now_value(now=None):
    return stamp(now)


def marker_time(tags):
    """The creation time a marker records (aware datetime), None without a marker; ValueError when unreadable."""
    value = (tags or {}).get(MARKER_KEY)
    if value is None:
        return None
    return parse_stamp(value)


def provisioning(tags, now=None):
    """(busy, since): busy is True when the run that created this device may still be provisioning it (its marker is
    younger than GRACE_SECONDS, or unreadable); since is the marker's time (None when there is none or unreadable)."""
    if MARKER_KEY not in (tags or {}):
        return False, None
    try:
        since = marker_time(tags)
    except ValueError:
        return True, None
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (now - since).total_seconds() < GRACE_SECONDS, since


def without_marker(tags):
    return {key: value for key, value in (tags or {}).items() if key != MARKER_KEY}
