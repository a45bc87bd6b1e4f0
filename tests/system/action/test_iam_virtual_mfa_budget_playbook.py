"""The API-call budget of a converged iam_virtual_mfa run, on the user's path: ansible-playbook, the action plugin,
module_defaults for the collection's group. The in-process budgets on 1,000 devices are in
tests/unit/plugins/action/test_iam_virtual_mfa_budget.py; the calls of a converged run do not depend on the number of
devices below one page, so a small fleet shows the same counts here."""

from collections import Counter

import mfa_fleet

FLEET = 12


def converged(i, state):
    options = dict(name=mfa_fleet.name(i), path=mfa_fleet.path(i), tags=mfa_fleet.tags(i), state=state)
    if state == "enabled":
        options["user"] = mfa_fleet.holder(i)
    return options


def test_converged_playbook_makes_no_write_and_at_most_three_calls_per_task(play, endpoint, iam):
    mfa_fleet.ensure(iam, FLEET)
    indices = sorted(range(FLEET), key=mfa_fleet.serial)
    present = [i for i in indices if mfa_fleet.holder(i) is None][-1]
    enabled = [i for i in indices if mfa_fleet.holder(i) is not None][-1]
    endpoint.clear_requests()
    rc, results, output = play([
        {"name": "present", "mfaops.iam.iam_virtual_mfa": converged(present, "present")},
        {"name": "enabled", "mfaops.iam.iam_virtual_mfa": converged(enabled, "enabled")},
    ])
    assert rc == 0, output
    assert results["present"]["changed"] is False and results["enabled"]["changed"] is False
    assert Counter(request["action"] for request in endpoint.requests()) == {
        "ListVirtualMFADevices": 1, "GetUser": 1, "ListMFADevices": 1, "ListMFADeviceTags": 2}
    assert endpoint.write_requests() == []
