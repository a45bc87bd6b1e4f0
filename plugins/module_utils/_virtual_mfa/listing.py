# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account's virtual MFA devices as iam_virtual_mfa_info lists them: ListVirtualMFADevices a page of 1,000 at a
time, filtered, then each device's tags (ListMFADeviceTags on a bounded pool).

Shared by the module iam_virtual_mfa_info (on the host that runs it) and the controller-side actions that list an
account in their own process (user_mfa_account), so both see the same devices in the same shape.
"""

from . import api
from .._common.pool import DEFAULT_WORKERS
from .tag_fetch import fetch_tags
from .transform import device_from_listing

ASSIGNMENT_STATUS = {"any": "Any", "assigned": "Assigned", "unassigned": "Unassigned"}
# No filter: every device of the account.
EVERY_DEVICE = dict(assignment_status="any", name=None, path_prefix=None, serial_number=None, user_name=None, tags=None)


def _listing_matches(device, params):
    """The filters that need no tags (so no call): name, path_prefix, serial_number, user_name."""
    return (
        (params["name"] is None or device["name"] == params["name"])
        and (params["path_prefix"] is None or device["path"].startswith(params["path_prefix"]))
        and (params["serial_number"] is None or device["serial_number"] == params["serial_number"])
        and (params["user_name"] is None or device["user_name"] == params["user_name"])
    )


def _tags_match(tags, wanted):
    return all(key in tags and tags[key] == value for key, value in wanted.items())


def list_devices(client, params):
    """The devices left by the filters that need no tags; ListVirtualMFADevices a page of 1,000 at a time."""
    status = params["assignment_status"]
    if params["user_name"] is not None:
        if status == "unassigned":
            return []
        status = "assigned"  # only assigned devices have a user: IAM need not list the others
    devices = []
    for entry in api.iter_virtual_mfa_devices(client, ASSIGNMENT_STATUS[status]):
        device = device_from_listing(entry)
        if _listing_matches(device, params):
            devices.append(device)
            if params["serial_number"] is not None:
                break  # serial numbers are unique: no further page is needed
    return devices


def add_tags(client, devices, params, max_workers=DEFAULT_WORKERS):
    """The devices with their tags, filtered by ``params['tags']``; devices deleted meanwhile are left out."""
    tags = fetch_tags(client, [device["serial_number"] for device in devices], max_workers)
    tagged = [dict(device, tags=tags[device["serial_number"]]) for device in devices if tags[device["serial_number"]] is not None]
    if params["tags"]:
        tagged = [device for device in tagged if _tags_match(device["tags"], params["tags"])]
    return tagged


def account_devices(client, max_workers=DEFAULT_WORKERS, include_tags=True):
    """Every virtual MFA device of the account (with its tags unless ``include_tags`` is false), by serial number."""
    devices = list_devices(client, EVERY_DEVICE)
    if include_tags:
        devices = add_tags(client, devices, EVERY_DEVICE, max_workers)
    return sorted(devices, key=lambda device: device["serial_number"])
