"""_action_args: an action plugin's arguments as a module receives them (builtin types), validated with its messages."""

import datetime

import pytest

from ansible_collections.mfaops.iam.plugins.plugin_utils._action_args import plain

try:  # ansible-core 2.19+: the tags ansible-playbook puts on every value of a task
    from ansible._internal._datatag._tags import Origin
except ImportError:  # ansible-core 2.17, 2.18
    Origin = None


def _tagged(value):
    return Origin(path="/play.yml", line_num=3).tag(value) if Origin else value


def test_plain_gives_builtin_types_only():
    args = _tagged({_tagged("tags"): _tagged({_tagged("k"): _tagged(5), _tagged(7): _tagged(True)}),
                    _tagged("list"): _tagged([_tagged(1.5), None, (1, 2)]), "when": datetime.date(2026, 1, 2)})
    result = plain(args)
    assert result == {"tags": {"k": 5, 7: True}, "list": [1.5, None, [1, 2]], "when": "2026-01-02"}

    def types(value):
        if isinstance(value, dict):
            return {type(k) for k in value} | {t for v in value.values() for t in types(v)} | {type(value)}
        if isinstance(value, list):
            return {t for v in value for t in types(v)} | {type(value)}
        return {type(value)}

    assert types(result) <= {dict, list, str, int, float, bool, type(None)}


@pytest.mark.skipif(Origin is None, reason="ansible-core before 2.19 does not tag values")
def test_tagged_values_are_subclasses_that_plain_removes():
    assert _tagged(5).__class__ is not int and plain(_tagged(5)).__class__ is int
