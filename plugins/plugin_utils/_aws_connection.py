# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS clients for a task that runs in the controller's process, from amazon.aws's connection options.

amazon.aws's AWSPluginBase builds the client (the same option handling as its modules and lookups); this adapter
feeds it the task's validated options.  The task's ``environment:`` keyword (AWS_PROFILE, AWS_REGION, ...) is not
applied to the controller's process by ansible-core, so ``task_environment`` overlays it on os.environ while the task
runs: option fallbacks and botocore's own configuration (profiles, config files) then see it.  Each task runs in its
own worker process, so the overlay touches nothing else.
"""

import contextlib
import hashlib
import json
import os

from ansible.errors import AnsibleActionFail

from ansible_collections.amazon.aws.plugins.plugin_utils.base import AWSPluginBase


# Clients built in this worker process, by what they were built from. ansible-core runs every item of a task's loop
# in the same worker process, with a new action plugin each time: reusing the client spares each item botocore's
# session set-up (loading and parsing the service model), most of a converged item's time. A new task is a new
# worker process, which starts with none.
_CLIENTS = {}
_CONNECTION_OPTIONS = ("region", "endpoint_url", "access_key", "secret_key", "session_token", "profile",
                       "validate_certs", "aws_ca_bundle", "aws_config")


def _client_key(service, options, retry_decorator, extra_params):
    material = {
        "service": service,
        "options": {name: options.get(name) for name in _CONNECTION_OPTIONS},
        "environment": {name: value for name, value in os.environ.items() if name.startswith("AWS_")},
        "retry": id(retry_decorator),
        "extra": extra_params,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=repr).encode()).hexdigest()


class ControllerAWS(AWSPluginBase):
    """AWSPluginBase over a dict of validated task options; failures raise AnsibleActionFail."""

    ansible_name = "mfaops.iam.iam_virtual_mfa"

    def __init__(self, options):
        self._options = options
        self._failure_result = {}

    def get_options(self):
        return self._options

    def get_option(self, name):
        return self._options.get(name)

    def client(self, service, retry_decorator=None, **extra_params):
        """amazon.aws's client, reused within this worker process for the same options and environment."""
        key = _client_key(service, self._options, retry_decorator, extra_params)
        if key not in _CLIENTS:
            _CLIENTS[key] = super().client(service, retry_decorator=retry_decorator, **extra_params)
        return _CLIENTS[key]

    def fail_task(self, message, exception=None, **result):
        """Fail the task with amazon.aws's wording for ``exception`` (a botocore error) and ``result`` added."""
        self._failure_result = result
        self.fail_aws(message, exception=exception)

    def _do_fail(self, message):
        raise AnsibleActionFail(message, result=dict(self._failure_result))


@contextlib.contextmanager
def task_environment(environment):
    """os.environ with ``environment`` (the task's templated ``environment:``) laid over it, restored afterwards."""
    saved = {key: os.environ.get(key) for key in environment}
    try:
        for key, value in environment.items():
            os.environ[str(key)] = str(value)
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
