# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The account's virtual MFA devices, indexed the ways the plan looks them up: by path and name exactly, by path and
name regardless of case (a clash, as IAM names are unique regardless of case), and by the user each is enabled for.
"""


class DeviceIndex:
    def __init__(self, devices):
        self.exact = {}
        self.folded = {}
        self.held = {}
        for device in devices:
            key = (device["path"], device["name"])
            self.exact[key] = device
            self.folded.setdefault((key[0].lower(), key[1].lower()), []).append(device)
            if device.get("user_name"):
                self.held.setdefault(device["user_name"], []).append(device)

    def find(self, path, name):
        """The device at exactly ``path`` + ``name``, or None."""
        return self.exact.get((path, name))

    def clash(self, path, name):
        """A device whose path and name differ from ``path`` + ``name`` only in case, or None."""
        for device in self.folded.get((path.lower(), name.lower()), []):
            if (device["path"], device["name"]) != (path, name):
                return device
        return None

    def held_by(self, user_name):
        """The devices enabled for ``user_name``, in the listing's order."""
        return list(self.held.get(user_name, []))
