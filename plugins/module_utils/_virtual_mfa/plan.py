# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What iam_virtual_mfa would do to one device: a pure decision from the device as listed and the task's wishes.

The module's converge (converge.DeviceTask) executes it, and the plan of the user_mfa role (plugin_utils/_fleet_plan,
through the action user_mfa_account and the ``virtual_mfa_plan`` filter) calls the same function to converge only the
users whose device needs a change, so the two cannot drift.  No AWS call, no clock, no seed here.
"""

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .marker import MARKER_KEY

MAX_TAGS = 50
# MFA devices of any kind (virtual, FIDO, hardware) an IAM user may hold (since November 2022); EnableMFADevice
# answers LimitExceeded beyond.
MAX_MFA_DEVICES = 8


class Want:
    """What a task asks for: state, user, tags (None: leave them), purge_tags, resync, reassign."""

    def __init__(self, state, user=None, tags=None, purge_tags=True, resync=False, reassign=False):
        self.state = state
        self.user = user
        self.tags = tags
        self.purge_tags = purge_tags
        self.resync = resync
        self.reassign = reassign

    @classmethod
    def from_params(cls, params):
        return cls(params["state"], params.get("user_name"), params.get("tags"), params.get("purge_tags", True),
                   params.get("resync", False), params.get("reassign", False))


class Decision:
    """The steps, in order of execution; ``problem`` is why the task must fail before any of them."""

    def __init__(self):
        self.create = False
        self.tags_to_set = {}
        self.tags_to_unset = []
        self.deactivate = None  # the current holder, to deactivate for
        self.enable = None  # the user to enable for
        self.resync = None  # the user to resync for
        self.delete = False
        self.problem = None
        self.tags_after = None

    @property
    def changed(self):
        return bool(self.create or self.tags_to_set or self.tags_to_unset or self.deactivate or self.enable
                    or self.resync or self.delete)

    def as_dict(self):
        return dict(changed=self.changed, create=self.create, tags_to_set=self.tags_to_set,
                    tags_to_unset=self.tags_to_unset, deactivate=self.deactivate, enable=self.enable,
                    resync=self.resync, delete=self.delete, problem=self.problem)


def _kept(key):
    """Keys that purge_tags never removes: AWS's own, and the provisioning marker (its run removes it)."""
    return key.lower().startswith("aws:") or key == MARKER_KEY


def tag_changes(current, wanted, purge_tags):
    """(tags to set, keys to unset) to bring ``current`` to ``wanted``: amazon.aws's compare_aws_tags, whose purge
    spares only ``aws:`` keys, then the keys _kept spares (``AWS:`` in any case, the provisioning marker) spared too."""
    if wanted is None:
        return {}, []
    to_set, to_unset = compare_aws_tags(current, wanted, purge_tags)
    return to_set, sorted(key for key in to_unset if not _kept(key))


def tags_after(current, to_set, to_unset):
    tags = {key: value for key, value in current.items() if key not in to_unset}
    tags.update(to_set)
    return tags


def replacement_tags(current, want):
    """The tags of the device on_missing_seed=recreate creates in place of one that holds ``current``: the old
    device's tags as the task would leave them (given tags merged with purge_tags=false, replacing them otherwise;
    kept when the task gives none), without the provisioning marker and the aws: keys (a create cannot set those)."""
    own = {key: value for key, value in current.items() if not _kept(key)}
    to_set, to_unset = tag_changes(own, want.tags, want.purge_tags)
    return tags_after(own, to_set, to_unset)


def _too_many_tags(count, current, params_purge):
    return (
        "tags: the device would hold %d tags after this task (it holds %d now%s); IAM allows at most %d. Remove some "
        "from the task%s" % (count, len(current), "" if params_purge else " and purge_tags=false keeps them", MAX_TAGS,
                             "" if params_purge else ", or set purge_tags=true"))


def decide(device, want, held=None):
    """The Decision for ``device`` (a device dict with ``tags`` and ``user_name``, or None when it does not exist).

    ``held``: how many MFA devices of any kind the user to enable for holds, when known; an enable that IAM's limit
    would refuse is then a problem before any step (the create included)."""
    decision = _decide(device, want)
    if decision.enable and not decision.problem and held is not None and held >= MAX_MFA_DEVICES:
        step = "created" if decision.create else "moved" if decision.deactivate else "enabled"
        decision.problem = (
            "IAM user %s already holds %d MFA devices (virtual, FIDO or hardware), the most IAM allows: enabling "
            "another for them fails with LimitExceeded, so the device is not %s. Nothing was changed; deactivate one "
            "of their devices first" % (decision.enable, held, step))
    return decision


def _decide(device, want):
    decision = Decision()
    if want.state == "absent":
        if device is not None:
            decision.deactivate = device.get("user_name")
            decision.delete = True
        return decision
    if device is None:
        decision.create = True
        decision.tags_after = dict(want.tags or {})
        if len(decision.tags_after) >= MAX_TAGS:
            decision.problem = (
                "tags: a new device can carry at most %d tags: one of IAM's %d is the provisioning marker (%s) until "
                "its seed is safe" % (MAX_TAGS - 1, MAX_TAGS, MARKER_KEY))
            return decision
        if want.state == "enabled":
            decision.enable = want.user
        return decision
    current = device.get("tags") or {}
    decision.tags_to_set, decision.tags_to_unset = tag_changes(current, want.tags, want.purge_tags)
    decision.tags_after = tags_after(current, decision.tags_to_set, decision.tags_to_unset)
    counted = [key for key in decision.tags_after if key != MARKER_KEY]
    if len(counted) > MAX_TAGS:
        decision.problem = _too_many_tags(len(counted), current, want.purge_tags)
        return decision
    holder = device.get("user_name")
    if want.state == "disabled":
        decision.deactivate = holder
    elif want.state == "enabled":
        _decide_assignment(decision, device, holder, want)
    return decision


def _decide_assignment(decision, device, holder, want):
    if holder == want.user:
        decision.resync = want.user if want.resync else None
    elif holder is None:
        decision.enable = want.user
    elif want.reassign:
        decision.deactivate = holder
        decision.enable = want.user
    else:
        decision.problem = (
            "Virtual MFA device %s is enabled for IAM user %s, not %s; set reassign=true with a seed source (seed, a "
            "Base32StringSeed or OtpauthURI bootstrap_file, or authentication_code_1/authentication_code_2) to move "
            "it" % (device["serial_number"], holder, want.user))
