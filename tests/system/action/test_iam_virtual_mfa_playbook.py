"""The action plugin through real ansible-playbook: the bootstrap file on the controller, nothing secret in results."""

import json
import os
import stat
import subprocess
import sys

import yaml
import zxingcpp
from PIL import Image

SERIAL = "arn:aws:iam::123456789012:mfa/alice"


def task(title, **args):
    return {"name": title, "mfaops.iam.iam_virtual_mfa": args}


def test_create_enable_writes_the_qr_on_the_controller_and_returns_no_secret(play, endpoint, iam, tmp_path):
    iam.create_user(UserName="alice")
    png = tmp_path / "qr" / "alice.png"
    rc, results, output = play([task("create", name="alice", state="enabled", user_name="alice", bootstrap_file=str(png))])
    assert rc == 0, output
    result = results["create"]
    assert result["changed"] is True
    assert result["bootstrap_file"] == {"path": str(png), "method": "QRCodePNG", "mode": "0600"}
    assert "invocation" not in result  # nothing of the task's arguments is echoed
    seed = endpoint.seeds()[SERIAL]
    assert seed not in output
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    uri = zxingcpp.read_barcodes(Image.open(png))[0].text
    assert uri == "otpauth://totp/alice@123456789012?secret=%s&issuer=AWS" % seed


def test_check_mode_predicts_the_file_and_writes_nothing(play, endpoint, tmp_path):
    target = tmp_path / "new" / "alice.seed"
    rc, results, _output = play([task("create", name="alice", bootstrap_file=str(target), bootstrap_method="Base32StringSeed")], check=True)
    assert rc == 0
    assert results["create"]["changed"] is True
    assert results["create"]["bootstrap_file"] == {"path": str(target), "method": "Base32StringSeed", "mode": "0600"}
    assert os.listdir(tmp_path) == ["play.yml"]
    assert endpoint.write_requests() == []


def test_no_bootstrap_file_means_no_device(play, endpoint):
    rc, results, _output = play([task("create", name="alice")])
    assert rc == 0 and results["create"]["failed"] is True
    assert "cannot be created without bootstrap_file" in results["create"]["msg"]
    assert endpoint.write_requests() == []


def test_an_existing_bootstrap_file_blocks_creation_before_any_write(play, endpoint, tmp_path):
    existing = tmp_path / "alice.png"
    existing.write_bytes(b"someone else's QR code")
    rc, results, _output = play([task("create", name="alice", bootstrap_file=str(existing))])
    assert results["create"]["failed"] is True
    assert "already exists" in results["create"]["msg"] and "never replaced" in results["create"]["msg"]
    assert existing.read_bytes() == b"someone else's QR code"
    assert endpoint.write_requests() == []


def test_a_text_bootstrap_file_is_a_seed_source_for_a_later_enable(play, endpoint, iam, tmp_path):
    iam.create_user(UserName="alice")
    uri_file = tmp_path / "alice.uri"
    common = dict(name="alice", bootstrap_file=str(uri_file), bootstrap_method="OtpauthURI")
    rc, results, output = play([task("create", **common), task("enable", state="enabled", user_name="alice", **common)])
    assert rc == 0, output
    assert results["create"]["changed"] is True and results["enable"]["changed"] is True
    assert results["enable"]["virtual_mfa_device"]["user_name"] == "alice"
    assert "bootstrap_file" not in results["enable"]
    assert endpoint.seeds()[SERIAL] not in output


def test_no_internal_option_is_accepted(play, endpoint, tmp_path):
    rc, results, _output = play([task("create", name="alice", bootstrap_file=str(tmp_path / "a.png"), _seal_key="x" * 44)])
    assert results["create"]["failed"] is True and "Unsupported parameters" in results["create"]["msg"]
    assert endpoint.write_requests() == []


def test_the_collection_group_defaults_apply_to_it_and_to_amazon_aws(endpoint, tmp_path):
    """module_defaults for group/mfaops.iam.aws (which extends amazon.aws.aws) reach amazon.aws's modules and this
    task alike, merged into the task's arguments by ansible-core; the keys come from the task's environment."""
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    keys = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    playbook = [{"hosts": "localhost", "gather_facts": False,
                 "module_defaults": {"group/mfaops.iam.aws": {"endpoint_url": endpoint.url, "region": "us-east-1"}},
                 "tasks": [{"name": "user", "amazon.aws.iam_user": {"name": "alice", "state": "present"}, "environment": keys},
                           {"name": "t", "mfaops.iam.iam_virtual_mfa": {"name": "alice", "state": "enabled", "user": "alice",
                                                                        "bootstrap_file": str(tmp_path / "a.png")},
                            "environment": keys}]}]
    (tmp_path / "p.yml").write_text(yaml.safe_dump(playbook))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(ANSIBLE_COLLECTIONS_PATH=os.path.join(root, "build", "collections"), ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", "-c", "local",
                           "-e", "ansible_python_interpreter=%s" % sys.executable, str(tmp_path / "p.yml")],
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(proc.stdout)["plays"][0]["tasks"][1]["hosts"]["localhost"]
    assert result["changed"] is True and result["virtual_mfa_device"]["user_name"] == "alice"
