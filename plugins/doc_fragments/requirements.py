# -*- coding: utf-8 -*-

# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment:
    """What the collection's plugins need, and where: the controller for the tasks that run whole there (action
    plugins: iam_virtual_mfa and the other controller-side modules, the aws_accounts inventory), or wherever an
    ordinary module runs (the listing modules). The versions are those of requirements.txt."""

    # An ordinary module (iam_virtual_mfa_info, iam_user_mfa_info): it runs where the task runs.
    DOCUMENTATION = r"""
options: {}
requirements:
  - python >= 3.11
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
"""

    # A task that runs whole on the controller and needs only the AWS SDK.
    CONTROLLER = r"""
options: {}
requirements:
  - python >= 3.11 on the controller
  - boto3 >= 1.34.0 on the controller
  - botocore >= 1.34.0 on the controller
notes:
  - The task runs whole in the controller's process (an action plugin); nothing runs on the managed host, so its
    requirements are the controller's (in AWX, the execution environment's).
"""

    # A task that runs whole on the controller and computes TOTP codes and QR codes there.
    CONTROLLER_TOTP = r"""
options: {}
requirements:
  - python >= 3.11 on the controller
  - boto3 >= 1.34.0 on the controller
  - botocore >= 1.34.0 on the controller
  - pyotp >= 2.9.0 on the controller
  - qrcode >= 7.4 on the controller
  - pypng >= 0.20220715.0 on the controller
notes:
  - The task runs whole in the controller's process (an action plugin); nothing runs on the managed host, so its
    requirements are the controller's (in AWX, the execution environment's). pyotp computes the TOTP codes that
    enable a device, qrcode and pypng write the QR code PNG.
"""

    # The aws_accounts inventory plugin (inventory plugins run on the controller).
    INVENTORY = r"""
options: {}
requirements:
  - python >= 3.11 on the controller
  - boto3 >= 1.34.0 on the controller
  - botocore >= 1.34.0 on the controller
"""
