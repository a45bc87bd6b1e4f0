# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What user_mfa_account reads of an account, with the listing code of iam_user_mfa_info and iam_virtual_mfa_info:
the users (names only, ListUsers a page of 1,000 at a time) and the virtual MFA devices with their tags, side by
side; then, for the few users a device is to be enabled for, how many MFA devices each holds (ListMFADevices).
Errors raise MFAError naming the call."""

from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.api import mfa_devices_or_none
from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.collect import list_users
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import map_bounded
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.listing import account_devices


def read_account(client, max_workers):
    """(users, devices): iam_user_mfa_info's user dicts (devices_of=no_users, password_of=no_users) and
    iam_virtual_mfa_info's device dicts with tags, listed side by side."""
    listings = [lambda: list_users(client), lambda: account_devices(client, max_workers)]
    users, devices = map_bounded(lambda listing: listing(), listings, 2, thread_name_prefix="mfa-account")
    return users, devices


def count_mfa_devices(client, user_names, max_workers):
    """{user name: number of MFA devices of any kind the user holds}; 0 for a user deleted since it was listed."""
    counts = map_bounded(lambda name: len(mfa_devices_or_none(client, name) or []), user_names, max_workers)
    return dict(zip(user_names, counts))
