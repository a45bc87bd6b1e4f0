# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bring one virtual MFA device to the state a task asks for, in the controller's process, predicting every change
in check mode.

``plan.decide`` says what to do; DeviceTask does it, with what a decision cannot know: the seed (created here, or
given from the controller), the bootstrap file (``sink``, written between the create and the enable), the
provisioning marker, rollback, and the messages.  ``self.wrote`` records whether any write call was made, so a
failure after one reports ``changed=true``.  Failures raise MFAError; nothing here exits.
"""

import enum
import time

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code

from .._common.arn import partition_and_account
from .._common.stamps import stamp as utc_stamp
from . import api
from .delivery import DeliveryError
from .delivery import no_sink_refusal
from .errors import MFAError
from .lookup import find_device
from .marker import GRACE_SECONDS
from .marker import MARKER_KEY
from .marker import now_value
from .marker import provisioning
from .marker import without_marker
from .plan import MAX_MFA_DEVICES
from .plan import MAX_TAGS
from .plan import Want
from .plan import decide
from .plan import replacement_tags
from .totp import CodeClock
from .transform import device_for_user

# How often a device that CreateVirtualMFADevice says exists is looked for before giving up (1 + 2 + ... seconds).
_REREAD_ATTEMPTS = 4
_SEED_SOURCES = "seed, a Base32StringSeed or OtpauthURI bootstrap_file, or authentication_code_1/authentication_code_2"


class Race(enum.Enum):
    """What CreateVirtualMFADevice's EntityAlreadyExists meant for this run."""
    NONE = "none"  # no race: this run created the device, or did not need to
    CONCURRENT = "concurrent"  # another run created the device after this one looked; that run holds the seed
    RETRIED = "retried"  # botocore retried the create: the attempt whose answer was lost may have made it (no seed)


