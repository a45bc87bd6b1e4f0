# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one function per item on a bounded pool of threads, as the tag fetch of iam_virtual_mfa_info does.

The threads share one (thread-safe) botocore client; size its connection pool with ``pool_config`` (from
``_virtual_mfa.tag_fetch``) so that every worker has its own HTTP connection.
"""

from concurrent.futures import ThreadPoolExecutor


def map_bounded(function, items, max_workers, thread_name_prefix="mfa-users"):
    """``[function(item) for item in items]``, at most ``max_workers`` calls at a time, in the items' order.

    With one worker (or one item) the calls run one after the other on this thread.  The first exception is raised
    once the calls already running have ended; calls not yet started are cancelled.
    """
    items = list(items)
    workers = max(1, min(int(max_workers), len(items)))
    if workers == 1:
        return [function(item) for item in items]
    executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=thread_name_prefix)
    futures = []
    try:
        futures = [executor.submit(function, item) for item in items]
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()
        executor.shutdown(wait=True)
