"""No device may exist whose seed nobody holds, or if one does (a killed run), a later run must recover it.

Real ansible-playbook processes against the endpoint: a run SIGKILLed while CreateVirtualMFADevice's answer is held,
two runs racing to create the same device, and a bootstrap file write that fails after the device was created.
"""

import contextlib
import os
import resource
import subprocess
import tempfile
import time

import pytest
import zxingcpp
from PIL import Image

pytestmark = pytest.mark.xdist_group("reliability-seed")


def wait_for(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s" % what)


def qr_seed(path):
    with Image.open(path) as image:
        uri = zxingcpp.read_barcodes(image)[0].text
    return uri.split("secret=")[1].split("&")[0]


def assert_seed_valid(endpoint, user, serial, seed):
    """``seed`` is the device's, enabled for ``user``: the seed the endpoint issued for it (the endpoint checks codes
    against it; the enable that just used this window's codes means they cannot be replayed here: IAM takes a code
    once)."""
    assert endpoint.seeds()[serial] == seed
    assert playbooks_devices(endpoint).get(serial) == user


def playbooks_devices(endpoint):
    return {d["SerialNumber"]: d.get("User", {}).get("UserName")
            for d in endpoint.boto3_client("iam").list_virtual_mfa_devices()["VirtualMFADevices"]}


def assert_no_traceback(run, result):
    """A clean failure, not a crash. (ansible-core 2.19 gives every failed result an ``exception`` summary,
    rendered as this placeholder unless tracebacks are switched on; a crash shows up as MODULE FAILURE.)"""
    assert result.get("exception") in (None, "(traceback unavailable)"), result.get("exception")
    assert "module_stderr" not in result and "MODULE FAILURE" not in result.get("msg", "")
    assert "Traceback" not in run.stdout + run.stderr


def leftovers(directory):
    """Anything but the bootstrap files in ``directory``: temp files (.mfaops-*), probes, partial writes."""
    return sorted(name for name in os.listdir(directory) if name.startswith("."))


# ------------------------------------------------------------------------------------------------ killed run
def test_run_killed_between_create_and_file_write_is_recovered_by_recreate(playbooks, endpoint, tmp_path):
    iam = endpoint.boto3_client("iam")
    iam.create_user(UserName="alice")
    out = tmp_path / "mfa"
    out.mkdir()
    target = out / "alice.png"
    task = dict(task="enable", name="alice", state="enabled", user_name="alice", bootstrap_file=str(target))
    serial = playbooks.serial("alice")
    endpoint.clear_requests()
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 120})

    proc = playbooks.start([playbooks.task(**task)])
    try:
        # The device exists on the endpoint (its seed issued) and the answer is held: the module waits for it.
        wait_for(lambda: [r for r in endpoint.requests("CreateVirtualMFADevice") if r["status"] == 200],
                 what="CreateVirtualMFADevice")
        playbooks.kill_tree(proc)  # ansible-playbook, its worker and the module waiting for the answer
    finally:
        endpoint.set_faults(pause_after=None)  # let the held answer go (to nobody)
    assert proc.returncode == -9
    assert playbooks.devices() == {serial: None}, "the device exists, assigned to nobody"
    assert serial in endpoint.seeds()
    assert os.listdir(out) == [], "no bootstrap file and no temp file"

    # The killed run left its provisioning marker: within the grace period nothing may replace the device (its
    # run might still be alive), and the message says so without advising to destroy it.
    endpoint.clear_requests()
    failed = playbooks.run([playbooks.task(**task)])
    assert failed.rc == 2
    message = failed.result("enable")["msg"]
    assert "being provisioned by another run" in message and "state=absent" not in message
    assert_no_traceback(failed, failed.result("enable"))
    refused = playbooks.run([playbooks.task(on_missing_seed="recreate", **task)])
    assert "being provisioned by another run" in refused.result("enable")["msg"]
    assert endpoint.write_requests() == []
    assert os.listdir(out) == []

    # Past the grace period (the marker backdated by an hour, as if the operator came back later) the run is
    # presumed dead: fail explains how to replace the device, and on_missing_seed=recreate replaces it.
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "mfaops:provisioning", "Value": "2000-01-01T00:00:00Z"}])
    endpoint.clear_requests()
    failed = playbooks.run([playbooks.task(**task)])
    message = failed.result("enable")["msg"]
    assert "its seed is unrecoverable" in message and "on_missing_seed=recreate" in message
    assert endpoint.write_requests() == []
    old_seed = endpoint.seeds()[serial]
    endpoint.clear_requests()
    fixed = playbooks.run([playbooks.task(on_missing_seed="recreate", **task)])
    assert fixed.rc == 0, fixed.summary()
    result = fixed.result("enable")
    assert result["changed"] is True
    assert result["bootstrap_file"] == {"path": str(target), "method": "QRCodePNG", "mode": "0600"}
    assert [r["action"] for r in endpoint.write_requests()] == [
        "DeleteVirtualMFADevice", "CreateVirtualMFADevice", "EnableMFADevice", "UntagMFADevice"]
    new_seed = endpoint.seeds()[serial]
    assert new_seed != old_seed
    assert qr_seed(target) == new_seed
    assert playbooks.devices() == {serial: "alice"}
    assert_seed_valid(endpoint, "alice", serial, qr_seed(target))
    assert leftovers(out) == []

    again = playbooks.run([playbooks.task(on_missing_seed="recreate", **task)])
    assert again.rc == 0 and again.stats["changed"] == 0, again.summary()


