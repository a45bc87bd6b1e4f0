"""errors.MFAErrorHandler: every exception a call raises becomes an MFAError naming the call, never quoting answers."""

import pytest
from botocore.exceptions import ClientError
from botocore.exceptions import EndpointConnectionError
from botocore.parsers import ResponseParserError

from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAErrorHandler
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import operation_of

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _make_api_call(operation_name, exception):  # named like botocore's BaseClient._make_api_call
    raise exception


def _call(operation_name, exception):
    """A stand-in for client.<method>(...): raises ``exception`` from inside a frame like botocore's."""
    return lambda *args, **kwargs: _make_api_call(operation_name, exception)


def _unparseable():
    body = "b'<CreateVirtualMFADeviceResult><Base32StringSeed>%s'" % SEED
    return ResponseParserError("Unable to parse response (no element found: line 1, column 80), invalid XML received. "
                               "Further retries may succeed:\n" + body)


def test_an_unparseable_answer_names_the_call_and_never_quotes_the_answer():
    create = MFAErrorHandler.common_error_handler("create virtual MFA device")(
        _call("CreateVirtualMFADevice", _unparseable()))
    with pytest.raises(MFAError) as caught:
        create()
    assert caught.value.message == (
        "Failed to create virtual MFA device: CreateVirtualMFADevice failed with ResponseParserError: Unable to parse "
        "response (no element found: line 1, column 80), invalid XML received. Further retries may succeed. The answer "
        "was not IAM's: an endpoint that does not implement CreateVirtualMFADevice, or a proxy, answered; whether the "
        "call took effect is unknown")
    assert caught.value.exception is None and SEED not in str(caught.value)
    assert isinstance(caught.value.__cause__, ResponseParserError)


def test_a_read_whose_answer_is_unparseable_does_not_wonder_whether_it_took_effect():
    listing = MFAErrorHandler.list_error_handler("list the tags of a virtual MFA device")(
        _call("ListMFADeviceTags", _unparseable()))
    with pytest.raises(MFAError) as caught:
        listing()
    assert "ListMFADeviceTags failed with ResponseParserError" in caught.value.message
    assert "took effect" not in caught.value.message


def test_a_connection_error_names_the_call_once_even_through_nested_handlers():
    error = EndpointConnectionError(endpoint_url="https://iam.amazonaws.com/")
    inner = MFAErrorHandler.common_error_handler("list virtual MFA devices")(_call("ListVirtualMFADevices", error))
    outer = MFAErrorHandler.deletion_error_handler("list virtual MFA devices")(inner)
    with pytest.raises(MFAError) as caught:
        outer()
    assert caught.value.message == "Failed to list virtual MFA devices (ListVirtualMFADevices)"
    assert caught.value.exception is error


def test_a_client_error_keeps_amazon_aws_wording_and_the_deletion_handler_still_takes_no_such_entity_as_gone():
    refused = ClientError({"Error": {"Code": "LimitExceeded", "Message": "quota"}}, "EnableMFADevice")
    enable = MFAErrorHandler.common_error_handler("enable MFA device")(_call("EnableMFADevice", refused))
    with pytest.raises(MFAError) as caught:
        enable()
    assert caught.value.message == "Failed to enable MFA device" and caught.value.exception is refused
    assert "EnableMFADevice operation" in str(caught.value)
    missing = ClientError({"Error": {"Code": "NoSuchEntity", "Message": "gone"}}, "DeleteVirtualMFADevice")
    handler = MFAErrorHandler.deletion_error_handler("delete virtual MFA device")
    delete = handler(_call("DeleteVirtualMFADevice", missing))
    assert delete() is False


def test_any_other_exception_of_a_call_is_an_mfa_error_showing_only_its_type_outside_botocore():
    broken = MFAErrorHandler.common_error_handler("create virtual MFA device")(
        lambda: {"VirtualMFADevice": {"Base32StringSeed": SEED}}["VirtualMFADevice"]["SerialNumber"])
    with pytest.raises(MFAError) as caught:
        broken()
    assert caught.value.message == "Failed to create virtual MFA device: KeyError"


def test_operation_of_without_a_botocore_frame_is_none():
    try:
        raise ValueError("x")
    except ValueError as e:
        assert operation_of(e) is None
