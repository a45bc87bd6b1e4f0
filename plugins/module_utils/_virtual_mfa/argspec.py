# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument spec of iam_virtual_mfa, shared by the module and its action plugin."""

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

BOOTSTRAP_METHODS = ["QRCodePNG", "Base32StringSeed", "OtpauthURI"]

# Options that only the action plugin (on the controller) reads; it removes them before calling the module.
CONTROLLER_OPTIONS = ("bootstrap_file", "bootstrap_method", "bootstrap_mode", "issuer", "label")

# Private options the action plugin sets for the module (hidden: leading underscore).
SEAL_KEY = "_seal_key"
CREATE_REFUSAL = "_create_refusal"
CODES_AHEAD = "_codes_ahead"
DEFER_ENABLE = "_defer_enable"
JUST_CREATED = "_just_created"

# The private result key under which the module hands the sealed seed to the action plugin.
BOOTSTRAP_RESULT_KEY = "__bootstrap__"

MODULE_NAME = "mfaops.iam.iam_virtual_mfa"


def argument_spec():
    """The module's own options (AnsibleAWSModule adds the AWS connection options)."""
    return dict(
        name=dict(type="str"),
        path=dict(type="str", default="/"),
        serial_number=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "enabled", "disabled", "absent"]),
        user=dict(type="str"),
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
        _seal_key=dict(type="str", no_log=True),
        _create_refusal=dict(type="str"),
        # Not no_log: six-digit values would be masked wherever they occur, even inside ARNs and dates. The action
        # plugin removes it from the echoed invocation.
        _codes_ahead=dict(type="dict", no_log=False),
        _defer_enable=dict(type="bool", default=False),
        _just_created=dict(type="bool", default=False),
    )


MODULE_KWARGS = dict(
    mutually_exclusive=[["name", "serial_number"]],
    required_one_of=[["name", "serial_number"]],
    required_if=[["state", "enabled", ["user"]]],
    required_together=[["authentication_code_1", "authentication_code_2"]],
)


def full_argument_spec():
    """Everything the module accepts, AWS connection options included (for the action plugin's validation)."""
    spec = aws_argument_spec()
    spec.update(argument_spec())
    return spec
