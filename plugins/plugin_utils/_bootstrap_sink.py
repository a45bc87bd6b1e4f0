# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the seed of a device created by the task goes: the bootstrap file on the controller.

``BootstrapSink.prepare`` looks at the file before any AWS call: a text file that exists is a seed source, and
``refusal`` says why no device may be created (no bootstrap_file, a file already there, a directory that cannot be
written, no QR code library).  ``write`` renders the seed in the chosen format and writes it once.
"""

from ansible_collections.mfaops.iam.plugins.module_utils._common.file_mode import parse_mode
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.delivery import DeliveryError
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.delivery import no_sink_refusal
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import account_id
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.identity import from_serial_number
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFile
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_file import BootstrapFileError
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import HAS_QRCODE
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import TEXT_METHODS
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import render
from ansible_collections.mfaops.iam.plugins.plugin_utils._bootstrap_formats import seed_from_text


def _mode(mode):
    try:
        return parse_mode(mode, "bootstrap_mode")
    except ValueError as e:
        raise BootstrapFileError(str(e)) from None


class BootstrapSink:
    def __init__(self, path, params):
        """``path``: the absolute bootstrap_file path (resolved by the caller), or None."""
        self.params = params
        self.target = BootstrapFile(path, _mode(params["bootstrap_mode"])) if path else None
        self.refusal = None
        self.seed = None  # a seed read back from an existing text bootstrap file
        self.unread_file = False  # the file exists and is a QR code, which is not read back

    def prepare(self, device_label):
        """Inspect the file (raises BootstrapFileError for a path that can never be used); sets ``seed`` and
        ``refusal``."""
        if self.target is None:
            self.refusal = no_sink_refusal(device_label)
            return
        if self.target.exists():
            if self.params["bootstrap_method"] in TEXT_METHODS:
                try:
                    self.seed = seed_from_text(self.target.read_text())
                except ValueError as e:
                    raise BootstrapFileError("bootstrap_file %s holds no usable seed: %s" % (self.target.path, e))
            else:
                self.unread_file = True
            self.refusal = (
                "Virtual MFA device %s does not exist and bootstrap_file %s already exists: an existing bootstrap file "
                "is never replaced. Move it away (after checking whom it belongs to) or choose another path"
                % (device_label, self.target.path))
            return
        if self.params["bootstrap_method"] == "QRCodePNG" and not HAS_QRCODE:
            self.refusal = "bootstrap_method=QRCodePNG needs the qrcode and pypng Python libraries on the controller"
            return
        try:
            self.target.check_writable()
        except BootstrapFileError as e:
            self.refusal = "Virtual MFA device %s does not exist and cannot be created safely: %s" % (device_label, e)

    def describe(self):
        return dict(path=self.target.path, method=self.params["bootstrap_method"], mode="%04o" % self.target.mode)

    def discard(self):
        """Remove the file write() wrote (its device was deleted again); raises DeliveryError naming the reason."""
        try:
            self.target.remove_written()
        except BootstrapFileError as e:
            raise DeliveryError(str(e))

    def write(self, serial, seed):
        label = self.params["label"] or "%s@%s" % (from_serial_number(serial).name, account_id(serial))
        try:
            self.target.write(render(self.params["bootstrap_method"], seed, label, self.params["issuer"]))
        except (BootstrapFileError, ValueError) as e:
            raise DeliveryError(str(e))
