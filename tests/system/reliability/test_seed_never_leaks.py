"""No seed in any output: every iam_virtual_mfa scenario run with -vvvv, ANSIBLE_DEBUG=1 (which logs module stdout
raw) and --diff, through ansible-playbook and through ansible-runner; then every byte of their output, their log
file, the runner's artifacts (job events, stdout, ...) and every other file they left is searched for every seed the
endpoint ever issued, in every form: Base32, lower case, the otpauth URI, the raw key, and the base64 of every QR
code PNG (those written on the controller and the one the endpoint returns to the module), every TOTP code the runs
could have computed from those seeds (as whole six-digit numbers), and the AWS secret key some tasks give as an
option.  Since the task runs whole in the controller's process, ANSIBLE_DEBUG has nothing secret to log."""

import base64
import contextlib
import os
import re
import threading
import time

import ansible_runner
import pytest

from mfaops_endpoint import iam_fidelity

import pyotp

pytestmark = pytest.mark.xdist_group("reliability-leaks")

USERS = ("u-qr", "u-b32", "u-uri", "u-later", "u-var", "u-wrong", "u-rb")
# Given as the task option secret_key on some tasks (the endpoint accepts any key): it must not show either.
SECRET_KEY = "mfaopsLeakProbe/SecretKey+0123456789abcdefXYZ"


def mfa(task, **args):
    return {"name": task, "mfaops.iam.iam_virtual_mfa": args}


def failing(task, **args):
    return dict(mfa(task, **args), ignore_errors=True)


def scenarios(out):
    """Every way the collection's iam_virtual_mfa is used: (tasks, expected recap counts). ``out`` holds the
    bootstrap files."""
    def f(name):
        return os.path.join(out, name)

    tasks = [
        mfa("create-enable-qr", name="leak-qr", state="enabled", user_name="u-qr", tags={"team": "a"}, bootstrap_file=f("qr.png"),
            secret_key=SECRET_KEY),
        mfa("create-enable-base32", name="leak-b32", path="/leak/", state="enabled", user_name="u-b32",
            bootstrap_file=f("b32.seed"), bootstrap_method="Base32StringSeed"),
        mfa("create-enable-uri", name="leak-uri", state="enabled", user_name="u-uri", bootstrap_file=f("uri.txt"),
            bootstrap_method="OtpauthURI", issuer="Example Corp", label="u-uri@example"),
        mfa("converged-qr", name="leak-qr", state="enabled", user_name="u-qr", tags={"team": "a"}, bootstrap_file=f("qr.png")),
        mfa("converged-base32", name="leak-b32", path="/leak/", state="enabled", user_name="u-b32",
            bootstrap_file=f("b32.seed"), bootstrap_method="Base32StringSeed"),
        mfa("converged-uri", name="leak-uri", state="enabled", user_name="u-uri", bootstrap_file=f("uri.txt"),
            bootstrap_method="OtpauthURI"),
        dict(mfa("check-mode-create", name="leak-check", state="enabled", user_name="u-qr", bootstrap_file=f("check.png")),
             check_mode=True),
        mfa("create-only", name="leak-later", bootstrap_file=f("later.seed"), bootstrap_method="Base32StringSeed"),
        dict(mfa("check-mode-enable-from-file", name="leak-later", state="enabled", user_name="u-later",
                 bootstrap_file=f("later.seed"), bootstrap_method="Base32StringSeed"), check_mode=True),
        mfa("enable-from-file", name="leak-later", state="enabled", user_name="u-later", bootstrap_file=f("later.seed"),
            bootstrap_method="Base32StringSeed"),
        mfa("resync-from-file", name="leak-later", state="enabled", user_name="u-later", resync=True,
            bootstrap_file=f("later.seed"), bootstrap_method="Base32StringSeed"),
        mfa("create-for-vars", name="leak-var", bootstrap_file=f("var.uri"), bootstrap_method="OtpauthURI"),
        mfa("enable-with-seed-from-vars", name="leak-var", state="enabled", user_name="u-var",
            seed="{{ lookup('ansible.builtin.file', '%s').split('secret=')[1].split('&')[0] }}" % f("var.uri")),
        mfa("create-unrecoverable", name="leak-wrong", bootstrap_file=f("wrong.png")),
        failing("wrong-codes", name="leak-wrong", state="enabled", user_name="u-wrong", secret_key=SECRET_KEY,
                authentication_code_1="123456", authentication_code_2="654321"),
        failing("unknown-user", name="leak-qr", state="enabled", user_name="nobody"),
        failing("existing-bootstrap-file", name="leak-new", bootstrap_file=f("qr.png")),
        failing("no-seed-source", name="leak-wrong", state="enabled", user_name="u-wrong", bootstrap_file=f("wrong-new.png")),
        mfa("recreate", name="leak-wrong", state="enabled", user_name="u-wrong", on_missing_seed="recreate",
            bootstrap_file=f("wrong-new.png")),
        mfa("disable", name="leak-uri", state="disabled"),
        mfa("absent", name="leak-qr", state="absent"),
    ]
    # changed: 3 creates, check-mode create, create-only, check-mode enable, enable, resync, create-for-vars,
    # enable-with-seed, create-unrecoverable, recreate, disable, absent.
    return tasks, {"ok": 21, "changed": 14, "failed": 0, "ignored": 4}  # ignored failures count as ok too