class DeviceTask:
    def __init__(self, client, params, check_mode, ident, lookup, user=None, sink=None, seed=None,
                 account_lookup=None, sleep=None, now=None):
        """``lookup``: a lookup.Lookup; ``user``: the GetUser answer for state=enabled; ``sink``: the bootstrap file
        (delivery.py's protocol);
        ``seed``: a seed held on the controller (normalized), or None; ``account_lookup()``: (partition, account
        id), to predict a new device's serial number in check mode; ``sleep`` and ``now``: the clock (default: the
        ``time`` module's, looked up when the task is made)."""
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.ident = ident
        self.device = lookup.device
        self.seen_serial = lookup.seen_serial
        self.user_devices = getattr(lookup, "user_devices", None)  # what the user holds, for IAM's 8-device limit
        self.user = user
        self.sink = sink
        self.account_lookup = account_lookup
        self.sleep = sleep or time.sleep
        self.now = now or time.time
        self.clock = CodeClock(seed, self.sleep, self.now) if seed else None
        self.hand_codes = None
        if params.get("authentication_code_1"):
            self.hand_codes = (params["authentication_code_1"], params["authentication_code_2"])
        self.want = Want.from_params(params)
        self.fresh = False  # the device was created in this run: IAM may not know it everywhere yet
        self.wrote = False  # a write call was made (a failure then reports changed=true)
        self.bootstrap = None  # the bootstrap file written (or that would be, in check mode)
        self.race = Race.NONE  # whether the device appeared between this run's lookup and its create, and how
        self.warnings = []

    # ------------------------------------------------------------------ entry point
    def run(self):
        """Converge; returns whether anything changed (or in check mode would change)."""
        decision = decide(self.device, self.want, self._held())
        if decision.problem:
            raise MFAError(message=decision.problem)
        if self.want.state == "absent":
            return self._absent(decision)
        if decision.create:
            if self._create(self.want.tags or {}):
                if self.want.state == "enabled":
                    self._enable_new()
                return True
            decision = decide(self.device, self.want, self._held())  # lost a create race: carry on as found
            if decision.problem:
                raise MFAError(message=decision.problem)
        if decision.enable and not decision.deactivate and not self._seed_known():
            self._replace_unrecoverable()  # fails, or replaces the device, with its tags, before any tag write
            return True
        changed = self._apply_tags(decision)
        if decision.deactivate and decision.enable:
            return self._reassign(decision.deactivate, decision.enable) or changed
        if decision.deactivate:
            self._deactivate(decision.deactivate)
            return True
        if decision.enable:
            self._enable_unassigned(decision.enable)
            return True
        if decision.resync:
            self._resync(decision.resync)
            return True
        return changed

    def _held(self):
        """How many MFA devices the user holds, when their listing was read (IAM's limit: plan.MAX_MFA_DEVICES)."""
        return None if self.user_devices is None else len(self.user_devices)

    # ------------------------------------------------------------------ create / delete
    def _absent(self, decision):
        if not decision.delete:
            return False
        if decision.deactivate:
            self._deactivate(decision.deactivate)
        self._delete()
        return True

    def _delete(self):
        if not self.check_mode:
            self._write(api.delete_device, self.client, self.device["serial_number"])
        self.device = None

    def _create(self, tags):
        """Create the device and hand its seed to the sink; False when another run created it first."""
        if self.ident.serial_number is not None:
            raise MFAError(message=(
                "No virtual MFA device has serial_number %s; give name (and path) to create one" % self.ident.serial_number))
        if self.sink is None or self.sink.refusal:
            refusal = self.sink.refusal if self.sink else no_sink_refusal(self.ident.path + self.ident.name)
            raise MFAError(message=refusal)
        if self.check_mode:
            serial = self._predicted_serial()
        else:
            try:
                serial, seed = api.create_device(self.client, self.ident.name, self.ident.path,
                                                 dict(tags, **{MARKER_KEY: now_value()}))
            except is_ansible_aws_error_code("EntityAlreadyExists") as e:
                self._lost_race(e)
                return False
            except MFAError as e:  # pylint: disable=bad-except-order  # the clause above takes one error code only
                if not _unanswered(e):
                    raise
                self.wrote = True  # IAM may have created the device, and no answer brought its seed
                label = self.ident.path + self.ident.name
                raise MFAError(message=(
                    "%s. If IAM created virtual MFA device %s, nobody holds its seed: it is enabled for nobody and "
                    "carries the provisioning tag %s; replace it once the tag is %d seconds old (on_missing_seed="
                    "recreate) or delete it (state=absent)" % (_reason(e), label, MARKER_KEY, GRACE_SECONDS)))
            self.wrote = self.fresh = True
            self._deliver(serial, seed)
            self.clock = CodeClock(seed, self.sleep, self.now)
        self.bootstrap = self.sink.describe()
        self.device = {
            "serial_number": serial, "name": self.ident.name, "path": self.ident.path,
            "user_name": None, "user_arn": None, "user_id": None, "enable_date": None, "tags": dict(tags),
        }
        if self.want.state != "enabled" and not self.check_mode:
            self._remove_marker(serial)  # the seed is on disk: whoever holds the file can use the device
        return True

    def _deliver(self, serial, seed):
        """Write the seed; if that fails, delete the device again (nobody would hold its seed)."""
        try:
            self.sink.write(serial, seed)
        except DeliveryError as e:
            try:
                api.delete_device(self.client, serial, fresh=True)
            except MFAError as rollback:
                raise MFAError(message=(
                    "%s. Virtual MFA device %s was created but nobody holds its seed, and deleting it failed (%s): "
                    "delete it by hand" % (e, serial, rollback.message)))
            raise MFAError(message=(
                "%s. Virtual MFA device %s was created, then deleted again since nobody would hold its seed" % (e, serial)))

    def _remove_marker(self, serial):
        try:
            api.untag_device(self.client, serial, [MARKER_KEY], fresh=True)
        except MFAError as e:
            self.warnings.append(
                "Could not remove the provisioning tag %s from %s (%s); it expires by itself after %d seconds"
                % (MARKER_KEY, serial, _reason(e), GRACE_SECONDS))

    def _enable_new(self):
        """Enable the device this run created, its seed already on disk."""
        user_name = self.user["UserName"]
        if not self.check_mode:
            serial = self.device["serial_number"]
            try:
                self._with_codes(lambda codes: api.enable_device(self.client, user_name, serial, codes, fresh=True))
            except is_ansible_aws_error_code("LimitExceeded") as e:
                self._undo_create(serial, e, (
                    "IAM user %s holds %d MFA devices, the most IAM allows (one was added since this task looked)"
                    % (user_name, MAX_MFA_DEVICES)))
            except MFAError as e:  # pylint: disable=bad-except-order  # the clause above takes one error code only
                raise MFAError(message=(
                    "Virtual MFA device %s was created and its seed written to %s, but enabling it for %s failed: %s. "
                    "Run the task again: a text bootstrap_file is read back as the seed; for a QR code, pass the seed it "
                    "holds with 'seed'" % (serial, self.bootstrap["path"], user_name, _reason(e))))
            self._remove_marker(serial)
            self._refresh_enable_date()
        self._assigned_to(self.user)

    def _undo_create(self, serial, error, why):
        """The device this run created can never be enabled as asked (``why``): delete it and its bootstrap file, so
        that neither a device nor a seed is left behind, then fail. If the device cannot be deleted, both stay, and
        the message says so."""
        what = "Virtual MFA device %s could not be enabled: %s" % (serial, why)
        try:
            deleted = self._write(api.delete_device, self.client, serial, fresh=True)
        except MFAError as rollback:
            deleted, failure = False, _reason(rollback)
        else:
            failure = "IAM did not find it"
        if not deleted:
            raise MFAError(message=(
                "%s. Deleting it again failed (%s): it exists, enabled for nobody, and its seed is in %s; delete it "
                "(state=absent) and remove that file, or enable it once the user has room" % (
                    what, failure, self.bootstrap["path"])), exception=error.exception)
        self.device = None
        try:
            self.sink.discard()
        except DeliveryError as e:
            raise MFAError(message="%s. The device was deleted again, but its bootstrap file was not removed: %s" % (
                what, e), exception=error.exception)
        self.bootstrap = None
        raise MFAError(message="%s. The device was deleted again and its bootstrap file %s removed" % (
            what, self.sink.describe()["path"]), exception=error.exception)

    def _lost_race(self, error):
        """CreateVirtualMFADevice answered EntityAlreadyExists: another run created the device after this one looked.
        Carry on with the device as found, without its seed (the other run holds it) and without a bootstrap file."""
        for attempt in range(_REREAD_ATTEMPTS):  # IAM is eventually consistent: the listing may lag the create
            lookup = find_device(self.client, self.ident, self.user, with_tags=True, fresh=True)
            if lookup.device is not None:
                break
            self.sleep(attempt + 1)
        else:
            raise MFAError(message=(
                "Virtual MFA device %s%s could not be created (EntityAlreadyExists) and could not be read either; run "
                "the task again" % (self.ident.path, self.ident.name)), exception=error.exception)
        self.device = lookup.device
        self.fresh = True
        self.race = Race.CONCURRENT
        if error.exception.response.get("ResponseMetadata", {}).get("RetryAttempts"):
            # botocore retried the create (a dropped connection, a timeout, a 5xx): the attempt whose answer was
            # lost may have created the device itself, and then nobody holds the seed.
            self.race = Race.RETRIED
            self.warnings.append(self._race_explanation())

    def _race_explanation(self):
        serial = self.device["serial_number"]
        if self.race is Race.RETRIED:
            return (
                "Virtual MFA device %s already existed when CreateVirtualMFADevice was retried after an attempt whose "
                "answer was lost: either another run created it (and holds its seed) or the lost attempt did (and "
                "nobody holds its seed). If no other run wrote its bootstrap file, replace it once its provisioning "
                "tag %s is %d seconds old: state=enabled with on_missing_seed=recreate, or state=absent"
                % (serial, MARKER_KEY, GRACE_SECONDS))
        return (
            "Virtual MFA device %s was created by another run at the same time as this one (EntityAlreadyExists); "
            "that run holds its seed and bootstrap file" % serial)

    def _predicted_serial(self):
        known = self.seen_serial or (self.user or {}).get("Arn")
        partition, account = partition_and_account(known) if known else self.account_lookup()
        return "arn:%s:iam::%s:mfa%s%s" % (partition, account, self.ident.path, self.ident.name)

    # ------------------------------------------------------------------ tags
    def _apply_tags(self, decision):
        if not decision.tags_to_set and not decision.tags_to_unset:
            return False
        if not self.check_mode:
            serial = self.device["serial_number"]
            if decision.tags_to_unset:
                self._write(api.untag_device, self.client, serial, decision.tags_to_unset, fresh=self.fresh)
            if decision.tags_to_set:
                self._write(api.tag_device, self.client, serial, decision.tags_to_set, fresh=self.fresh)
        self.device["tags"] = decision.tags_after
        return True

    # ------------------------------------------------------------------ assignment
    def _deactivate(self, holder):
        if not self.check_mode:
            self._write(api.deactivate_device, self.client, holder, self.device["serial_number"], fresh=self.fresh)
        self.device.update(user_name=None, user_arn=None, user_id=None, enable_date=None)

    def _enable_unassigned(self, user_name):
        if not self._seed_known():
            self._replace_unrecoverable()
            return
        if not self.check_mode:
            serial = self.device["serial_number"]
            self._with_codes(lambda codes: self._write(
                api.enable_device, self.client, user_name, serial, codes, fresh=self.fresh))
            if MARKER_KEY in (self.device.get("tags") or {}):
                self._remove_marker(serial)  # enabled: no run's provisioning needs protecting any more
            self._refresh_enable_date()
        self.device["tags"] = without_marker(self.device.get("tags"))
        self._assigned_to(self.user)

    def _reassign(self, holder, user_name):
        """Move the device from ``holder`` to ``user_name``: check the seed first (ResyncMFADevice for the holder
        changes no assignment), so that a wrong seed never leaves the holder without MFA."""
        serial = self.device["serial_number"]
        if not self._seed_known():
            raise MFAError(message=(
                "Virtual MFA device %s is enabled for %s; moving it to %s with reassign=true needs its seed (%s)"
                % (serial, holder, user_name, _SEED_SOURCES)))
        if self.check_mode:
            self._assigned_to(self.user)
            return True
        if self.clock is not None:
            try:
                self._with_codes(lambda codes: api.resync_device(self.client, holder, serial, codes))
            except is_ansible_aws_error_code("InvalidAuthenticationCode") as e:
                raise MFAError(message=(
                    "The seed given does not belong to virtual MFA device %s: ResyncMFADevice for its holder %s "
                    "rejected the codes computed from it. Nothing was moved; %s keeps the device"
                    % (serial, holder, holder)), exception=e.exception)
        self._deactivate(holder)
        try:
            self._with_codes(lambda codes: self._write(api.enable_device, self.client, user_name, serial, codes))
        except MFAError as e:
            raise MFAError(message=(
                "Virtual MFA device %s was deactivated for %s, but enabling it for %s failed: %s. The device is now "
                "enabled for nobody. To recover, run the task again with a seed source that matches the device, or give "
                "it back with state=enabled, user_name=%s (and two fresh codes or its seed)"
                % (serial, holder, user_name, _reason(e), holder)))
        self._refresh_enable_date()
        self._assigned_to(self.user)
        return True

    def _resync(self, user_name):
        if not self._seed_known():
            raise MFAError(message="resync=true needs the device's seed: give %s" % _SEED_SOURCES)
        if not self.check_mode:
            serial = self.device["serial_number"]
            self._with_codes(lambda codes: self._write(api.resync_device, self.client, user_name, serial, codes))

    def _assigned_to(self, user):
        self.device.update(user_name=user["UserName"], user_arn=user.get("Arn"), user_id=user.get("UserId"))

    def _seed_known(self):
        """A seed or codes are at hand (in check mode, a device created in this run would bring its seed)."""
        return bool(self.clock or self.hand_codes or (self.check_mode and self.bootstrap))

    def _replace_unrecoverable(self):
        """No seed for an unassigned device that must be enabled: fail, or (on_missing_seed=recreate) replace it --
        unless a run is still provisioning it."""
        serial = self.device["serial_number"]
        if self.race is not Race.NONE:  # never recreate a device another run may have just created and be about to enable
            self.warnings = []  # the message says it all
            raise MFAError(message=(
                "%s, so this task cannot enable it. Run the task again once the other run has finished (with its "
                "bootstrap file as the seed source if that is a text file)" % self._race_explanation()))
        busy, since = provisioning(self.device.get("tags"))
        if getattr(self.sink, "unread_file", False):  # before "another run": the seed may be in the task's own file
            raise MFAError(message=_unread_file_message(serial, self.sink.describe(), busy))
        if busy:
            raise MFAError(message=_provisioning_message(serial, since))
        if self.params["on_missing_seed"] != "recreate":
            raise MFAError(message=(
                "Virtual MFA device %s cannot be enabled: its seed is unrecoverable (AWS returns it only at creation) "
                "and no seed source was given (%s). Replace the device: run with on_missing_seed=recreate (and a "
                "bootstrap_file for the new seed), or delete it (state=absent) and create it again" % (serial, _SEED_SOURCES)))
        if self.sink is None or self.sink.refusal:  # refuse before deleting: the new device could not be created
            raise MFAError(message="Virtual MFA device %s has no recoverable seed and on_missing_seed=recreate cannot "
                           "replace it: %s" % (serial, self.sink.refusal if self.sink else "no bootstrap_file"))
        tags = replacement_tags(self.device.get("tags") or {}, self.want)
        if len(tags) >= MAX_TAGS:  # refuse before deleting: the new device could not be created
            kept = "" if self.want.purge_tags else " (purge_tags=false keeps the old device's)"
            raise MFAError(message=(
                "Virtual MFA device %s has no recoverable seed and on_missing_seed=recreate cannot replace it: the new "
                "device would carry %d tags%s, and a new device can carry at most %d (one of IAM's %d is the "
                "provisioning marker %s)" % (serial, len(tags), kept, MAX_TAGS - 1, MAX_TAGS, MARKER_KEY)))
        self._delete()
        if not self._create(tags):
            self._replace_unrecoverable()  # re-created by another run meanwhile: the race explains
            return
        self._enable_new()

    # ------------------------------------------------------------------ calls
    def _write(self, call, *args, **kwargs):
        """A write call. Once one has taken effect, a failure reports changed=true; so does a write whose outcome is
        unknown (no answer: a dropped connection, a timeout). One that IAM refused (an error answer) changed nothing."""
        try:
            answer = call(*args, **kwargs)
        except MFAError as e:
            if _unanswered(e):
                self.wrote = True
            raise
        self.wrote = True
        return answer

    def _with_codes(self, call):
        """Run ``call(codes)``. Codes from a seed are retried once with a fresh pair if IAM rejects them; codes given
        by hand are used once."""
        if self.clock is None:
            return call(self.hand_codes)
        try:
            return call(self.clock.next_pair())
        except is_ansible_aws_error_code("InvalidAuthenticationCode"):
            return call(self.clock.next_pair())

    def _refresh_enable_date(self):
        for entry in api.list_user_mfa_devices(self.client, self.user["UserName"]):
            if entry["SerialNumber"] == self.device["serial_number"]:
                self.device["enable_date"] = device_for_user(entry, self.user)["enable_date"]


