# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""IAM path prefixes (the PathPrefix of ListUsers and the filters of the listing tasks)."""

import re

# '/' then printable ASCII, at most 512 characters in all (IAM's pattern for PathPrefix).
_PATH_PREFIX = re.compile(r"/[\x21-\x7E]{0,511}")


def path_prefix_problem(prefix, option="path_prefix"):
    """What is wrong with ``prefix`` as an IAM path prefix, as a message naming ``option``, or None."""
    if isinstance(prefix, str) and _PATH_PREFIX.fullmatch(prefix):
        return None
    return "%s %r is not an IAM path prefix ('/' then printable ASCII, at most 512 characters)" % (option, prefix)
