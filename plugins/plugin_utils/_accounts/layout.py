# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether an account's files go to its own directory under the base directory, or straight into it.

The roles mfa_audit and user_mfa let the play choose (``auto``), by one rule: a play on one host that is no AWS
account of the inventory (localhost: the caller's own account) keeps its files straight in the base directory, as
earlier versions did; a play on several hosts, or a host of the inventory plugin aws_accounts (it has an account
id), gives each account its own directory (naming.account_directory), so that two accounts never share a file.
"""

from ansible.module_utils.parsing.convert_bool import boolean

AUTO = "auto"


def per_account(choice, account_id, play_hosts):
    """Whether the account's files go to its own directory.

    ``choice`` is a boolean (``True``, ``"yes"``, ``"false"``, ...) or ``"auto"``: true when ``play_hosts`` (the
    play's ``ansible_play_hosts_all``; None when unknown: this host alone) has more than one host, or when the host
    has an ``account_id``. None (an explicit null) is false, as user_mfa_account's option took it when it was a
    boolean. ValueError for any other choice.
    """
    if choice is None:
        return False
    if isinstance(choice, str) and choice.strip().lower() == AUTO:
        return len(play_hosts or ()) > 1 or (account_id is not None and str(account_id) != "")
    try:
        return boolean(choice, strict=True)
    except TypeError:
        raise ValueError("must be true, false or %s, not %r" % (AUTO, choice)) from None
