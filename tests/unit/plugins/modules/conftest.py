"""Run a module through its real entry point, ``main()``, with real boto3 against the local IAM endpoint."""

import pytest

from module_main import run_module_main


@pytest.fixture
def run_module(endpoint):
    """``run_module(main, args, check_mode=False, diff=False)`` -> the module's JSON result (a dict, its printed text
    under ``_stdout``)."""

    def run(main, args, check_mode=False, diff=False):
        full = dict(args, endpoint_url=endpoint.url, region="us-east-1", access_key="testing", secret_key="testing")
        return run_module_main(main, full, check_mode=check_mode, diff=diff, keep_stdout=True)

    return run
