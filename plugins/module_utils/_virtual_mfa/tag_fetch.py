# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The tags of many virtual MFA devices at once: ListMFADeviceTags on a bounded pool of threads.

ListVirtualMFADevices returns no tags, so an account of N devices needs N ListMFADeviceTags calls.  They are
independent, so they run side by side on at most ``max_workers`` threads sharing one (thread-safe) botocore
client; each call is ``api.list_tags``, paginated and retried with jittered backoff on Throttling (RETRY).
The answer is a dict keyed by serial number, so it does not depend on the order in which the calls finish.
"""

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code

from . import api

DEFAULT_WORKERS = 10
MAX_WORKERS = 50


def pool_config(max_workers):
    """botocore client settings that give every worker its own HTTP connection (botocore keeps 10 by default)."""
    return {"max_pool_connections": max(10, max_workers)}


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
    workers = max(1, min(int(max_workers), len(serial_numbers)))
    if workers == 1:
        return {serial: _tags_or_none(client, serial) for serial in serial_numbers}
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mfa-tags")
    futures = []
    try:
        futures = [executor.submit(_tags_or_none, client, serial) for serial in serial_numbers]
        return {serial: future.result() for serial, future in zip(serial_numbers, futures)}
    finally:
        for future in futures:
            future.cancel()
        executor.shutdown(wait=True)
