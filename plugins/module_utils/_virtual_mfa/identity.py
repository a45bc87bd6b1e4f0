# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which device a task means: name and path, or serial number (the device ARN), validated as IAM would."""

import re

from ansible_collections.amazon.aws.plugins.module_utils.iam import validate_iam_identifiers

from .._common.arn import partition_and_account

# IAM's patterns are Java regular expressions, where \w is ASCII only; they must match the whole value (fullmatch).
_NAME = re.compile(r"[\w+=,.@-]{1,226}", re.ASCII)
_PATH = re.compile(r"/|/[\x21-\x7E]+/")
_SERIAL = re.compile(
    r"arn:(?P<partition>aws[\w-]*):iam::(?P<account>\d{12}):mfa(?P<path>/(?:[\x21-\x7E]+/)?)(?P<name>[\w+=,.@-]+)", re.ASCII)
# What EnableMFADevice, ResyncMFADevice, DeactivateMFADevice, DeleteVirtualMFADevice and the tag calls accept as
# SerialNumber: fewer characters than a path may hold, and at most 256 of them.
_SERIAL_CHARS = re.compile(r"[\w+=/:,.@-]+", re.ASCII)
MAX_SERIAL_LENGTH = 256
_SHORTEST_ARN_PREFIX = "arn:aws:iam::123456789012:mfa"
ROOT_DEVICE_NAME = "root-account-mfa-device"


class DeviceId:
    """The identity of one virtual MFA device; ``serial_number`` is None until the device is known."""

    def __init__(self, name, path, serial_number=None):
        self.name = name
        self.path = path
        self.serial_number = serial_number

    def matches(self, serial_number):
        """True for this device's serial number: the same path and name, compared as parsed (a suffix test would take
        a device at path /x:mfa/ for one at /)."""
        if self.serial_number is not None:
            return serial_number == self.serial_number
        other = parse_serial(serial_number)
        return other is not None and (other.path, other.name) == (self.path, self.name)


def name_problem(name):
    if not _NAME.fullmatch(name):
        return "name %r is not a valid virtual MFA device name (1-226 characters of letters, digits and +=,.@_-)" % name
    return None


def user_problem(user, option="user"):
    """amazon.aws's IAM user name check (at most 64 characters of [\\w+=,.@-]), with \\w as IAM means it: ASCII."""
    problem = validate_iam_identifiers("user", name=user) if user.isascii() else "user name must be ASCII"
    if problem:
        return "%s %r is not a valid IAM user name: %s" % (option, user, problem)
    return None


def path_problem(path):
    if len(path) > 512 or not _PATH.fullmatch(path):
        return "path %r is not a valid IAM path ('/' or '/.../' with printable ASCII, at most 512 characters)" % path
    return None


def serial_problem(name, path):
    """What makes the serial number of a device ``name`` at ``path`` (both valid) unusable, or None: IAM creates
    such a device, but could never enable, deactivate or delete it."""
    bad = sorted({char for char in path if not _SERIAL_CHARS.fullmatch(char)})
    if bad:
        return (
            "path %r has characters (%s) that IAM accepts in a path but not in a serial number: a device there could "
            "never be enabled, deactivated or deleted" % (path, " ".join(bad)))
    length = len(_SHORTEST_ARN_PREFIX) + len(path) + len(name)
    if length > MAX_SERIAL_LENGTH:
        return (
            "name and path make a serial number (arn:aws:iam::<account id>:mfa<path><name>) of %d characters; IAM accepts "
            "at most %d in the calls that enable, deactivate and delete a device" % (length, MAX_SERIAL_LENGTH))
    return None


def is_virtual_device_serial(serial_number):
    """True for the ARN of a virtual MFA device; False for hardware tokens (serials that are not ARNs) and FIDO keys
    (``...:u2f/...``), which ListMFADevices also returns."""
    return _SERIAL.fullmatch(serial_number or "") is not None


def parse_serial(serial_number):
    """The DeviceId of a virtual MFA device ARN (the root user's included), or None."""
    match = _SERIAL.fullmatch(serial_number or "")
    if not match:
        return None
    return DeviceId(match.group("name"), match.group("path"), serial_number)


def from_serial_number(serial_number):
    """The DeviceId of an ARN, or raise ValueError naming what is wrong with it."""
    match = _SERIAL.fullmatch(serial_number)
    if not match:
        raise ValueError(
            "serial_number %r is not the ARN of a virtual MFA device (arn:aws:iam::<account id>:mfa/<path><name>)"
            % serial_number
        )
    if match.group("name") == ROOT_DEVICE_NAME and match.group("path") == "/":
        raise ValueError(
            "serial_number %r is the root user's MFA device, which cannot be managed through the IAM API" % serial_number
        )
    return DeviceId(match.group("name"), match.group("path"), serial_number)


def account_id(serial_number):
    """The account ID in an IAM ARN."""
    return partition_and_account(serial_number)[1]
