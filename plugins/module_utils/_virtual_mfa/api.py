# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The IAM calls on virtual MFA devices, one function each, with retries and the operation named in errors.

``client`` is ``module.client("iam", retry_decorator=RETRY)``; every call passes ``aws_retry=True``.
``fresh=True`` marks calls on a device created in this run, which IAM may not know yet (eventual consistency).
"""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from .._common import paging
from .._common.arn import partition_and_account
from .errors import RETRY
from .errors import RETRY_FRESH
from .errors import MFAErrorHandler

# The largest page ListVirtualMFADevices allows.
PAGE_SIZE = 1000


def paginate(client, operation, result_key, description, retry=RETRY, **kwargs):
    """Yield the items of a paginated IAM call, a page of PAGE_SIZE per call (_common.paging), each page retried
    with ``retry`` on its own.  Errors raise MFAError naming ``description``, also while the caller iterates."""
    def fetch(function):
        return MFAErrorHandler.common_error_handler(description)(retry(function))

    return paging.paginate(client, operation, result_key, PAGE_SIZE, fetch, **kwargs)


def _call(client, method, fresh, **kwargs):
    operation = getattr(client, method)
    if fresh:
        return RETRY_FRESH(operation)(**kwargs)
    return operation(aws_retry=True, **kwargs)


@MFAErrorHandler.list_error_handler("get IAM user")
def get_user(client, user_name):
    """The GetUser answer's User, or None when there is no such user."""
    return client.get_user(aws_retry=True, UserName=user_name)["User"]


def list_user_mfa_devices(client, user_name):
    return list(paginate(client, "list_mfa_devices", "MFADevices", "list the MFA devices of an IAM user", UserName=user_name))


def iter_virtual_mfa_devices(client, assignment_status="Any"):
    """Yield every ListVirtualMFADevices entry, a page of PAGE_SIZE per call; stop iterating to stop calling."""
    return paginate(
        client, "list_virtual_mfa_devices", "VirtualMFADevices", "list virtual MFA devices", AssignmentStatus=assignment_status
    )


def list_tags(client, serial_number, fresh=False):
    retry = RETRY_FRESH if fresh else RETRY
    tags = paginate(
        client, "list_mfa_device_tags", "Tags", "list the tags of a virtual MFA device", retry, SerialNumber=serial_number
    )
    return boto3_tag_list_to_ansible_dict(list(tags))


@MFAErrorHandler.common_error_handler("create virtual MFA device")
def create_device(client, name, path, tags):
    """CreateVirtualMFADevice; returns (serial number, Base32 seed as text). The seed exists only here."""
    kwargs = {"VirtualMFADeviceName": name, "Path": path}
    if tags:
        kwargs["Tags"] = ansible_dict_to_boto3_tag_list(tags)
    device = client.create_virtual_mfa_device(**kwargs)["VirtualMFADevice"]
    seed = device["Base32StringSeed"]
    return device["SerialNumber"], seed.decode("ascii") if isinstance(seed, bytes) else seed


@MFAErrorHandler.common_error_handler("tag virtual MFA device")
def tag_device(client, serial_number, tags, fresh=False):
    _call(client, "tag_mfa_device", fresh, SerialNumber=serial_number, Tags=ansible_dict_to_boto3_tag_list(tags))


@MFAErrorHandler.common_error_handler("untag virtual MFA device")
def untag_device(client, serial_number, keys, fresh=False):
    _call(client, "untag_mfa_device", fresh, SerialNumber=serial_number, TagKeys=list(keys))


@MFAErrorHandler.common_error_handler("enable MFA device")
def enable_device(client, user_name, serial_number, codes, fresh=False):
    _call(
        client, "enable_mfa_device", fresh,
        UserName=user_name, SerialNumber=serial_number, AuthenticationCode1=codes[0], AuthenticationCode2=codes[1],
    )


@MFAErrorHandler.common_error_handler("resync MFA device")
def resync_device(client, user_name, serial_number, codes):
    _call(
        client, "resync_mfa_device", False,
        UserName=user_name, SerialNumber=serial_number, AuthenticationCode1=codes[0], AuthenticationCode2=codes[1],
    )


@MFAErrorHandler.common_error_handler("look up the AWS account")
def caller_account(sts_client):
    """(partition, account id) of the caller, from STS GetCallerIdentity."""
    return partition_and_account(sts_client.get_caller_identity()["Arn"])


@MFAErrorHandler.deletion_error_handler("deactivate MFA device")
def deactivate_device(client, user_name, serial_number, fresh=False):
    _call(client, "deactivate_mfa_device", fresh, UserName=user_name, SerialNumber=serial_number)
    return True


@MFAErrorHandler.deletion_error_handler("delete virtual MFA device")
def delete_device(client, serial_number, fresh=False):
    _call(client, "delete_virtual_mfa_device", fresh, SerialNumber=serial_number)
    return True
