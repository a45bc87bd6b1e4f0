"""Run a module through its real entry point, ``main()``, in this process, as AnsiballZ would."""

from __future__ import annotations

import contextlib
import io
import json


def run_module_main(main, args: dict, check_mode: bool = False, diff: bool = False, keep_stdout: bool = False) -> dict:
    """The module's JSON result (a dict); with ``keep_stdout`` its printed text too, under ``_stdout``."""
    from ansible.module_utils.testing import patch_module_args

    out = io.StringIO()
    full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(full), contextlib.redirect_stdout(out):
        try:
            main()
        except SystemExit:
            pass
    result = json.loads(out.getvalue())
    if keep_stdout:
        result["_stdout"] = out.getvalue()
    return result
