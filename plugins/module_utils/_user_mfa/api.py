# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM calls on users and their MFA state, one function each (all read-only but create_user); errors raise
MFAError naming the call.

``client`` is ``module.client("iam", retry_decorator=RETRY)``; every call passes ``aws_retry=True`` or goes through
``_virtual_mfa.api.paginate`` (botocore's paginator, pages of 1,000).
"""

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code

from .._virtual_mfa import api as mfa_api
from .._virtual_mfa.errors import MFAErrorHandler

get_user = mfa_api.get_user


def iter_users(client, path_prefix=None):
    """Yield every ListUsers entry (under ``path_prefix`` if given), a page of 1,000 per call."""
    kwargs = {} if path_prefix is None else {"PathPrefix": path_prefix}
    return mfa_api.paginate(client, "list_users", "Users", "list IAM users", **kwargs)


def mfa_devices_or_none(client, user_name):
    """Every ListMFADevices entry of the user (virtual, FIDO, hardware), or None when the user no longer exists."""
    try:
        return mfa_api.list_user_mfa_devices(client, user_name)
    except is_ansible_aws_error_code("NoSuchEntity"):
        return None


@MFAErrorHandler.common_error_handler("get the login profile of an IAM user")
def has_login_profile(client, user_name):
    """Whether the user has a console password (GetLoginProfile); NoSuchEntity means no."""
    try:
        client.get_login_profile(aws_retry=True, UserName=user_name)
    except is_boto3_error_code("NoSuchEntity"):
        return False
    return True


@MFAErrorHandler.common_error_handler("get the account summary")
def account_mfa_enabled(client):
    """GetAccountSummary's SummaryMap.AccountMFAEnabled: whether the root user has an MFA device of any kind."""
    return bool(client.get_account_summary(aws_retry=True)["SummaryMap"].get("AccountMFAEnabled"))


@MFAErrorHandler.common_error_handler("create IAM user")
def create_user(client, user_name):
    """CreateUser (path /, nothing else set); returns the new user as GetUser would."""
    return client.create_user(aws_retry=True, UserName=user_name)["User"]


def iter_assigned_virtual_devices(client):
    """Yield every assigned ListVirtualMFADevices entry (with its User), a page of 1,000 per call."""
    return mfa_api.iter_virtual_mfa_devices(client, "Assigned")