# ------------------------------------------------------------------------------------------------ racing runs
def race(playbooks, endpoint, task):
    """Start two identical playbooks at once and hold each one's device lookup (ListVirtualMFADevices) until both
    have looked, so that both try to create the device. Returns both finished runs."""
    endpoint.set_faults(pause_after={"action": "ListVirtualMFADevices", "seconds": 120})
    try:
        procs = [playbooks.start([playbooks.task(**task)], name="racer%d" % n) for n in (1, 2)]
        wait_for(lambda: len(endpoint.requests("ListVirtualMFADevices")) >= 2, what="both lookups")
    finally:
        endpoint.set_faults(pause_after=None)  # both answers go now: neither found the device
    return [playbooks.finish(proc) for proc in procs]


def test_two_runs_racing_to_create_one_device_create_it_once_and_write_its_file_once(playbooks, endpoint, tmp_path):
    target = tmp_path / "race.seed"
    serial = playbooks.serial("raced", "/team/")
    task = dict(task="create", name="raced", path="/team/", tags={"owner": "ops"},
                bootstrap_file=str(target), bootstrap_method="Base32StringSeed")
    runs = race(playbooks, endpoint, task)

    creates = endpoint.requests("CreateVirtualMFADevice")
    assert sorted(r["status"] for r in creates) == [200, 409], "both runs tried to create; one won"
    assert all(run.rc == 0 for run in runs), [run.summary() for run in runs]
    results = [run.result("create") for run in runs]
    winners = [r for r in results if r["changed"]]
    losers = [r for r in results if not r["changed"]]
    assert len(winners) == 1 and len(losers) == 1
    assert winners[0]["bootstrap_file"]["path"] == str(target)
    # The loser reports the device as existing (with its tags), and wrote no bootstrap file.
    assert "bootstrap_file" not in losers[0]
    assert losers[0]["virtual_mfa_device"]["serial_number"] == serial
    assert losers[0]["virtual_mfa_device"]["tags"] == {"owner": "ops"}
    assert not losers[0].get("warnings"), "no retry preceded the EntityAlreadyExists: nothing to warn about"
    assert playbooks.devices() == {serial: None}
    assert target.read_text().strip() == endpoint.seeds()[serial]
    assert leftovers(tmp_path) == [] or all(not name.startswith(".mfaops") for name in leftovers(tmp_path))


def test_racing_enables_one_run_creates_enables_and_writes_the_other_never_touches_the_file(playbooks, endpoint, tmp_path):
    """With state=enabled the loser has no seed (the winner holds it): it either finds the device already enabled
    for the user by the winner (ok, unchanged) or fails saying that another run created the device and holds its
    seed. Which one depends on timing; in neither case does it recreate the device or touch the file."""
    endpoint.boto3_client("iam").create_user(UserName="bob")
    endpoint.clear_requests()
    target = tmp_path / "bob.uri"
    serial = playbooks.serial("bob")
    task = dict(task="enable", name="bob", state="enabled", user_name="bob",
                bootstrap_file=str(target), bootstrap_method="OtpauthURI")
    runs = race(playbooks, endpoint, task)

    assert sorted(r["status"] for r in endpoint.requests("CreateVirtualMFADevice")) == [200, 409]
    assert [r["action"] for r in endpoint.write_requests() if r["status"] == 200] == [
        "CreateVirtualMFADevice", "EnableMFADevice", "UntagMFADevice"]
    results = [run.result("enable") for run in runs]
    winner = [r for r in results if r.get("changed")]
    assert len(winner) == 1 and winner[0]["bootstrap_file"]["path"] == str(target)
    loser = [r for r in results if not r.get("changed")][0]
    assert "bootstrap_file" not in loser
    if loser.get("failed"):
        assert "was created by another run at the same time as this one" in loser["msg"]
        assert_no_traceback(runs[0], loser)
    else:
        assert loser["virtual_mfa_device"]["user_name"] == "bob"
    assert playbooks.devices() == {serial: "bob"}
    uri = target.read_text().strip()
    assert uri.startswith("otpauth://totp/bob@%s?secret=" % playbooks.account)
    assert_seed_valid(endpoint, "bob", serial, uri.split("secret=")[1].split("&")[0])


