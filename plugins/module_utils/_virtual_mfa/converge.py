# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bring one virtual MFA device to the state a task asks for, predicting every change in check mode.

Each ``ensure_*`` method returns whether it changed (or in check mode would change) something and keeps
``self.device`` equal to what IAM holds (or would hold) afterwards.  Failures raise MFAError; nothing here exits.
"""

import time

from ansible_collections.amazon.aws.plugins.module_utils.exceptions import is_ansible_aws_error_code
from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from . import api
from .errors import MFAError
from .identity import account_id
from .lookup import find_device
from .seal import SealError
from .seal import check_public_key
from .seal import seal
from .totp import STEP_SECONDS
from .totp import consecutive_codes
from .totp import seconds_to_next_window
from .transform import device_for_user

# How often a device that CreateVirtualMFADevice says exists is looked for before giving up (1 + 2 + ... seconds).
_REREAD_ATTEMPTS = 4


class DeviceTask:
    def __init__(self, client, params, check_mode, ident, lookup, user=None, account_lookup=None, protect=None,
                 started=None):
        """``lookup`` is a lookup.Lookup; ``user`` the GetUser answer for state=enabled; ``account_lookup()``
        returns (partition, account id) when check mode must predict a serial number; ``protect(seed)`` registers
        a new seed as a no_log value; ``started`` is the time.monotonic() at which the module started (the action
        plugin's codes_ahead count from just before it)."""
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.ident = ident
        self.device = lookup.device
        self.seen_serial = lookup.seen_serial
        self.user = user
        self.account_lookup = account_lookup
        self.protect = protect or (lambda seed: None)
        self.seed = params.get("seed")
        self.codes_ahead = params.get("_codes_ahead")  # codes the action plugin computed from a seed it kept
        self.started = time.monotonic() if started is None else started
        self.fresh = False  # the device was created in this run
        self.bootstrap = None  # what the action plugin needs to write the bootstrap file
        self.lost_race = False  # True (or "retried"): the device appeared between this run's lookup and its create
        self.warnings = []

    # ------------------------------------------------------------------ create / delete
    def ensure_present(self):
        if self.device is None and self._create():
            return True
        return self.ensure_tags()

    def ensure_absent(self):
        if self.device is None:
            return False
        self.ensure_unassigned()
        if not self.check_mode:
            api.delete_device(self.client, self.device["serial_number"])
        self.device = None
        return True

    def _create(self):
        if self.ident.serial_number is not None:
            raise MFAError(
                message="No virtual MFA device has serial_number %s; give name (and path) to create one"
                % self.ident.serial_number
            )
        if not self.params.get("_seal_key"):
            raise MFAError(message=self.params.get("_create_refusal") or (
                "Virtual MFA device %s%s does not exist and cannot be created without bootstrap_file: AWS returns "
                "its seed only once, at creation" % (self.ident.path, self.ident.name)))
        try:
            check_public_key(self.params["_seal_key"])
        except SealError as e:
            raise MFAError(message="The action plugin's _seal_key is unusable (%s); no device was created" % e)
        tags = self.params.get("tags") or {}
        if self.check_mode:
            serial = self._predicted_serial()
            self.bootstrap = {"serial_number": serial, "sealed": None}
        else:
            try:
                serial, seed = api.create_device(self.client, self.ident.name, self.ident.path, tags)
            except is_ansible_aws_error_code("EntityAlreadyExists") as e:
                self._lost_race(e)
                return False
            self.protect(seed)
            self.seed = seed
            self.fresh = True
            self.bootstrap = {"serial_number": serial, "sealed": seal(self.params["_seal_key"], seed)}
        self.device = {
            "serial_number": serial, "name": self.ident.name, "path": self.ident.path,
            "user_name": None, "user_arn": None, "user_id": None, "enable_date": None, "tags": dict(tags),
        }
        return True

    def _lost_race(self, error):
        """CreateVirtualMFADevice answered EntityAlreadyExists: another run created the device after this one looked.
        Carry on with the device as found, without its seed (the other run holds it) and without a bootstrap file."""
        for attempt in range(_REREAD_ATTEMPTS):  # IAM is eventually consistent: the listing may lag the create
            lookup = find_device(self.client, self.ident, self.user)
            if lookup.device is not None:
                break
            time.sleep(attempt + 1)
        else:
            raise MFAError(message=(
                "Virtual MFA device %s%s could not be created (EntityAlreadyExists) and could not be read either; run "
                "the task again" % (self.ident.path, self.ident.name)), exception=error.exception)
        self.device = lookup.device
        self.fresh = True
        self.lost_race = True
        self.device["tags"] = api.list_tags(self.client, self.device["serial_number"], fresh=True)
        if error.exception.response.get("ResponseMetadata", {}).get("RetryAttempts"):
            # botocore retried the create (a dropped connection, a timeout, a 5xx): the attempt whose answer was
            # lost may have created the device itself, and then nobody holds the seed.
            self.lost_race = "retried"
            self.warnings.append(self._race_explanation())

    def _race_explanation(self):
        serial = self.device["serial_number"]
        if self.lost_race == "retried":
            return (
                "Virtual MFA device %s already existed when CreateVirtualMFADevice was retried after an attempt whose "
                "answer was lost: either another run created it (and holds its seed) or the lost attempt did (and "
                "nobody holds its seed). If no other run wrote its bootstrap file, replace it: state=enabled with "
                "on_missing_seed=recreate, or state=absent" % serial)
        return (
            "Virtual MFA device %s was created by another run at the same time as this one (EntityAlreadyExists); "
            "that run holds its seed and bootstrap file" % serial)

    def _predicted_serial(self):
        known = self.seen_serial or (self.user or {}).get("Arn")
        if known:
            partition, account = known.split(":")[1], account_id(known)
        else:
            partition, account = self.account_lookup()
        return "arn:%s:iam::%s:mfa%s%s" % (partition, account, self.ident.path, self.ident.name)

    # ------------------------------------------------------------------ tags
    def ensure_tags(self):
        wanted = self.params.get("tags")
        if wanted is None:
            return False
        current = self.device["tags"]
        to_set, to_unset = compare_aws_tags(current, wanted, self.params["purge_tags"])
        if not to_set and not to_unset:
            return False
        if not self.check_mode:
            serial = self.device["serial_number"]
            if to_unset:
                api.untag_device(self.client, serial, to_unset, fresh=self.fresh)
            if to_set:
                api.tag_device(self.client, serial, to_set, fresh=self.fresh)
        tags = {key: value for key, value in current.items() if key not in to_unset}
        tags.update(to_set)
        self.device["tags"] = tags
        return True

    # ------------------------------------------------------------------ assignment
    def ensure_unassigned(self):
        holder = self.device["user_name"]
        if holder is None:
            return False
        if not self.check_mode:
            api.deactivate_device(self.client, holder, self.device["serial_number"], fresh=self.fresh)
        self.device.update(user_name=None, user_arn=None, user_id=None, enable_date=None)
        return True

    def ensure_enabled(self):
        user_name = self.user["UserName"]
        holder = self.device["user_name"]
        if holder == user_name:
            return self._resync() if self.params["resync"] else False
        if holder is not None and not self.params["reassign"]:
            raise MFAError(message=(
                "Virtual MFA device %s is enabled for IAM user %s, not %s; set reassign=true (with a seed source) "
                "to move it" % (self.device["serial_number"], holder, user_name)))
        if not self._seed_known():
            self._replace_unrecoverable()
        if self.fresh and self.params.get("_defer_enable"):
            # The action plugin writes the seed of a device created in this run before it is enabled (a second run),
            # so a failed write leaves an unassigned device to delete or recreate, never an enabled one nobody can use.
            self.bootstrap["enable_pending"] = True
            return True
        self.ensure_unassigned()
        if not self.check_mode:
            self._with_codes(lambda codes: api.enable_device(
                self.client, user_name, self.device["serial_number"], codes, fresh=self.fresh))
            self._refresh_enable_date()
        self.device.update(user_name=user_name, user_arn=self.user["Arn"], user_id=self.user.get("UserId"))
        return True

    def _resync(self):
        if not self._seed_known():
            raise MFAError(message=(
                "resync=true needs the device's seed: give seed, a Base32StringSeed or OtpauthURI bootstrap_file, "
                "or authentication_code_1/authentication_code_2"))
        if not self.check_mode:
            self._with_codes(lambda codes: api.resync_device(
                self.client, self.user["UserName"], self.device["serial_number"], codes))
        return True

    def _seed_known(self):
        """A seed or codes are at hand (in check mode, a device created in this run would bring its seed)."""
        return bool(
            self.seed or self.codes_ahead or self.params.get("authentication_code_1") or (self.check_mode and self.bootstrap))

    def _replace_unrecoverable(self):
        """No seed for a device that must be enabled: fail, or (on_missing_seed=recreate) delete and recreate it."""
        serial = self.device["serial_number"]
        if self.lost_race:  # never recreate a device another run may have just created and be about to enable
            self.warnings = []  # the message says it all
            raise MFAError(message=(
                "%s, so this task cannot enable it. Run the task again once the other run has finished (with its "
                "bootstrap file as the seed source if that is a text file)" % self._race_explanation()))
        if self.params["on_missing_seed"] == "recreate" and self.device["user_name"] is None:
            if not self.params.get("_seal_key"):  # refuse before deleting: the new device could not be created
                raise MFAError(message="Virtual MFA device %s has no recoverable seed and on_missing_seed=recreate cannot "
                               "replace it: %s" % (serial, self.params.get("_create_refusal") or "no bootstrap_file"))
            self.ensure_absent()
            if not self._create():
                self._replace_unrecoverable()  # re-created by another run meanwhile: lost_race explains
            return
        raise MFAError(message=(
            "Virtual MFA device %s cannot be enabled: its seed is unrecoverable (AWS returns it only at creation) and "
            "no seed source was given (seed, a Base32StringSeed or OtpauthURI bootstrap_file, or "
            "authentication_code_1/authentication_code_2). Replace the device: run with on_missing_seed=recreate, or "
            "delete it (state=absent) and create it again with a new bootstrap_file" % serial))

    def _with_codes(self, call):
        """Run ``call(codes)``; codes from a seed (this run's, or the action plugin's codes_ahead) are retried once,
        in the next 30-second window, if IAM rejects them."""
        if self.seed:
            codes, wait = self._codes_from_seed, seconds_to_next_window
        elif self.codes_ahead:
            codes, wait = self._codes_now, self._seconds_to_next_window_ahead
        else:
            return call((self.params["authentication_code_1"], self.params["authentication_code_2"]))
        try:
            return call(codes())
        except is_ansible_aws_error_code("InvalidAuthenticationCode"):
            time.sleep(wait() + 1)
            return call(codes())

    def _codes_from_seed(self):
        return consecutive_codes(self.seed)

    def _elapsed_ahead(self):
        return self.codes_ahead["offset"] + time.monotonic() - self.started

    def _seconds_to_next_window_ahead(self):
        return STEP_SECONDS - self._elapsed_ahead() % STEP_SECONDS

    def _codes_now(self):
        """The pair of codes_ahead for the current window (counted on the controller's clock, from when the action
        plugin computed them)."""
        pairs = self.codes_ahead["pairs"]
        index = int(self._elapsed_ahead() // STEP_SECONDS)
        if index >= len(pairs):
            raise MFAError(message=(
                "The codes computed on the controller from the seed cover %d seconds and this task has run longer; run "
                "it again" % (len(pairs) * STEP_SECONDS)))
        return tuple(pairs[index])

    def _refresh_enable_date(self):
        for entry in api.list_user_mfa_devices(self.client, self.user["UserName"]):
            if entry["SerialNumber"] == self.device["serial_number"]:
                self.device["enable_date"] = device_for_user(entry, self.user)["enable_date"]
