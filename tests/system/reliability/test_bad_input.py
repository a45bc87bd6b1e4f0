"""Bad input through the action plugin, as users call it: one ansible-playbook run, one task per case.

Each case must fail with a message naming the problem (a substring is asserted) the way a module's argument checks
would (no ansible-core class or plugin path in it), without a traceback, and the whole run must make no AWS write
call (checked on the endpoint's request log).
"""

import os

import pytest

pytestmark = pytest.mark.xdist_group("reliability-input")

LONG = "n" * 227
ROOT_SERIAL = "arn:aws:iam::123456789012:mfa/root-account-mfa-device"

# (case id, task arguments, a substring of the expected message). "{tmp}" is replaced by the test's directory.
CASES = [
    # --- names and paths
    ("name-too-long", dict(name=LONG), "is not a valid virtual MFA device name"),
    ("name-bad-chars", dict(name="bad name!"), "'bad name!' is not a valid virtual MFA device name"),
    ("name-empty", dict(name=""), "is not a valid virtual MFA device name"),
    ("name-non-ascii", dict(name="ålice"), "is not a valid virtual MFA device name"),
    ("name-trailing-newline", dict(name="alice\n"), "is not a valid virtual MFA device name"),
    ("path-no-slashes", dict(name="a", path="team"), "path 'team' is not a valid IAM path"),
    ("path-no-trailing-slash", dict(name="a", path="/team"), "path '/team' is not a valid IAM path"),
    ("path-empty-segment", dict(name="a", path="//"), "path '//' is not a valid IAM path"),
    ("path-too-long", dict(name="a", path="/" + "p" * 511 + "/"), "is not a valid IAM path"),
    ("path-non-ascii", dict(name="a", path="/équipe/"), "is not a valid IAM path"),
    ("path-space", dict(name="a", path="/a b/"), "is not a valid IAM path"),
    ("path-char-not-in-serial", dict(name="a", path="/a*b/"), "could never be enabled, deactivated or deleted"),
    ("serial-too-long", dict(name="n" * 200, path="/" + "p" * 60 + "/"), "IAM accepts at most 256"),
    # --- tags
    ("too-many-tags", dict(name="a", tags={"k%02d" % i: "v" for i in range(51)}), "51 tags given, IAM allows at most 50"),
    ("tag-key-too-long", dict(name="a", tags={"k" * 129: "v"}), "must be 1-128 characters long"),
    ("tag-key-empty", dict(name="a", tags={"": "v"}), "must be 1-128 characters long"),
    ("tag-value-too-long", dict(name="a", tags={"k": "v" * 257}), "IAM allows at most 256"),
    ("tag-key-aws-prefix", dict(name="a", tags={"aws:owner": "me"}), "uses the reserved prefix 'aws:'"),
    ("tag-key-bad-chars", dict(name="a", tags={"bad*key": "v"}), "tags: key 'bad*key' has characters IAM does not accept"),
    ("tag-value-bad-chars", dict(name="a", tags={"k": "a;b"}), "tags: the value of 'k' has characters IAM does not accept"),
    ("tag-keys-differ-only-in-case", dict(name="a", tags={"Team": "a", "team": "b"}), "differ only in case"),
    ("tags-not-a-dict", dict(name="a", tags=[1, 2]),
     "argument 'tags' is of type list and we were unable to convert to dict: <class 'list'> cannot be converted"),
    ("tag-value-number", dict(name="a", tags={"k": 5}), "tags: the value of 'k' is a number (5), not a string"),
    ("tag-key-number", dict(name="a", tags={5: "v"}), "tags: key 5 is a number; tag keys are strings"),
    # --- users, seeds, codes
    ("unknown-user", dict(name="a", state="enabled", user_name="nobody", seed="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
     "IAM user nobody does not exist"),
    ("seed-too-short", dict(name="a", state="enabled", user_name="alice", seed="JBSWY3DPEHPK3PXP"),
     "seed: the seed holds 80 bits; at least 112 are needed"),
    ("user-bad-chars", dict(name="a", state="enabled", user_name="bad user"), "'bad user' is not a valid IAM user name"),
    ("user-too-long", dict(name="a", state="enabled", user_name="u" * 129), "is not a valid IAM user name"),
    ("seed-not-base32", dict(name="a", state="enabled", user_name="alice", seed="not-base32!"), "seed: the seed is not a Base32 string"),
    ("seed-with-digits-1-8", dict(name="a", state="enabled", user_name="alice", seed="ABCD1890"), "seed: the seed is not a Base32 string"),
    ("code-five-digits", dict(name="a", state="enabled", user_name="alice", authentication_code_1="12345",
                              authentication_code_2="123456"), "authentication_code_1 must be exactly six digits"),
    ("code-letters", dict(name="a", state="enabled", user_name="alice", authentication_code_1="123456",
                          authentication_code_2="12345a"), "authentication_code_2 must be exactly six digits"),
    ("only-one-code", dict(name="a", state="enabled", user_name="alice", authentication_code_1="123456"),
     "parameters are required together: authentication_code_1, authentication_code_2"),
    # --- conflicting options
    ("name-and-serial", dict(name="a", serial_number="arn:aws:iam::123456789012:mfa/a"),
     "parameters are mutually exclusive: name|serial_number"),
    ("neither-name-nor-serial", dict(state="present"), "one of the following is required: name, serial_number"),
    ("enabled-without-user", dict(name="a", state="enabled"), "state is enabled but all of the following are missing: user"),
    ("resync-without-enabled", dict(name="a", resync=True), "resync=true only applies to state=enabled"),
    ("reassign-with-disabled", dict(name="a", state="disabled", reassign=True), "reassign=true only applies to state=enabled"),
    ("user-with-absent", dict(name="a", state="absent", user="alice"), "user_name only applies to state=enabled"),
    ("codes-with-present", dict(name="a", authentication_code_1="123456", authentication_code_2="654321"),
     "only apply to state=enabled"),
    ("unknown-state", dict(name="a", state="on"), "value of state must be one of: present, enabled, disabled, absent"),
    ("unknown-option", dict(name="a", colour="blue"),
     "Unsupported parameters for (mfaops.iam.iam_virtual_mfa) module: colour. Supported parameters include: "),
    ("bad-bootstrap-method", dict(name="a", bootstrap_file="{tmp}/x.png", bootstrap_method="PNG"),
     "value of bootstrap_method must be one of"),
    # --- serial numbers
    ("root-serial", dict(serial_number=ROOT_SERIAL), "is the root user's MFA device"),
    ("root-serial-enabled", dict(serial_number=ROOT_SERIAL, state="enabled", user_name="alice"), "is the root user's MFA device"),
    ("serial-is-user-arn", dict(serial_number="arn:aws:iam::123456789012:user/alice"),
     "is not the ARN of a virtual MFA device"),
    ("serial-garbage", dict(serial_number="garbage", state="absent"), "is not the ARN of a virtual MFA device"),
    ("serial-short-account", dict(serial_number="arn:aws:iam::12345:mfa/a"), "is not the ARN of a virtual MFA device"),
    # --- bootstrap files
    ("bootstrap-is-directory", dict(name="a", bootstrap_file="{tmp}/a-directory"), "is a directory, not a file path"),
    ("bootstrap-parent-is-file", dict(name="a", bootstrap_file="{tmp}/a-file/x.png"), "Not a directory"),
    ("bootstrap-is-symlink", dict(name="a", bootstrap_file="{tmp}/a-link"), "is a symbolic link"),
    ("bootstrap-mode-not-octal", dict(name="a", bootstrap_file="{tmp}/m.png", bootstrap_mode="rw-------"),
     "is not an octal file mode"),
    ("bootstrap-mode-out-of-range", dict(name="a", bootstrap_file="{tmp}/m.png", bootstrap_mode="01777"),
     "is outside 0000-0777"),
    ("bootstrap-mode-unreadable", dict(name="a", bootstrap_file="{tmp}/m.png", bootstrap_mode="0200"),
     "would leave the file unreadable by its owner"),
    ("bootstrap-seed-garbage", dict(name="a", state="enabled", user_name="alice", bootstrap_file="{tmp}/garbage.seed",
                                    bootstrap_method="Base32StringSeed"), "holds no usable seed: the seed is not a Base32 string"),
    ("bootstrap-uri-without-secret", dict(name="a", state="enabled", user_name="alice", bootstrap_file="{tmp}/nosecret.uri",
                                          bootstrap_method="OtpauthURI"), "holds no usable seed: the otpauth URI has no secret"),
    ("bootstrap-binary", dict(name="a", bootstrap_file="{tmp}/binary.seed", bootstrap_method="Base32StringSeed"),
     "is not a text file"),
    # --- the action plugin's private options
    ("internal-option-gone", dict(name="a", _seal_key="AAAA"), "Unsupported parameters"),
    ("internal-create-refusal-gone", dict(name="a", _create_refusal="x"), "Unsupported parameters"),
    ("tag-value-null", dict(name="a", tags={"owner": None}), "the value of 'owner' is null"),
]


def task_args(case, args, tmp):
    """The case's arguments; a task that names a device to create also gets a writable bootstrap_file (in a
    directory that does not exist yet), so that nothing but the bad input stands between it and a create."""
    args = fill(args, tmp)
    if "name" in args and "bootstrap_file" not in args and args.get("state", "present") in ("present", "enabled"):
        args["bootstrap_file"] = os.path.join(tmp, "out", case + ".png")
    return args


def fill(value, tmp):
    if isinstance(value, str):
        return value.replace("{tmp}", tmp)
    if isinstance(value, dict):
        return {key: fill(item, tmp) for key, item in value.items()}
    return value


def test_every_bad_input_fails_cleanly_before_any_aws_write(playbooks, endpoint, tmp_path):
    assert len(CASES) >= 30
    files = tmp_path / "files"
    files.mkdir()
    tmp = str(files)
    (files / "a-directory").mkdir()
    (files / "a-file").write_text("a file, not a directory\n")
    (files / "garbage.seed").write_text("this is not a seed!\n")
    (files / "nosecret.uri").write_text("otpauth://totp/a@123456789012?issuer=AWS\n")
    (files / "binary.seed").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    os.symlink(str(files / "elsewhere.png"), str(files / "a-link"))
    endpoint.boto3_client("iam").create_user(UserName="alice")
    before = sorted(os.listdir(tmp))
    endpoint.clear_requests()

    tasks = []
    for case, args, _expected in CASES:
        task = playbooks.task(task=case, **task_args(case, args, tmp))
        task["ignore_errors"] = True
        tasks.append(task)
    run = playbooks.run(tasks)

    problems = []
    for case, _args, expected in CASES:
        result = run.result(case)
        if not result.get("failed"):
            problems.append("%s: did not fail: %s" % (case, result))
        elif expected not in result.get("msg", ""):
            problems.append("%s: %r does not contain %r" % (case, result.get("msg"), expected))
        elif "_AnsibleTagged" in result["msg"] or "ansible_collections." in result["msg"]:
            problems.append("%s: ansible-core's internals in %r" % (case, result["msg"]))
        elif result.get("exception") not in (None, "(traceback unavailable)") or "module_stderr" in result:
            problems.append("%s: traceback %s" % (case, result.get("exception") or result.get("module_stderr")))
    assert not problems, "\n".join(problems)
    assert "Traceback" not in run.stdout + run.stderr
    assert endpoint.write_requests() == []
    assert run.stats["failures"] == 0 and run.stats["ignored"] == len(CASES)
    # Nothing was written on the controller either: no bootstrap file, no out/ directory, nothing through the symlink.
    assert sorted(os.listdir(tmp)) == before
    assert not os.path.lexists(str(files / "elsewhere.png"))
