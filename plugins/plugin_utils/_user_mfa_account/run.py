# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One account's user_mfa run, in the controller's process: read the account once, plan every entry, then create
the missing users, offboard, and converge each user that needs it with iam_virtual_mfa's own engine
(module_utils/_virtual_mfa/converge.DeviceTask), called as a library.

The plan (plugin_utils/_fleet_plan) decides with the function DeviceTask executes, in the order the steps run here
(offboarding first), knowing IAM's limit of MFA devices per user; so a check-mode run names the users a real run
changes, and fails for the same users.  An entry whose plan has a problem fails without a call; the other entries
go on.  What makes the whole run impossible (a user listed twice, a device named by two entries, users missing and
not to be created, an offboarding entry naming another user's device) refuses it before any change.
"""

from ansible_collections.mfaops.iam.plugins.module_utils._user_mfa.api import create_user
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.converge import DeviceTask
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.errors import MFAError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import DeviceId
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import from_serial_number
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.lookup import Lookup
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.transform import diff_view
from ansible_collections.mfaops.iam.plugins.plugin_utils._accounts.naming import child_path
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_sink import BootstrapSink
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import module_params
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import plan_fleet
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.fleet import users_to_count
from ansible_collections.mfaops.iam.plugins.plugin_utils._fleet_plan.inputs import PlanInputError

from .argspec import EXTENSIONS
from .outcome import Outcome
from .read import count_mfa_devices
from .read import read_account

# The iam_virtual_mfa options an offboarding deletion passes, besides serial_number.
_ABSENT = dict(state="absent", name=None, path=None, user_name=None, tags=None, purge_tags=True, resync=False,
               reassign=False, seed=None, authentication_code_1=None, authentication_code_2=None, on_missing_seed="fail")


class Refusal(Exception):
    """The run cannot be made at all; raised before any change."""


def _iam_user(user):
    """A user of the listing as GetUser answers it (what DeviceTask takes)."""
    return {"UserName": user["user_name"], "Arn": user.get("arn"), "UserId": user.get("user_id")}


class AccountRun:
    def __init__(self, client, params, check_mode, directory, account_lookup, now):
        """``params``: the task's validated options; ``directory``: the account's bootstrap directory (absolute);
        ``account_lookup()``: (partition, account id), to predict serial numbers in check mode; ``now``: the
        creation tag's value for the devices created in this run."""
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.directory = directory
        self.account_lookup = account_lookup
        self.settings = dict(device_path=params["device_path"], tags=params["tags"], purge_tags=params["purge_tags"],
                             created_tag=params["created_tag"], now=now)
        self.warnings = []
        self._users = {}  # user name -> GetUser-shaped dict, for the users that exist (or will, in check mode)
        self._devices = {}  # serial number -> the device as listed, with its tags
        self._seen_serial = None

    def run(self):
        """The Outcome of each entry, in the entries' order. Raises Refusal, or MFAError when the account cannot be
        read; either comes before any change."""
        users, devices = read_account(self.client, self.params["max_concurrency"])
        plan = self._plan(users, devices)
        self._refuse(plan)
        self._users = {user["user_name"]: _iam_user(user) for user in users}
        self._devices = {device["serial_number"]: device for device in devices}
        self._seen_serial = next(iter(self._devices), None) or next((u["arn"] for u in users if u.get("arn")), None)
        outcomes = [Outcome(planned) for planned in plan]
        steps = list(zip(plan, outcomes))
        for planned, outcome in steps:
            if planned["state"] == "present" and not planned["user_exists"]:
                self._create_user(outcome)
        for planned, outcome in steps:  # offboarding first: it frees the names the plan gave to onboarding
            if planned["state"] == "absent":
                self._offboard(planned, outcome)
        for planned, outcome in steps:
            if planned["state"] == "present":
                self._onboard(planned, outcome)
        return outcomes

    # ------------------------------------------------------------------ plan
    def _plan(self, users, devices):
        entries = self.params["users"]
        try:
            plan = plan_fleet(entries, users, devices, self.settings)
            counted = users_to_count(plan)
            if counted:
                held = count_mfa_devices(self.client, counted, self.params["max_concurrency"])
                plan = plan_fleet(entries, users, devices, self.settings, held)
        except PlanInputError as e:
            raise Refusal(str(e)) from None
        return plan

    def _refuse(self, plan):
        missing = [p["name"] for p in plan if p["state"] == "present" and not p["user_exists"]]
        if missing and not self.params["create_users"]:
            raise Refusal("These IAM users do not exist: %s. Create them first, or set create_users=true (the user_mfa "
                          "role's user_mfa_create_users)" % ", ".join(missing))
        problems = [p["problem"] for p in plan if p["state"] == "absent" and p["problem"]]
        if problems:
            raise Refusal(" ".join(problems))

    # ------------------------------------------------------------------ steps
    def _create_user(self, outcome):
        if self.check_mode:
            user = {"UserName": outcome.name, "Arn": None, "UserId": None}
        else:
            try:
                user = create_user(self.client, outcome.name)
            except MFAError as e:
                outcome.fail_with(e)
                return
        self._users[outcome.name] = {"UserName": user["UserName"], "Arn": user.get("Arn"), "UserId": user.get("UserId")}
        outcome.user_created = outcome.changed = True

    def _offboard(self, planned, outcome):
        for deletion in planned["deletions"]:
            device = self._devices[deletion["serial_number"]]
            params = dict(_ABSENT, serial_number=device["serial_number"])
            task = DeviceTask(self.client, params, self.check_mode, from_serial_number(device["serial_number"]),
                              Lookup(_copy(device)))
            try:
                changed = task.run()
            except MFAError as e:
                outcome.changed = outcome.changed or task.wrote
                outcome.fail_with(e)
                return
            finally:
                self._warn(outcome, task)
            if changed:
                outcome.changed = True
                outcome.deleted.append(device["serial_number"])
                outcome.before.append(diff_view(device))

    def _onboard(self, planned, outcome):
        if outcome.failed:  # its user could not be created
            return
        if planned["problem"]:
            outcome.fail(planned["problem"])
            return
        if not planned["run"]:
            return
        params = module_params(planned["name"], planned["device_name"], planned["path"], planned["tags"], self.settings)
        params.update(on_missing_seed=self.params["on_missing_seed"], bootstrap_method=self.params["bootstrap_method"],
                      bootstrap_mode=self.params["bootstrap_mode"], issuer=self.params["issuer"], label=None)
        ident = DeviceId(planned["device_name"], planned["path"])
        try:
            params["bootstrap_file"] = child_path(self.directory, planned["name"] + EXTENSIONS[params["bootstrap_method"]])
            sink = BootstrapSink(params["bootstrap_file"], params)
            sink.prepare("%s%s" % (ident.path, ident.name))
        except (ValueError, BootstrapFileError) as e:
            outcome.fail(str(e))
            return
        listed = self._devices.get((planned["device"] or {}).get("serial_number"))
        task = DeviceTask(self.client, params, self.check_mode, ident, Lookup(_copy(listed), self._seen_serial),
                          self._users[planned["name"]], sink=sink, seed=sink.seed, account_lookup=self.account_lookup)
        try:
            changed = task.run()
        except MFAError as e:
            outcome.fail_with(e)
            changed = task.wrote  # a write before the failure changed the account
        finally:
            self._warn(outcome, task)
        outcome.changed = outcome.changed or changed
        if changed or not outcome.failed:
            outcome.device = task.device
        outcome.bootstrap_file = task.bootstrap

    def _warn(self, outcome, task):
        self.warnings.extend("[%s] %s" % (outcome.name, warning) for warning in task.warnings)


def _copy(device):
    """A device to hand to DeviceTask, which updates it as it goes: the listing's stays as listed."""
    return None if device is None else dict(device, tags=dict(device.get("tags") or {}))