@pytest.mark.parametrize("state", ["present", "enabled"])
def test_create_retried_after_its_answer_was_lost_says_the_seed_may_be_lost(playbooks, endpoint, tmp_path, state):
    """botocore retries a create whose answer timed out; the retry finds the device (EntityAlreadyExists), created
    by the attempt whose answer was lost. From the API this looks like a lost race, but the module sees that the
    create was retried and says that the seed may be lost (a warning for present, the failure for enabled) and how
    to replace the device, instead of quietly reporting an existing device."""
    endpoint.boto3_client("iam").create_user(UserName="dave")
    endpoint.clear_requests()
    target = tmp_path / "dave.png"
    task = dict(task="create", name="dave", bootstrap_file=str(target), aws_config={"read_timeout": 2},
                state=state, **({"user_name": "dave"} if state == "enabled" else {}))
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 60})
    try:
        proc = playbooks.start([playbooks.task(**task)])
        # The first answer is held past the 2 s read timeout; botocore retries; the retry's 409 is held too.
        wait_for(lambda: len(endpoint.requests("CreateVirtualMFADevice")) >= 2, what="the retried create")
    finally:
        endpoint.set_faults(pause_after=None)
    run = playbooks.finish(proc)
    statuses = [r["status"] for r in endpoint.requests("CreateVirtualMFADevice")]
    assert statuses[0] == 200 and set(statuses[1:]) == {409}, statuses
    result = run.result("create")
    explanation = "already existed when CreateVirtualMFADevice was retried after an attempt whose answer was lost"
    if state == "present":
        assert run.rc == 0, run.summary()
        assert result["changed"] is False
        assert any(explanation in warning for warning in result["warnings"]), result.get("warnings")
    else:
        assert run.rc == 2
        assert explanation in result["msg"] and "on_missing_seed=recreate" in result["msg"]
        assert not result.get("warnings")
        assert_no_traceback(run, result)
    assert "bootstrap_file" not in result and not target.exists()
    assert {r["action"] for r in endpoint.write_requests()} == {"CreateVirtualMFADevice"}
    assert playbooks.devices() == {playbooks.serial("dave"): None}


# ------------------------------------------------------------------------------------------------ write failure
@contextlib.contextmanager
def after_create(endpoint):
    """Hold CreateVirtualMFADevice's answer until the body of the ``with`` has run (once the device exists)."""
    endpoint.set_faults(pause_after={"action": "CreateVirtualMFADevice", "seconds": 60})
    try:
        yield
    finally:
        endpoint.set_faults(pause_after=None)


@contextlib.contextmanager
def full_tmpfs():
    """A real full file system: a 64 KiB tmpfs filled up (needs the privilege to mount; skipped otherwise)."""
    mountpoint = tempfile.mkdtemp(prefix="mfaops-full-")
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", mountpoint],
                           capture_output=True, check=False)
    if mount.returncode != 0:
        os.rmdir(mountpoint)
        pytest.skip("cannot mount a tmpfs here: %s" % mount.stderr.decode(errors="replace").strip())
    try:
        os.mkdir(os.path.join(mountpoint, "mfa"))
        fd = os.open(os.path.join(mountpoint, "filler"), os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, b"\0" * 4096):
                pass
        except OSError:
            pass  # ENOSPC: full
        finally:
            os.close(fd)
        yield os.path.join(mountpoint, "mfa")
    finally:
        subprocess.run(["umount", "-l", mountpoint], capture_output=True, check=False)
        os.rmdir(mountpoint)


def enable_carol(playbooks, endpoint, target):
    endpoint.boto3_client("iam").create_user(UserName="carol")
    endpoint.clear_requests()
    return playbooks.start(
        [playbooks.task(task="enable", name="carol", state="enabled", user_name="carol", bootstrap_file=target)],
        env={"PYTHONDONTWRITEBYTECODE": "1"})


