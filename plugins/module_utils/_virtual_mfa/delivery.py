# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The protocol between converge.DeviceTask and the sink that receives a new device's seed (on the controller,
plugin_utils/_bootstrap_sink.BootstrapSink).

A sink has ``refusal`` (why no device may be created, or None), ``write(serial, seed)`` (once, right after the
create), ``remove_written()`` (the device was deleted again) and ``describe()`` (what the result shows of the file);
``write`` and ``remove_written`` raise DeliveryError.
"""


class DeliveryError(Exception):
    """The sink could not write (or remove) the bootstrap file; the message names the path and the reason."""


def no_sink_refusal(device_label):
    """Why a device cannot be created when the task has no bootstrap_file."""
    return ("Virtual MFA device %s does not exist and cannot be created without bootstrap_file: AWS returns its seed "
            "only once, at creation" % device_label)