def _unanswered(error):
    """True when IAM's answer to the call that raised ``error`` is not known (no answer: a dropped connection, a
    timeout; or one botocore could not read): the call may have taken effect."""
    return getattr(error.exception, "response", None) is None


def _reason(error):
    """The text of an MFAError, with the AWS error it wraps."""
    if error.exception is not None:
        return "%s: %s" % (error.message, error.exception)
    return error.message


def _unread_file_message(serial, bootstrap, busy):
    later = ", nor before its provisioning tag %s is %d seconds old" % (MARKER_KEY, GRACE_SECONDS) if busy else ""
    return (
        "Virtual MFA device %s is enabled for nobody and this task has no seed source for it, but its bootstrap_file "
        "%s already exists: a %s file, which this task does not read back. A run that created the device and could "
        "not enable it leaves its seed there: run the task again with that seed as 'seed' (the secret of the otpauth "
        "URI the QR code holds). Nothing was changed. If the file belongs to another device, move it away: "
        "on_missing_seed=recreate cannot replace it while that file exists (an existing bootstrap file is never "
        "replaced)%s" % (serial, bootstrap["path"], bootstrap["method"], later))


def _provisioning_message(serial, since):
    if since is None:
        stamp = "an unreadable time"
        later = "remove the tag %s once you know no run is provisioning it" % MARKER_KEY
    else:
        stamp = utc_stamp(since)
        later = "if that run died, on_missing_seed=recreate replaces the device once the tag is %d seconds old" % GRACE_SECONDS
    return (
        "Virtual MFA device %s is being provisioned by another run (tag %s set at %s): that run holds its seed and "
        "enables it. Nothing was changed. Run this task again once that run has finished; %s"
        % (serial, MARKER_KEY, stamp, later))
