# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags of many virtual MFA devices at once: ListMFADeviceTags on a bounded pool of threads.

ListVirtualMFADevices returns no tags, so an account of N devices needs N ListMFADeviceTags calls.  They are
independent, so they run side by side on at most ``max_workers`` threads sharing one (thread-safe) botocore
client; each call is ``api.list_tags``, paginated and retried with jittered backoff on Throttling (RETRY).
The answer is a dict keyed by serial number, so it does not depend on the order in which the calls finish.
"""

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code

from .._common.pool import DEFAULT_WORKERS
from .._common.pool import map_bounded
from . import api


def _tags_or_none(client, serial_number):
    """The device's tags, or None when it was deleted since it was listed (NoSuchEntity)."""
    try:
        return api.list_tags(client, serial_number)
    except is_ansible_aws_error_code("NoSuchEntity"):
        return None


def fetch_tags(client, serial_numbers, max_workers=DEFAULT_WORKERS):
    """{serial number: tags dict, or None for a device that no longer exists}, one ListMFADeviceTags per device.

    With one worker (or one device) the calls are made one after the other on this thread.  The first failure
    (an MFAError naming the operation, after the retries) is raised once the calls already running have ended;
    calls not yet started are cancelled.
    """
    serial_numbers = list(serial_numbers)
    tags = map_bounded(lambda serial: _tags_or_none(client, serial), serial_numbers, max_workers, "mfa-tags")
    return dict(zip(serial_numbers, tags))