def rollback_scenario(out):
    """The write of the bootstrap file fails after the device exists (the directory is replaced by a file while
    CreateVirtualMFADevice's answer is held): the action plugin deletes the device again."""
    return [mfa("write-failure-rollback", name="leak-rb", state="enabled", user_name="u-rb",
                bootstrap_file=os.path.join(out, "rb", "rb.png"))]


@contextlib.contextmanager
def directory_replaced_after_create(endpoint, directory):
    """While the body runs a playbook: once CreateVirtualMFADevice has run for leak-rb (its answer held), replace
    ``directory`` by a regular file, then let the answer go."""
    os.makedirs(directory)
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 60})
    done = threading.Event()

    def watch():
        while not done.is_set():
            if any(r["params"].get("VirtualMFADeviceName") == "leak-rb" for r in endpoint.requests("CreateVirtualMFADevice")):
                os.rename(directory, directory + ".moved")
                with open(directory, "w") as handle:
                    handle.write("not a directory\n")
                endpoint.set_faults(pause_after=None)
                return
            time.sleep(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join(10)
        endpoint.set_faults(pause_after=None)


def prepare(endpoint):
    endpoint.reset()
    iam = endpoint.boto3_client("iam")
    for user in USERS:
        iam.create_user(UserName=user)


def assert_scenarios_ran(endpoint):
    """The scenarios did what they are meant to (so the search below searched real output)."""
    ok = [(r["action"], r.get("params", {}).get("VirtualMFADeviceName") or r["params"].get("SerialNumber", "").rsplit("/", 1)[-1])
          for r in endpoint.write_requests() if r["status"] == 200]
    assert ok.count(("CreateVirtualMFADevice", "leak-wrong")) == 2  # created, then recreated
    assert ("ResyncMFADevice", "leak-later") in ok
    assert ("EnableMFADevice", "leak-var") in ok
    assert ("DeleteVirtualMFADevice", "leak-rb") in ok  # the rollback
    assert ("CreateVirtualMFADevice", "leak-check") not in ok
    assert [r["status"] for r in endpoint.requests("EnableMFADevice")].count(403) == 1  # the wrong codes


def needles(endpoint, png_dirs):
    """Every form of every seed the endpoint ever issued, and of every QR code PNG written or returned; the secret
    key."""
    found = {"the AWS secret key given as a task option": SECRET_KEY}
    seeds = endpoint.seeds()
    assert seeds
    for serial, seed in seeds.items():
        name = serial.split("/")[-1]
        account = serial.split(":")[4]
        key = base64.b32decode(seed + "=" * (-len(seed) % 8))
        found["%s seed" % name] = seed
        found["%s seed, lower case" % name] = seed.lower()
        found["%s otpauth secret" % name] = "secret=" + seed
        found["%s raw key, hex" % name] = key.hex()
        found["%s raw key, base64" % name] = base64.b64encode(key).decode()
        endpoint_png = iam_fidelity._qr_png("otpauth://totp/%s@%s?secret=%s" % (name, account, seed))
        found["%s endpoint QR PNG, base64" % name] = base64.b64encode(endpoint_png).decode()
        found["%s endpoint QR PNG, base64 of its middle" % name] = base64.b64encode(endpoint_png[66:132]).decode()
    pngs = [os.path.join(d, n) for d in png_dirs for n in os.listdir(d) if n.endswith(".png")]
    assert pngs
    for path in pngs:
        with open(path, "rb") as handle:
            data = handle.read()
        found["%s, base64" % path] = base64.b64encode(data).decode()
        found["%s, base64 of its middle" % path] = base64.b64encode(data[66:132]).decode()
    return found


# The playbooks themselves: their tasks hold the secret key as written (that is the point of the probe).
PLAYBOOK_SOURCES = ("scenarios.yml", "rollback.yml")


def haystacks(root, skip_dirs):
    """Every file under ``root`` (bytes), except the bootstrap files, which hold seeds by design, and the playbook
    sources."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.join(directory, d) not in skip_dirs]
        for name in files:
            if name in PLAYBOOK_SOURCES:
                continue
            path = os.path.join(directory, name)
            if not os.path.islink(path):
                with open(path, "rb") as handle:
                    yield path, handle.read()


def totp_codes(endpoint, started, ended):
    """{code: what} for every code of every seed in every 30-second window from ``started`` to ``ended`` (and one
    window either side): every code a run could have computed and sent."""
    codes = {}
    for serial, seed in endpoint.seeds().items():
        totp = pyotp.TOTP(seed)
        for window in range(int(started // 30) - 2, int(ended // 30) + 2):
            codes[totp.at(window * 30)] = "a TOTP code of %s (window %d)" % (serial, window)
    return codes


def assert_no_leak(sources, found, codes):
    leaks = []
    # Whole six-digit numbers; not the fractions of timestamps and durations (".134007"), which are six digits too,
    # nor digits inside the UUIDs of ansible-runner's events (ee0c3ac0-...-f235212da3fd holds "235212").
    six_digits = re.compile(rb"(?<![0-9.])[0-9]{6}(?![0-9])")
    uuids = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    for where, data in sources:
        for what, needle in found.items():
            if needle.encode() in data:
                leaks.append("%s in %s" % (what, where))
        data = uuids.sub(b"<uuid>", data)
        for match in set(six_digits.findall(data)):
            if match.decode() in codes:
                context = data[max(0, data.find(match) - 80):data.find(match) + 86]
                leaks.append("%s in %s: ...%r..." % (codes[match.decode()], where, context))
    assert not leaks, "secret material found:\n" + "\n".join(leaks)


def test_no_seed_in_any_output_of_ansible_playbook_or_ansible_runner(playbooks, endpoint, tmp_path):
    url = endpoint.url
    outputs = []  # (where, bytes)
    started = time.time()

    # ------------------------------------------------------------------ ansible-playbook -vvvv --diff, ANSIBLE_DEBUG=1
    prepare(endpoint)
    pb_dir, pb_out = tmp_path / "playbook", tmp_path / "bootstrap-playbook"
    pb_dir.mkdir()
    pb_out.mkdir()
    runner = type(playbooks)(pb_dir, endpoint)
    env = {"ANSIBLE_DEBUG": "1", "ANSIBLE_LOG_PATH": str(pb_dir / "ansible.log")}
    try:
        tasks, expected = scenarios(str(pb_out))
        main = runner.run(tasks, json_output=False, verbosity=4, diff=True, env=env, name="scenarios")
        with directory_replaced_after_create(endpoint, str(pb_out / "rb")):
            rollback = runner.run(rollback_scenario(str(pb_out)), json_output=False, verbosity=4, diff=True, env=env,
                                  name="rollback")
    finally:
        runner.kill_all()
    recap = re.search(r"localhost\s*: ok=(\d+)\s+changed=(\d+)\s+unreachable=0\s+failed=(\d+)\s+skipped=0\s+rescued=0\s+"
                      r"ignored=(\d+)", main.stdout)
    assert main.rc == 0 and recap, main.stdout[-3000:]
    assert dict(zip(("ok", "changed", "failed", "ignored"), map(int, recap.groups()))) == expected
    assert rollback.rc == 2 and "deleted again since nobody would hold its seed" in rollback.stdout
    assert "task path:" in main.stdout and "Loading collection mfaops.iam" in main.stdout, "not -vvvv output"
    assert_scenarios_ran(endpoint)
    for run in (main, rollback):
        outputs += [("ansible-playbook stdout", run.stdout.encode()), ("ansible-playbook stderr", run.stderr.encode())]
    outputs += list(haystacks(str(pb_dir), skip_dirs=()))

    # ------------------------------------------------------------------ ansible-runner, cmdline --diff -vvvv
    prepare(endpoint)
    private, rn_out = tmp_path / "runner", tmp_path / "bootstrap-runner"
    rn_out.mkdir()
    tasks, expected = scenarios(str(rn_out))
    project = private / "project"
    project.mkdir(parents=True)
    playbooks.write_playbook(str(project), url, tasks, name="scenarios")
    _playbook, inventory = playbooks.write_playbook(str(project), url, rollback_scenario(str(rn_out)), name="rollback")
    envvars = playbooks.ansible_env(str(private), {"ANSIBLE_DEBUG": "1"})
    common = dict(private_data_dir=str(private), inventory=inventory, envvars=envvars, cmdline="--diff -vvvv",
                  quiet=True, timeout=300)
    main_run = ansible_runner.run(playbook="scenarios.yml", ident="scenarios", **common)
    assert main_run.status == "successful", main_run.stdout.read()[-3000:]
    assert {key: main_run.stats[key].get("localhost", 0) for key in ("ok", "changed", "failures", "ignored")} == {
        "ok": expected["ok"], "changed": expected["changed"], "failures": 0, "ignored": expected["ignored"]}
    with directory_replaced_after_create(endpoint, str(rn_out / "rb")):
        rollback_run = ansible_runner.run(playbook="rollback.yml", ident="rollback", **common)
    assert rollback_run.status == "failed"
    events = [e for e in rollback_run.events if e.get("event") == "runner_on_failed"]
    assert "deleted again since nobody would hold its seed" in events[0]["event_data"]["res"]["msg"]
    assert_scenarios_ran(endpoint)
    artifacts = list(haystacks(str(private), skip_dirs=()))
    assert any("/job_events/" in path for path, _data in artifacts)
    outputs += artifacts

    # ------------------------------------------------------------------ the search
    found = needles(endpoint, [str(pb_out), str(pb_out / "rb.moved"), str(rn_out), str(rn_out / "rb.moved")])
    codes = totp_codes(endpoint, started, time.time())
    assert_no_leak(outputs, found, codes)
    print("searched %d bytes in %d places for %d needles and %d TOTP codes"
          % (sum(len(d) for _w, d in outputs), len(outputs), len(found), len(codes)))
