# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument spec of user_mfa_account: the one its documentation (plugins/modules/user_mfa_account.py) describes,
validated by its action plugin."""

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import assume_role_spec
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.argspec import BOOTSTRAP_METHODS
from ansible_collections.mfaops.iam.plugins.module_utils._common.pool import DEFAULT_WORKERS

# The bootstrap file of a user: <directory>/<user name><extension>.
EXTENSIONS = {"QRCodePNG": ".png", "Base32StringSeed": ".seed", "OtpauthURI": ".uri"}


def argument_spec():
    """The task's own options (full_argument_spec adds amazon.aws's connection options and the role to assume)."""
    return dict(
        users=dict(type="list", elements="dict", required=True, options=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            device_name=dict(type="str"),
            path=dict(type="str"),
            tags=dict(type="dict"),
        )),
        bootstrap_dir=dict(type="path", required=True),
        account_subdirectory=dict(type="raw", default=True),
        account_id=dict(type="str"),
        device_path=dict(type="str", default="/"),
        tags=dict(type="dict", default={}),
        purge_tags=dict(type="bool", default=True),
        created_tag=dict(type="str", default="mfaops:created"),
        create_users=dict(type="bool", default=False),
        on_missing_seed=dict(type="str", default="fail", choices=["fail", "recreate"]),
        bootstrap_method=dict(type="str", default="QRCodePNG", choices=BOOTSTRAP_METHODS),
        bootstrap_mode=dict(type="raw", default="0600"),
        issuer=dict(type="str", default="AWS"),
        max_concurrency=dict(type="int", default=DEFAULT_WORKERS),
    )


def full_argument_spec():
    """Everything the task accepts."""
    spec = aws_argument_spec()
    spec.update(assume_role_spec())
    spec.update(argument_spec())
    return spec
