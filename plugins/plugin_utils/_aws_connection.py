# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS clients for a task that runs in the controller's process, from amazon.aws's connection options.

amazon.aws's AWSPluginBase builds the client (the same option handling as its modules and lookups); this adapter
feeds it the task's validated options.  The task's ``environment:`` keyword (AWS_PROFILE, AWS_REGION, ...) is not
applied to the controller's process by ansible-core, so ``task_environment`` overlays it on os.environ while the task
runs: option fallbacks and botocore's own configuration (profiles, config files) then see it.  Each task runs in its
own worker process, so the overlay touches nothing else.

With ``assume_role_arn`` (module_utils/_assume_role.py), STS AssumeRole is called here, with a client built from the
task's own connection options, and every client the task asks for acts with the session's credentials.  The
credentials stay in this process: they are never a task argument, a fact, a result or a log line.
"""

import collections
import contextlib
import datetime
import hashlib
import json
import os

from ansible.errors import AnsibleActionFail

from ansible_collections.amazon.aws.plugins.module_utils.retries import RetryingBotoClientWrapper
from ansible_collections.amazon.aws.plugins.plugin_utils.base import AWSPluginBase
from ansible_collections.amazon.aws.plugins.plugin_utils.botocore import get_aws_connection_info

from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import ASSUME_ROLE_OPTIONS
from ansible_collections.mfaops.iam.plugins.module_utils._assume_role import assume_role_call
from ansible_collections.mfaops.iam.plugins.module_utils._common.client import CLIENT_CONFIG
from ansible_collections.mfaops.iam.plugins.module_utils._virtual_mfa.missing_call import watch
from ansible_collections.mfaops.iam.plugins.plugin_utils._botocore_loader import build_client
from ansible_collections.mfaops.iam.plugins.plugin_utils._botocore_loader import warm_up

try:
    import botocore.exceptions
except ImportError:  # amazon.aws reports the missing SDK when a client is built
    pass

# How many clients (and assumed-role sessions) a worker process keeps: ~10 MiB each (botocore's service model and
# its connection pool).  ansible-core runs every item of a task's loop in the same worker process, with a new action
# plugin each time: reusing the client spares each item botocore's session set-up (loading and parsing the service
# model), most of a converged item's time.  A loop whose items each bring their own credentials would otherwise grow
# the process by one client per item; the least recently used client is dropped instead.
CACHE_SIZE = 8

# A cached session is assumed again when it has less than this left (a client built from it lives in the cache).
SESSION_MARGIN = datetime.timedelta(minutes=5)

_CONNECTION_OPTIONS = ("region", "endpoint_url", "access_key", "secret_key", "session_token", "profile",
                       "validate_certs", "aws_ca_bundle", "aws_config")


class LRUCache:
    """At most ``size`` values, the least recently used dropped first."""

    def __init__(self, size):
        self.size = size
        self._items = collections.OrderedDict()

    def get(self, key):
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key, value):
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def clear(self):
        self._items.clear()

    def __len__(self):
        return len(self._items)


# Clients built in this worker process, by what they were built from; assumed-role sessions, by the connection
# options and role options they were assumed with.  A new task is a new worker process, which starts with none.
_CLIENTS = LRUCache(CACHE_SIZE)
_SESSIONS = LRUCache(CACHE_SIZE)


def clear_caches():
    """Forget every cached client and session (tests that reset the endpoint between runs in one process)."""
    _CLIENTS.clear()
    _SESSIONS.clear()


def _digest(material):
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=repr).encode()).hexdigest()


def _connection_material(options):
    return {
        "options": {name: options.get(name) for name in _CONNECTION_OPTIONS},
        "environment": {name: value for name, value in os.environ.items() if name.startswith("AWS_")},
    }


def _client_key(service, options, retry_decorator, extra_params):
    return _digest(dict(_connection_material(options), service=service, retry=id(retry_decorator), extra=extra_params))


def _session_key(options):
    return _digest(dict(_connection_material(options), role={name: options.get(name) for name in ASSUME_ROLE_OPTIONS}))


def _fresh(credentials):
    expiration = credentials.get("Expiration")
    if not isinstance(expiration, datetime.datetime):
        return True
    now = datetime.datetime.now(expiration.tzinfo or datetime.timezone.utc)
    return expiration - now > SESSION_MARGIN


class ControllerAWS(AWSPluginBase):
    """AWSPluginBase over a dict of validated task options; failures raise AnsibleActionFail.

    With ``assume_role_arn`` in the options, ``client()`` returns clients acting as the assumed role.
    """

    def __init__(self, options, ansible_name="mfaops.iam.iam_virtual_mfa"):
        self.ansible_name = ansible_name
        self._options = options
        self._building = options  # the options amazon.aws reads (get_options) while a client is built
        self._failure_result = {}

    def get_options(self):
        return self._building

    def get_option(self, name):
        return self._building.get(name)

    def client(self, service, retry_decorator=None, own_credentials=False, **extra_params):
        """amazon.aws's client, reused within this worker process for the same options and environment; acting as
        the assumed role when ``assume_role_arn`` is set, unless ``own_credentials`` asks for the task's own."""
        assume = self._options.get("assume_role_arn") and not own_credentials
        options = self._session_options() if assume else self._options
        return self._client(options, service, retry_decorator, extra_params)

    def _client(self, options, service, retry_decorator, extra_params):
        key = _client_key(service, options, retry_decorator, extra_params)
        cached = _CLIENTS.get(key)
        if cached is not None:
            return cached
        self._building = options
        try:
            return _CLIENTS.put(key, watch(self._build(service, retry_decorator, extra_params)))
        finally:
            self._building = self._options

    def _build(self, service, retry_decorator, extra_params):
        """AWSPluginBase.client with the process's shared botocore loader (_botocore_loader): amazon.aws's option
        handling and its failure messages."""
        region, endpoint_url, params = get_aws_connection_info(self)
        params.update(extra_params)
        try:
            client = build_client(service, region, endpoint_url, params)
        except botocore.exceptions.NoRegionError:
            self.fail_aws("The %s plugin requires a region and none was found in configuration, environment "
                          "variables or module parameters" % self.ansible_name)
        except (ValueError, botocore.exceptions.BotoCoreError) as e:
            self.fail_aws("Couldn't connect to AWS", exception=e)
        return client if retry_decorator is None else RetryingBotoClientWrapper(client, retry_decorator)

    def _session_options(self):
        """The task's options with the assumed role's credentials in place of its own (assumed once per process,
        again when the cached session nears its end)."""
        key = _session_key(self._options)
        credentials = _SESSIONS.get(key)
        if credentials is None or not _fresh(credentials):
            credentials = _SESSIONS.put(key, self._assume())
        options = dict(self._options, profile=None)
        options.update(access_key=credentials["AccessKeyId"], secret_key=credentials["SecretAccessKey"],
                       session_token=credentials["SessionToken"])
        return options

    def _assume(self):
        arn = self._options["assume_role_arn"]
        sts = self._client(self._options, "sts", None, {"config": CLIENT_CONFIG})
        try:
            return sts.assume_role(**assume_role_call(self._options))["Credentials"]
        except botocore.exceptions.ClientError as e:
            error = e.response.get("Error", {})
            self.fail_task("Unable to assume role %s (%s)" % (arn, error.get("Code")), e,
                           error=dict(code=error.get("Code"), message=error.get("Message")))
        except botocore.exceptions.BotoCoreError as e:
            self.fail_task("Unable to assume role %s" % arn, e)

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


# The action plugins import this module; ansible-core imports them in the strategy process, whose forked workers
# inherit the parsed models (_botocore_loader).
warm_up()
