"""Run a module through its real entry point, ``main()``, with real boto3 against the local IAM endpoint."""

import json

import pytest

from ansible.module_utils.testing import patch_module_args


@pytest.fixture
def run_module(endpoint, capsys):
    """``run_module(main, args, check_mode=False, diff=False)`` -> the module's JSON result (a dict)."""

    def run(main, args, check_mode=False, diff=False):
        full = dict(args, endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
        full.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
        capsys.readouterr()
        with patch_module_args(full), pytest.raises(SystemExit):
            main()
        out = capsys.readouterr().out
        result = json.loads(out)
        result["_stdout"] = out
        return result

    return run
