# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Task results of the collection's controller-side actions."""


def failed_result(error):
    """The task result of an AnsibleActionFail, the same on every ansible-core (2.21 no longer puts failed and msg in
    the exception's result); without the 'exception' key ansible-core 2.17 fills with an empty traceback."""
    result = {key: value for key, value in dict(getattr(error, "result", None) or {}).items() if key != "exception"}
    result.update(failed=True, msg=error.message)
    result.setdefault("changed", False)
    return result
