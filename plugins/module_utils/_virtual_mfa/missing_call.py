# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local endpoint that lacks a call the collection makes fails the task naming the call and the endpoint to use.

Plain moto (5.x) has no TagMFADevice, UntagMFADevice nor ListMFADeviceTags: its server answers them with an HTML
"500 Internal Server Error" page, which botocore cannot parse (ResponseParserError, not a botocore error, so no
handler reported it). Other endpoints answer an unknown call with InvalidAction, NotImplemented or HTTP 501.
``watch(client)`` turns those answers from a custom ``endpoint_url`` (not an AWS host) into :class:`MissingCallError`,
a botocore error that the collection's error handlers and amazon.aws's ``fail_json_aws`` report as any other.
"""

from urllib.parse import urlparse

try:
    import botocore.exceptions
    from botocore.parsers import ResponseParserError
except ImportError:  # reported by amazon.aws's boto3 check before any client exists
    botocore = None
    ResponseParserError = ()

# What endpoints answer for a call they do not have (the query protocol's InvalidAction, and others' words for it).
UNKNOWN_CALL_CODES = ("InvalidAction", "NotImplemented", "NotImplementedException", "UnknownOperationException")
AWS_HOST_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".api.aws")
LOCAL_ENDPOINT = (
    "the collection's local endpoint, which has every call the collection makes: pip install "
    "<collection path>/tests/support (such as ~/.ansible/collections/ansible_collections/mfaops/iam/tests/support), "
    "then mfaops-endpoint serve --port 5000 and endpoint_url http://127.0.0.1:5000"
)

if botocore is not None:
    class MissingCallError(botocore.exceptions.BotoCoreError):
        """The endpoint does not implement the call; ``message`` says which and what to use instead."""

        fmt = "{message}"
else:
    MissingCallError = None


def missing_call_message(endpoint_url, service, operation):
    return (
        "the endpoint %s does not implement %s %s, which this collection calls (plain moto 5.x lacks IAM "
        "TagMFADevice, UntagMFADevice and ListMFADeviceTags). Use AWS itself or %s"
        % (endpoint_url, service, operation, LOCAL_ENDPOINT)
    )


def is_custom_endpoint(url):
    host = (urlparse(url or "").hostname or "").lower()
    return bool(host) and not host.endswith(AWS_HOST_SUFFIXES)


def _unknown_answer(exception=None, parsed=None, http_response=None):
    """Whether a call failed because the endpoint does not have it: an answer botocore cannot parse (``exception``,
    from after-call-error) or an error answer naming an unknown call (``parsed``, from after-call)."""
    if exception is not None:
        return isinstance(exception, ResponseParserError)  # moto's HTML page for a call it does not implement
    code = ((parsed or {}).get("Error") or {}).get("Code")
    return code in UNKNOWN_CALL_CODES or getattr(http_response, "status_code", None) == 501


def watch(client):
    """Make ``client``'s calls to a custom endpoint fail with MissingCallError when it lacks them; returns it."""
    if not is_custom_endpoint(client.meta.endpoint_url):
        return client
    service = client.meta.service_model.service_id

    def check(event_name="", exception=None, parsed=None, http_response=None, **_kwargs):
        if _unknown_answer(exception, parsed, http_response):
            operation = event_name.rsplit(".", 1)[-1]
            raise MissingCallError(message=missing_call_message(client.meta.endpoint_url, service, operation))

    for event in ("after-call", "after-call-error"):
        client.meta.events.register("%s.%s" % (event, service.hyphenize()), check, unique_id="mfaops-" + event)
    return client
