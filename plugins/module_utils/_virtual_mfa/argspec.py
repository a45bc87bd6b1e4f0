# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument spec of iam_virtual_mfa: the one its documentation describes, validated by its action plugin."""

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from .._assume_role import assume_role_spec

BOOTSTRAP_METHODS = ["QRCodePNG", "Base32StringSeed", "OtpauthURI"]


def argument_spec():
    """The task's own options (full_argument_spec adds amazon.aws's connection options)."""
    return dict(
        name=dict(type="str"),
        path=dict(type="str", default="/"),
        serial_number=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "enabled", "disabled", "absent"]),
        user_name=dict(type="str", aliases=["user"]),
        tags=dict(type="dict", aliases=["resource_tags"]),
        purge_tags=dict(type="bool", default=True),
        seed=dict(type="str", no_log=True),
        authentication_code_1=dict(type="str", no_log=True),
        authentication_code_2=dict(type="str", no_log=True),
        resync=dict(type="bool", default=False),
        reassign=dict(type="bool", default=False),
        on_missing_seed=dict(type="str", default="fail", choices=["fail", "recreate"]),
        bootstrap_file=dict(type="path"),
        bootstrap_method=dict(type="str", default="QRCodePNG", choices=BOOTSTRAP_METHODS),
        bootstrap_mode=dict(type="raw", default="0600"),
        issuer=dict(type="str", default="AWS"),
        label=dict(type="str"),
    )


MODULE_KWARGS = dict(
    mutually_exclusive=[["name", "serial_number"]],
    required_one_of=[["name", "serial_number"]],
    required_if=[["state", "enabled", ["user_name"]]],
    required_together=[["authentication_code_1", "authentication_code_2"]],
)


def full_argument_spec():
    """Everything the task accepts, amazon.aws's connection options and the role to assume included."""
    spec = aws_argument_spec()
    spec.update(assume_role_spec())
    spec.update(argument_spec())
    return spec