def assert_rolled_back(playbooks, endpoint, run, target, reason):
    """The task failed naming the file and the reason; the device was created, then deleted again by the action
    plugin, never enabled (the enable waits until the seed is on disk)."""
    assert run.rc == 2, run.summary()
    result = run.result("enable")
    assert result["failed"] is True
    assert "cannot write bootstrap_file %s: %s" % (target, reason) in result["msg"]
    assert "was created, then deleted again since nobody would hold its seed" in result["msg"]
    assert "bootstrap_file" not in result
    assert_no_traceback(run, result)
    assert [(r["action"], r["status"]) for r in endpoint.write_requests()] == [
        ("CreateVirtualMFADevice", 200), ("DeleteVirtualMFADevice", 200)]
    assert playbooks.devices() == {}


def test_write_failure_when_the_directory_is_replaced_after_the_check_rolls_the_device_back(playbooks, endpoint, tmp_path):
    """The action checked (with a probe file) that the directory is writable; while the device is being created
    the directory is replaced by a regular file, so the write fails (ENOTDIR) after the device exists."""
    directory = tmp_path / "mfa"
    directory.mkdir()
    target = str(directory / "carol.png")
    with after_create(endpoint):
        proc = enable_carol(playbooks, endpoint, target)
        wait_for(lambda: endpoint.requests("CreateVirtualMFADevice"), what="CreateVirtualMFADevice")
        directory.rename(tmp_path / "moved")
        directory.write_bytes(b"not a directory")
    run = playbooks.finish(proc)
    assert_rolled_back(playbooks, endpoint, run, target, "Not a directory")
    assert directory.read_bytes() == b"not a directory"
    assert os.listdir(tmp_path / "moved") == [], "no partial file, no temp file, no probe left"


def test_write_failure_on_a_full_file_system_rolls_the_device_back(playbooks, endpoint):
    """A real ENOSPC: the bootstrap file's file system is full (a filled tmpfs; the probe file, being empty,
    still fits, so the pre-check passes); the rest of the machine is not."""
    with full_tmpfs() as directory:
        target = os.path.join(directory, "carol.png")
        run = playbooks.finish(enable_carol(playbooks, endpoint, target))
        assert_rolled_back(playbooks, endpoint, run, target, "No space left on device")
        assert os.listdir(directory) == [], "no partial file, no temp file"


def test_when_even_the_rollback_cannot_run_the_failure_says_so_and_names_the_device(playbooks, endpoint, tmp_path):
    """Every file write fails once the device exists (RLIMIT_FSIZE of 256 bytes set on the whole process tree
    while CreateVirtualMFADevice's answer is held; Python ignores SIGXFSZ, so writes raise EFBIG), and the rollback's
    DeleteVirtualMFADevice never gets an answer (its connections are dropped; the task allows one retry). The device
    stays, unassigned (it is enabled only once its seed is on disk, so the user is not locked out and a later run with
    on_missing_seed=recreate replaces it once its provisioning tag is old), and the task says so, naming it."""
    directory = tmp_path / "mfa"
    directory.mkdir()
    target = str(directory / "carol.png")
    serial = playbooks.serial("carol")
    endpoint.boto3_client("iam").create_user(UserName="carol")
    endpoint.clear_requests()
    endpoint.set_faults(drop_fraction=1.0, fault_actions=["DeleteVirtualMFADevice"])
    try:
        with after_create(endpoint):
            proc = playbooks.start([playbooks.task(
                task="enable", name="carol", state="enabled", user_name="carol", bootstrap_file=target,
                aws_config={"retries": {"mode": "standard", "max_attempts": 1}})], env={"PYTHONDONTWRITEBYTECODE": "1"})
            wait_for(lambda: endpoint.requests("CreateVirtualMFADevice"), what="CreateVirtualMFADevice")
            for pid in playbooks.process_tree(proc.pid):
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (256, 256))
        run = playbooks.finish(proc)
    finally:
        endpoint.set_faults(drop_fraction=0.0, fault_actions=None)
    assert run.rc == 2, run.summary()
    result = run.result("enable")
    assert "cannot write bootstrap_file %s: File too large" % target in result["msg"]
    assert ("Virtual MFA device %s was created but nobody holds its seed, and deleting it failed" % serial) in result["msg"]
    assert "delete it by hand" in result["msg"]
    assert result["changed"] is True
    assert os.listdir(directory) == [], "no partial file, no temp file"
    assert playbooks.devices() == {serial: None}
    assert [(r["action"], r["status"]) for r in endpoint.write_requests()] == [
        ("CreateVirtualMFADevice", 200), ("DeleteVirtualMFADevice", "dropped"), ("DeleteVirtualMFADevice", "dropped")]
