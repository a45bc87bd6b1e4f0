"""`Endpoint`: start/stop a server subprocess and drive its control API; process helpers shared with the CLI."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from .request_log import is_write

PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLI_FAULTS = ("latency_ms", "throttle_fraction", "create_lag_seconds", "drop_fraction", "random_seed")


def fault_flags(**faults) -> list[str]:
    """CLI flags for the fault knobs settable at start (latency_ms=5 -> ["--latency-ms", "5"])."""
    unknown = set(faults) - set(CLI_FAULTS)
    if unknown:
        raise TypeError(f"not settable at start: {sorted(unknown)} (use set_faults)")
    return [arg for k, v in faults.items() if v is not None for arg in ("--" + k.replace("_", "-"), str(v))]


def control(url: str, method: str, path: str, body: dict | None = None, timeout: float = 30):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"{url}/_mfaops/{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{method} /_mfaops/{path}: {e.code} {e.read().decode(errors='replace')}") from None


def spawn_server(port_file: str, log_path: str, args: list[str], detach: bool) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [PACKAGE_PARENT, os.environ.get("PYTHONPATH")])))
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "mfaops_endpoint", "serve", "--port", "0", "--port-file", port_file, *args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=detach,
        )


def wait_ready(proc: subprocess.Popen, port_file: str, log_path: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if os.path.exists(port_file):
            url = f"http://127.0.0.1:{open(port_file).read().strip()}"
            try:
                control(url, "GET", "health", timeout=2)
                return url
            except OSError:
                pass
        time.sleep(0.05)
    stop_pid(proc.pid)
    with open(log_path, errors="replace") as log:
        raise RuntimeError(f"mfaops_endpoint did not start (exit {proc.poll()}):\n{log.read()[-3000:]}")


def _alive(pid: int) -> bool:
    """True while `pid` is a running (not zombie) mfaops_endpoint process."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            ours = b"mfaops_endpoint" in f.read()
    except (OSError, IndexError):
        return False
    return state != "Z" and ours


def stop_pid(pid: int, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL after `timeout`; returns once the process is gone."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        if not _alive(pid):
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
    if _alive(pid):
        raise RuntimeError(f"mfaops_endpoint pid {pid} survived SIGKILL")


class Endpoint:
    """A private endpoint server (subprocess on a free port) for tests; use as a context manager."""

    def __init__(self, **faults) -> None:
        self._flags = fault_flags(**faults)
        self._proc: subprocess.Popen | None = None
        self._dir: str | None = None
        self._sts = None  # the default account's STS client, for assumed_client
        self.url: str | None = None

    def start(self) -> "Endpoint":
        self._dir = tempfile.mkdtemp(prefix="mfaops-endpoint-")
        port_file, log_path = os.path.join(self._dir, "port"), os.path.join(self._dir, "server.log")
        self._proc = spawn_server(port_file, log_path, [*self._flags, "--exit-with-parent"], detach=False)
        atexit.register(self.stop)
        self.url = wait_ready(self._proc, port_file, log_path)
        return self

    def stop(self) -> None:
        if self._proc is not None:
            stop_pid(self._proc.pid)
            self._proc.wait()
            self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
        self._sts = None

    def __enter__(self) -> "Endpoint":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def requests(self, action: str | None = None) -> list[dict]:
        return control(self.url, "GET", "requests" + (f"?action={action}" if action else ""))

    def write_requests(self) -> list[dict]:
        return [r for r in self.requests() if is_write(r["action"])]

    def clear_requests(self) -> None:
        control(self.url, "DELETE", "requests")

    def faults(self) -> dict:
        return control(self.url, "GET", "faults")

    def set_faults(self, **faults) -> dict:
        return control(self.url, "POST", "faults", faults)

    def reset(self) -> None:
        control(self.url, "POST", "reset")

    def set_clock_offset(self, seconds: float) -> dict:
        """Move the endpoint's TOTP clock ``seconds`` ahead of the real clock (see totp.py)."""
        return control(self.url, "POST", "clock", {"offset_seconds": seconds})

    def seeds(self) -> dict[str, str]:
        return control(self.url, "GET", "seeds")

    def sessions(self) -> list[dict]:
        """Every session STS AssumeRole issued since the last reset: role_arn, session_name, external_id, expiration (UTC),
        access_key_id, secret_access_key, session_token."""
        return control(self.url, "GET", "sessions")

    def add_user_mfa_device(self, user: str, kind: str, serial: str | None = None, account: str | None = None) -> str:
        """Attach a "hardware" or "fido" MFA device to an existing IAM user; returns its serial (see other_devices)."""
        body = {"user": user, "kind": kind, "serial": serial, "account": account}
        return control(self.url, "POST", "mfa_devices", body)["serial_number"]

    def set_root_mfa(self, kind: str, name: str | None = None, account: str | None = None) -> str | None:
        """Give the root user "virtual", "hardware" or "none" MFA; returns the root virtual device's serial or None."""
        return control(self.url, "POST", "root_mfa", {"kind": kind, "name": name, "account": account})["serial_number"]

    def create_organization(self, accounts: int = 20, ou_names=("Production", "Development"), **kwargs) -> dict:
        """An organization of `accounts` member accounts, each with OrganizationAccountAccessRole, spread over OUs.

        See organization.create_organization for the arguments and the answer.
        """
        from .organization import create_organization

        return create_organization(self.boto3_client("organizations"), accounts, ou_names, **kwargs)

    def assumed_client(self, account_id: str, service: str = "iam", role_name: str = "OrganizationAccountAccessRole",
                       **kwargs):
        """A boto3 client acting in `account_id` through `role_name` (STS AssumeRole from the default account)."""
        from .organization import assumed_credentials

        if self._sts is None:
            self._sts = self.boto3_client("sts")
        creds = assumed_credentials(self._sts, account_id, role_name)
        return self.boto3_client(service, **creds, **kwargs)

    def boto3_client(self, service: str = "iam", **kwargs):
        import boto3

        kwargs = {
            "endpoint_url": self.url, "region_name": "us-east-1",
            "aws_access_key_id": "testing", "aws_secret_access_key": "testing", **kwargs,
        }
        return boto3.session.Session().client(service, **kwargs)
