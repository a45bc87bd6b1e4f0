# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every paginated AWS listing of the collection (IAM, Organizations, S3) goes through botocore's paginator here."""

# Items per chunk when the caller sets no page size (a chunk may then take several calls).
CHUNK = 1000


def paginate(client, operation, result_key, page_size=None, fetch=None, **kwargs):
    """Yield the items under ``result_key`` of the paginated ``operation``, a chunk at a time.

    Each chunk (``page_size`` items, one call, when the operation takes a page size; else up to CHUNK items) is
    fetched on its own and resumed with StartingToken, so ``fetch`` -- a wrapper of the fetching function, such as a
    retry decorator and an error handler -- retries a throttled chunk alone, and a caller that stops iterating makes
    no further calls.  Pages with no items but a NextToken (Organizations answers some) are followed.
    """
    paginator = client.get_paginator(operation)
    config = {"MaxItems": page_size or CHUNK}
    if page_size:
        config["PageSize"] = page_size
    while True:
        pages = paginator.paginate(**kwargs, PaginationConfig=dict(config))
        chunk = (fetch(pages.build_full_result) if fetch else pages.build_full_result)()
        yield from chunk.get(result_key) or []
        if not chunk.get("NextToken"):
            return
        config["StartingToken"] = chunk["NextToken"]
