"""plugin_utils/_botocore_loader: the clients share one parsed copy of botocore's models (so a worker forked after
warm_up parses none), and nothing else: credentials, profiles and configuration stay each client's own."""

import os

import botocore.loaders
import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.mfaops.iam.plugins.plugin_utils import _aws_connection
from ansible_collections.mfaops.iam.plugins.plugin_utils import _botocore_loader
from ansible_collections.mfaops.iam.plugins.plugin_utils._aws_connection import ControllerAWS

ENDPOINT = "http://127.0.0.1:1"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    _aws_connection.clear_caches()
    monkeypatch.setattr(_botocore_loader, "_LOADERS", {})
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    yield
    _aws_connection.clear_caches()


@pytest.fixture
def file_reads(monkeypatch):
    """The JSON files botocore reads and parses from now on (not the optional files it only looks for)."""
    reads = []
    original = botocore.loaders.JSONFileLoader.load_file

    def counted(self, file_path):
        data = original(self, file_path)
        if data is not None:
            reads.append(file_path)
        return data

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counted)
    return reads


def _client(service="iam", **params):
    base = dict(aws_access_key_id="AKIA-A", aws_secret_access_key="secret-a", aws_session_token=None, verify=None)
    base.update(params)
    return _botocore_loader.build_client(service, "us-east-1", ENDPOINT, base)


def _credentials(client):
    return client._request_signer._credentials  # pylint: disable=protected-access


def test_after_warm_up_a_client_reads_no_model_file(file_reads):
    _botocore_loader.warm_up()
    assert file_reads  # the warm-up read them
    file_reads.clear()
    _client("iam")
    _client("sts")
    assert file_reads == []


def test_without_the_shared_loader_every_client_reads_the_models_again(file_reads):
    """What the loader saves: amazon.aws's own boto3_conn reads IAM's model for each client."""
    from ansible_collections.amazon.aws.plugins.module_utils.botocore import _boto3_conn

    _boto3_conn("client", "iam", "us-east-1", ENDPOINT, aws_access_key_id="a", aws_secret_access_key="b")
    first = len(file_reads)
    _boto3_conn("client", "iam", "us-east-1", ENDPOINT, aws_access_key_id="a", aws_secret_access_key="b")
    assert first > 0 and len(file_reads) == 2 * first


def test_clients_share_the_loader_and_keep_their_own_credentials():
    one, other = _client(), _client(aws_access_key_id="AKIA-B", aws_secret_access_key="secret-b", aws_session_token="t")
    assert one._loader is other._loader  # pylint: disable=protected-access
    assert (_credentials(one).access_key, _credentials(one).token) == ("AKIA-A", None)
    assert (_credentials(other).access_key, _credentials(other).secret_key, _credentials(other).token) == (
        "AKIA-B", "secret-b", "t")


def test_credentials_from_the_environment_are_read_for_each_client(monkeypatch):
    """A session is never shared: a later task's (or loop item's) environment gives its own credentials."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA-ENV-1")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s1")
    first = _client(aws_access_key_id=None, aws_secret_access_key=None)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA-ENV-2")
    second = _client(aws_access_key_id=None, aws_secret_access_key=None)
    assert (_credentials(first).access_key, _credentials(second).access_key) == ("AKIA-ENV-1", "AKIA-ENV-2")


def test_a_profile_is_read_from_the_clients_own_configuration(monkeypatch, tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text("[audit]\naws_access_key_id = AKIA-PROFILE\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    client = _client(aws_access_key_id=None, aws_secret_access_key=None, profile_name="audit")
    assert _credentials(client).access_key == "AKIA-PROFILE"


def test_aws_config_and_the_user_agent_are_amazon_aws_ones():
    import botocore.config

    client = _client(aws_config=botocore.config.Config(connect_timeout=7))
    assert client.meta.config.connect_timeout == 7
    assert client.meta.config.user_agent.startswith("APN/1.0 Ansible/")


def test_the_action_fails_as_amazon_aws_does_without_a_region():
    """IAM and STS have a global endpoint; a regional service needs the region."""
    options = {"access_key": "a", "secret_key": "b", "region": None}
    with pytest.raises(AnsibleActionFail, match="mfa_audit_account plugin requires a region and none was found"):
        ControllerAWS(options, ansible_name="mfaops.iam.mfa_audit_account").client("ec2")


def test_a_missing_profile_fails_naming_it():
    options = {"region": "us-east-1", "profile": "nowhere"}
    with pytest.raises(AnsibleActionFail, match="Couldn't connect to AWS: The config profile \\(nowhere\\) could not"):
        ControllerAWS(options).client("iam")


def test_the_actions_clients_are_built_with_the_shared_loader(file_reads):
    """ControllerAWS (every action's clients) builds through build_client: after warm_up, an account's STS and IAM
    clients parse no model."""
    _botocore_loader.warm_up()
    file_reads.clear()
    options = {"region": "us-east-1", "endpoint_url": ENDPOINT, "access_key": "a", "secret_key": "b"}
    sts = ControllerAWS(options).client("sts")
    iam = ControllerAWS(dict(options, access_key="c")).client("iam")
    assert file_reads == [] and sts._loader is iam._loader  # pylint: disable=protected-access
