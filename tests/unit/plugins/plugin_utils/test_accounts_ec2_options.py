"""plugin_utils/_accounts/ec2_options: the aws_ec2 options aws_accounts does not have, kept equal to the installed
amazon.aws.aws_ec2's options minus aws_accounts' own (read with ansible-doc, as a user would)."""

import json
import os
import subprocess
import sys

from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts import ec2_options


def _documented_options(plugin):
    tool = os.path.join(os.path.dirname(sys.executable), "ansible-doc")
    done = subprocess.run([tool if os.path.exists(tool) else "ansible-doc", "--json", "-t", "inventory", plugin],
                          check=True, capture_output=True, text=True)
    options = json.loads(done.stdout)[plugin]["doc"]["options"]
    names = set(options)
    for option in options.values():
        names.update(option.get("aliases") or [])
    return names


def test_the_table_is_aws_ec2_options_minus_ours():
    ours = _documented_options("mfaops.iam.aws_accounts")
    theirs = _documented_options("amazon.aws.aws_ec2")
    assert set(ec2_options.UNSUPPORTED) == theirs - ours


def test_a_message_per_option_set_naming_it_and_what_to_write_instead():
    messages = ec2_options.unsupported_messages(
        {"plugin": "mfaops.iam.aws_accounts", "regions": ["eu-west-1"], "hostnames": ["tag:Name"], "compose": {}})
    assert len(messages) == 2
    hostnames, regions = messages
    assert hostnames.startswith("hostnames is an option of amazon.aws.aws_ec2") and "hostname_template" in hostnames
    assert regions.startswith("regions is an option of amazon.aws.aws_ec2") and "global" in regions


def test_nothing_for_our_own_options():
    assert ec2_options.unsupported_messages({"plugin": "x", "tag_filters": {}, "exclude_accounts": []}) == []
    assert ec2_options.unsupported_messages(None) == []
