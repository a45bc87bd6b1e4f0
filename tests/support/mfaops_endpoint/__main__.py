"""CLI (`mfaops-endpoint`, or `python -m mfaops_endpoint`): `serve` in the foreground, or `start`/`stop` a detached
server recorded in a state directory; `organization` builds an AWS Organization on a running server."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time

from . import client


def _fault_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--latency-ms", type=float, help="sleep before each IAM call")
    p.add_argument("--throttle-fraction", type=float, help="fraction of IAM calls answered 400 Throttling")
    p.add_argument("--create-lag-seconds", type=float, help="NoSuchEntity for a device this young")
    p.add_argument("--drop-fraction", type=float, help="fraction of IAM calls whose connection is closed unanswered")
    p.add_argument("--random-seed", type=int, help="seed for the fraction-based faults")
    return p


def _faults(args) -> dict:
    return {k: getattr(args, k) for k in client.CLI_FAULTS if getattr(args, k) is not None}


def _exit_with_parent() -> None:
    """Stop this server when the process that started it goes away (e.g. a SIGKILLed pytest)."""
    parent = os.getppid()

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), 15)

    threading.Thread(target=watch, daemon=True).start()


def cmd_serve(args) -> int:
    from .server import serve

    if args.exit_with_parent:
        _exit_with_parent()
    serve(args.host, args.port, args.port_file, **_faults(args))
    return 0


def _paths(state_dir: str) -> dict[str, str]:
    return {k: os.path.join(state_dir, f"endpoint.{k}") for k in ("pid", "url", "port", "log")}


def cmd_start(args) -> int:
    os.makedirs(args.state_dir, exist_ok=True)
    paths = _paths(args.state_dir)
    if os.path.exists(paths["pid"]) and client._alive(int(open(paths["pid"]).read())):
        print(open(paths["url"]).read().strip())
        return 0
    for key in ("pid", "url", "port"):
        if os.path.exists(paths[key]):
            os.remove(paths[key])
    flags = ["--port", str(args.port), *client.fault_flags(**_faults(args))]
    proc = client.spawn_server(paths["port"], paths["log"], flags, detach=True)
    url = client.wait_ready(proc, paths["port"], paths["log"], timeout=args.timeout)
    with open(paths["pid"], "w") as f:
        f.write(f"{proc.pid}\n")
    with open(paths["url"], "w") as f:
        f.write(url + "\n")
    print(url)
    return 0


def cmd_stop(args) -> int:
    paths = _paths(args.state_dir)
    if os.path.exists(paths["pid"]):
        client.stop_pid(int(open(paths["pid"]).read()), timeout=args.timeout)
    for key in ("pid", "url", "port"):
        if os.path.exists(paths[key]):
            os.remove(paths[key])
    return 0


def cmd_organization(args) -> int:
    """An organization on the server at --url: member accounts with OrganizationAccountAccessRole, spread over OUs."""
    import boto3
    import botocore.exceptions

    from .organization import create_organization

    organizations = boto3.session.Session().client(
        "organizations", endpoint_url=args.url, region_name="us-east-1", aws_access_key_id="testing",
        aws_secret_access_key="testing")
    try:
        created = create_organization(organizations, args.accounts, tuple(args.ou or ()), name_prefix=args.name_prefix)
    except botocore.exceptions.ClientError as e:
        print(f"mfaops-endpoint organization: {e}", file=sys.stderr)
        return 1
    print(json.dumps(created, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=_prog(), description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", parents=[_fault_parser()], help="run in the foreground")
    serve.add_argument("--host", default="127.0.0.1", choices=["127.0.0.1"], help="only loopback is allowed")
    serve.add_argument("--port", type=int, default=0, help="0: any free port")
    serve.add_argument("--port-file", help="write the bound port here once listening")
    serve.add_argument("--exit-with-parent", action="store_true", help=argparse.SUPPRESS)
    serve.set_defaults(func=cmd_serve)
    start = sub.add_parser("start", parents=[_fault_parser()], help="start a detached server")
    start.add_argument("--state-dir", required=True)
    start.add_argument("--port", type=int, default=0, help="0: any free port (the URL is printed)")
    start.add_argument("--timeout", type=float, default=60, help="seconds to wait for health")
    start.set_defaults(func=cmd_start)
    stop = sub.add_parser("stop", help="stop the server started with the same --state-dir")
    stop.add_argument("--state-dir", required=True)
    stop.add_argument("--timeout", type=float, default=10, help="seconds between SIGTERM and SIGKILL")
    stop.set_defaults(func=cmd_stop)
    org = sub.add_parser("organization", help="create an AWS Organization on a running server (prints it as JSON)")
    org.add_argument("--url", required=True, help="the server's URL, such as http://127.0.0.1:5000")
    org.add_argument("--accounts", type=int, default=3, help="member accounts (besides the management account)")
    org.add_argument("--ou", action="append", help="an OU under the root (repeat; default Production, Development)")
    org.add_argument("--name-prefix", default="member", help="account names are <prefix>-000, <prefix>-001, ...")
    org.set_defaults(func=cmd_organization)
    args = parser.parse_args(argv)
    if args.func is cmd_organization and args.ou is None:
        args.ou = ["Production", "Development"]
    return args.func(args)


def _prog() -> str:
    """`mfaops-endpoint` when run as the console script, `python -m mfaops_endpoint` otherwise."""
    name = os.path.basename(sys.argv[0] or "")
    return name if name.startswith("mfaops-endpoint") else "python -m mfaops_endpoint"


if __name__ == "__main__":
    sys.exit(main())
