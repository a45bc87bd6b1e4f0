"""missing_call: an endpoint that lacks a call the collection makes fails naming the call and the endpoint to use.

Plain moto's server (no TagMFADevice, UntagMFADevice, ListMFADeviceTags) runs in a subprocess; an endpoint that
answers InvalidAction is a few lines of http.server.
"""

import http.server
import json
import subprocess
import sys
import threading

import boto3
import pytest
from botocore.parsers import ResponseParserError

from ansible.module_utils.testing import patch_module_args

from action_harness import run_action

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa import missing_call

PLAIN_MOTO = """
import sys, time
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""
KEYS = dict(region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture(scope="module")
def plain_moto():
    proc = subprocess.Popen([sys.executable, "-c", PLAIN_MOTO], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        yield "http://127.0.0.1:%s" % proc.stdout.readline().strip()
    finally:
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def invalid_action_endpoint():
    """Answers every call as IAM answers one it does not know: 400 InvalidAction."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            body = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
                    b'<Code>InvalidAction</Code><Message>Could not find operation</Message></Error>'
                    b'<RequestId>1</RequestId></ErrorResponse>')
            self.send_response(400)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()
    server.server_close()


def test_plain_moto_answers_a_missing_call_with_a_page_botocore_cannot_parse(plain_moto):
    """Why the watch exists: without it the failure names neither the call nor a way out."""
    iam = boto3.client("iam", endpoint_url=plain_moto, **KEYS)
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="a")["VirtualMFADevice"]["SerialNumber"]
    with pytest.raises(ResponseParserError):
        iam.list_mfa_device_tags(SerialNumber=serial)


def test_a_missing_call_names_the_call_the_endpoint_and_the_endpoint_to_use(plain_moto):
    iam = missing_call.watch(boto3.client("iam", endpoint_url=plain_moto, **KEYS))
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="b")["VirtualMFADevice"]["SerialNumber"]
    for call, kwargs in (("list_mfa_device_tags", {}), ("untag_mfa_device", {"TagKeys": ["k"]}),
                         ("tag_mfa_device", {"Tags": [{"Key": "k", "Value": "v"}]})):
        with pytest.raises(missing_call.MissingCallError) as caught:
            getattr(iam, call)(SerialNumber=serial, **kwargs)
        message = str(caught.value)
        operation = iam.meta.method_to_api_mapping[call]
        assert "the endpoint %s does not implement IAM %s" % (plain_moto, operation) in message
        assert "pip install <collection path>/tests/support" in message and "mfaops-endpoint serve" in message
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"]  # the calls it has still work


def test_invalid_action_is_a_missing_call(invalid_action_endpoint):
    iam = missing_call.watch(boto3.client("iam", endpoint_url=invalid_action_endpoint, **KEYS))
    with pytest.raises(missing_call.MissingCallError, match="does not implement IAM ListMFADeviceTags"):
        iam.list_mfa_device_tags(SerialNumber="arn:aws:iam::123456789012:mfa/a")


@pytest.mark.parametrize("url, custom", [
    ("http://127.0.0.1:5000", True), ("http://localstack:4566", True), ("https://iam.amazonaws.com", False),
    ("https://iam.cn-north-1.amazonaws.com.cn", False), ("https://sts.us-east-1.api.aws", False), (None, False),
])
def test_only_custom_endpoints_are_watched(url, custom):
    assert missing_call.is_custom_endpoint(url) is custom


def test_iam_virtual_mfa_info_against_plain_moto_fails_naming_the_call(plain_moto, capsys):
    from ansible_collections.mfaops.iam.plugins.modules.iam_virtual_mfa_info import main

    boto3.client("iam", endpoint_url=plain_moto, **KEYS).create_virtual_mfa_device(VirtualMFADeviceName="listed")
    args = dict(endpoint_url=plain_moto, region="us-east-1", access_key="testing", secret_key="testing")
    capsys.readouterr()
    with patch_module_args(args), pytest.raises(SystemExit):
        main()
    result = json.loads(capsys.readouterr().out)
    assert result["failed"] is True
    assert "does not implement IAM ListMFADeviceTags" in result["msg"] and "mfaops-endpoint serve" in result["msg"]


def test_iam_virtual_mfa_against_plain_moto_names_the_missing_calls(plain_moto, tmp_path):
    """The create works (tags are given to CreateVirtualMFADevice), the provisioning tag cannot be removed (warned,
    naming UntagMFADevice); the next run cannot read the tags and fails naming ListMFADeviceTags."""
    boto3.client("iam", endpoint_url=plain_moto, **KEYS).create_user(UserName="carol")
    args = dict(name="carol", state="enabled", user_name="carol", tags={"team": "a"},
                bootstrap_file=str(tmp_path / "carol.png"), endpoint_url=plain_moto, region="us-east-1",
                access_key="testing", secret_key="testing")
    first = run_action(args)
    assert first["changed"] is True and not first.get("failed")
    assert any("does not implement IAM UntagMFADevice" in warning for warning in first["warnings"])
    again = run_action(args)
    assert again["failed"] is True
    assert "does not implement IAM ListMFADeviceTags" in again["msg"] and "mfaops-endpoint serve" in again["msg"]
