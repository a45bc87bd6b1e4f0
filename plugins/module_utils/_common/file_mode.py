# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mode of a file the collection writes on the controller (bootstrap_mode, report_mode): one rule for all."""

import re
import stat

_OCTAL = re.compile(r"(?:0o)?[0-7]{1,5}")


def parse_mode(mode, option="mode"):
    """``mode`` as an int: an octal string ('0600', '600', '0o600') or an int (YAML's 0600, i.e. 384).

    Only permission bits (0000-0777: no setuid, setgid or sticky bit on a data file), and the owner must be able to
    read the file.  ValueError naming ``option`` otherwise (symbolic modes such as 'u=rw' are not supported).
    """
    if isinstance(mode, bool):
        value = None
    elif isinstance(mode, int):
        value = mode
    elif isinstance(mode, str) and _OCTAL.fullmatch(mode.strip()):
        value = int(mode.strip().replace("o", ""), 8)
    else:
        value = None
    if value is None:
        raise ValueError("%s %r is not an octal file mode such as '0600' (symbolic modes are not supported)"
                         % (option, mode))
    if not 0 <= value <= 0o777:
        raise ValueError("%s %r is outside 0000-0777" % (option, mode))
    if not value & stat.S_IRUSR:
        raise ValueError("%s %r would leave the file unreadable by its owner" % (option, mode))
    return value
