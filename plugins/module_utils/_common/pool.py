# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one function per item on a bounded pool of threads (``max_concurrency`` of the listing tasks).

The threads share one (thread-safe) botocore client; build it with ``client.client_config(max_workers)`` so that
every worker has its own HTTP connection.
"""

from concurrent.futures import ThreadPoolExecutor

DEFAULT_WORKERS = 10
MAX_WORKERS = 50


def concurrency_problem(value, option="max_concurrency"):
    """What is wrong with a ``max_concurrency`` option, as a message, or None."""
    if not 1 <= value <= MAX_WORKERS:
        return "%s must be between 1 and %d, not %d" % (option, MAX_WORKERS, value)
    return None


def map_bounded(function, items, max_workers, thread_name_prefix="mfaops"):
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
