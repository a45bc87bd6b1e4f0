"""The WSGI middleware around moto's app (faults, request log, one lock) and the threaded server that runs it.

IAM requests (query protocol, signed for iam or Version 2010-05-08) go through the faults and the request log, each
entry naming the account the request acted in (accounts.request_account). STS AssumeRole of a role that does not
exist answers AccessDenied here (accounts.assume_role_refusal). Everything else (other STS calls, Organizations,
...) goes to moto untouched.
"""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import threading
import time
import uuid
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from werkzeug.serving import WSGIRequestHandler, make_server

from . import accounts, control, credential_report, iam_fidelity, organizations_fidelity, root_mfa
from .faults import Faults
from .request_log import RequestLog

SCOPE = re.compile(r"/([a-z0-9-]+)/aws4_request")
IAM_VERSION = "2010-05-08"
STS_VERSION = "2011-06-15"
VERSIONS = {IAM_VERSION: "iam", STS_VERSION: "sts"}
PATCHES = (iam_fidelity, root_mfa, credential_report, organizations_fidelity)  # each install() patches moto in place


def iam_error(status: int, code: str, message: str, service: str = "iam") -> tuple[str, list, bytes]:
    """An answer in IAM's (or STS's) XML error shape, as botocore's query protocol parser expects."""
    version = {"iam": IAM_VERSION, "sts": STS_VERSION}[service]
    body = (
        f'<ErrorResponse xmlns="https://{service}.amazonaws.com/doc/{version}/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()
    reason = {400: "Bad Request", 403: "Forbidden", 404: "Not Found"}.get(status, "Error")
    return f"{status} {reason}", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))], body


def _query_request(environ) -> tuple[str | None, dict[str, str]]:
    """("iam" | "sts" | None, decoded form fields) of a query-protocol request; the body is put back for moto."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    params = dict(parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True))
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    if "Action" not in params:
        return None, params
    scope = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    service = scope.group(1) if scope else VERSIONS.get(params.get("Version"))
    return (service if service in ("iam", "sts") else None), params


# A proxy's error page: HTML that is not XML (void tags never closed), and that does not start with "<html>" either,
# which botocore would recognise as a generic error page and turn into a ClientError with code "500".
HTML_500 = (
    b"<!DOCTYPE html>\n<html><head><meta charset=utf-8><title>500 Internal Server Error</title></head>"
    b"<body><h1>Internal Server Error</h1><hr><p>proxy</body></html>\n"
)


def garbage_answer(kind: str, answer: tuple[str, list, bytes] | None = None) -> tuple[str, list, bytes]:
    """The "html_500" page, or ``answer`` (moto's, for a call that was executed) cut in half."""
    if kind == "html_500":
        headers = [("Content-Type", "text/html"), ("Content-Length", str(len(HTML_500)))]
        return "500 Internal Server Error", headers, HTML_500
    status, headers, body = answer
    body = body[: len(body) // 2]
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [("Content-Length", str(len(body)))]
    return status, headers, body


def _drop_connection(environ) -> None:
    """Close the client's TCP connection without an answer; werkzeug treats the error as a dropped client."""
    sock = environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("mfaops_endpoint: dropped by drop_fraction")


class MfaopsApp:
    def __init__(self, moto_app, faults: Faults) -> None:
        self.moto_app = moto_app
        self.faults = faults
        self.log = RequestLog()
        self.lock = threading.RLock()  # moto's backends are not thread-safe: one moto call at a time

    def call_moto(self, environ) -> tuple[str, list, bytes]:
        captured = {}

        def start_response(status, headers, exc_info=None):
            captured.update(status=status, headers=headers)

        with self.lock:
            chunks = self.moto_app(environ, start_response)
            try:
                body = b"".join(chunks)
            finally:
                getattr(chunks, "close", lambda: None)()
        return captured["status"], captured["headers"], body

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/_mfaops/"):
            return control.handle(self, environ, start_response)
        service, params = _query_request(environ)
        if service == "iam":
            status, headers, body = self.call_iam(environ, params)
        elif service == "sts" and params["Action"] == "AssumeRole":
            status, headers, body = self.call_assume_role(environ, params)
        else:  # neither IAM nor AssumeRole: no faults, no log
            status, headers, body = self.call_moto(environ)
        start_response(status, headers)
        return [body]

    def call_assume_role(self, environ, params: dict[str, str]) -> tuple[str, list, bytes]:
        with self.lock:
            refusal = accounts.assume_role_refusal(environ, params)
        if refusal is not None:
            return iam_error(*refusal, service="sts")
        return self.call_moto(environ)

    def call_iam(self, environ, params: dict[str, str]) -> tuple[str, list, bytes]:
        action, started = params["Action"], time.time()
        with self.lock:
            account = accounts.request_account(environ)
        time.sleep(self.faults.latency_seconds())
        fault = self.faults.decide(action, params)
        if fault == "drop":
            self.log.record(action, params, "dropped", started, account)
            _drop_connection(environ)
        if fault == "throttle":
            answer = iam_error(400, "Throttling", "Rate exceeded")
        elif fault == "lag":
            answer = iam_error(404, "NoSuchEntity", f"MFA device {params.get('SerialNumber')} cannot be found.")
        elif fault == "html_500":
            answer = garbage_answer(fault)
        elif fault == "truncated":
            answer = garbage_answer(fault, self.call_moto(environ))
        else:
            answer = self.call_moto(environ)
        self.log.record(action, params, int(answer[0].split()[0]), started, account)
        if fault is None:
            self.faults.hold(action)
        return answer


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # no access log; errors are still logged
        pass


def serve(host: str = "127.0.0.1", port: int = 0, port_file: str | None = None, **fault_settings) -> None:
    """Run the endpoint in the foreground until SIGTERM/SIGINT."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    for patch in PATCHES:
        patch.install()
    app = MfaopsApp(DomainDispatcherApplication(create_backend_app), Faults(**fault_settings))
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    os.environ.setdefault("MOTO_PORT", str(server.server_port))
    url = f"http://{host}:{server.server_port}"

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if port_file:
        with open(port_file + ".tmp", "w") as f:
            f.write(f"{server.server_port}\n")
        os.replace(port_file + ".tmp", port_file)
    print(url, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
