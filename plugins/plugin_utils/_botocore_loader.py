# Copyright: Contributors to the mfaops.iam collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One botocore data loader per controller process, shared by the clients the collection's actions build.

botocore reads and parses a service's JSON model (IAM's is about 1 MB), its endpoint rules and the partitions each
time a session is made, and amazon.aws makes a session per client: about 0.1 CPU s for the STS and IAM clients of one
audited account, a fifth of its CPU.  ansible-core imports an action plugin in the strategy process (to read its
BYPASS_HOST_LOOP) and forks a worker for each task and host from that process, so a loader made and warmed when the
action plugin is imported is inherited by every worker, which then parses none of it again.

The loader holds AWS's published models only, never credentials or configuration: each client still gets a session
of its own, made from the task's options exactly as amazon.aws's ``boto3_conn`` makes it (profile, configuration
files and environment read for that client; the same user agent and ``aws_config`` merge).  Loaders are kept per
botocore ``data_path`` (AWS_DATA_PATH), which decides where models are read from.
"""

try:
    import boto3
    import botocore.config
    import botocore.loaders
    import botocore.session
except ImportError:  # amazon.aws reports the missing SDK when a client is built
    pass

from ansible_collections.amazon.aws.plugins.module_utils.botocore import _get_user_agent_string
from ansible_collections.amazon.aws.plugins.module_utils.botocore import _merge_botocore_config
from ansible_collections.amazon.aws.plugins.module_utils.botocore import enable_placebo

# What the collection's actions call: warmed in the strategy process (warm_up).
SERVICES = ("iam", "sts")

_LOADERS = {}  # data_path -> botocore.loaders.Loader


def shared_loader(data_path):
    """The process's loader for ``data_path`` (None: botocore's own models)."""
    loader = _LOADERS.get(data_path)
    if loader is None:
        loader = _LOADERS[data_path] = botocore.loaders.create_loader(data_path)
    return loader


def build_client(service, region, endpoint, params):
    """amazon.aws's ``_boto3_conn(conn_type="client", ...)`` (same arguments: ``params`` as its connection info gives
    them), with the shared loader in the client's session."""
    params = dict(params)
    profile = params.pop("profile_name", None)
    config = botocore.config.Config(user_agent=_get_user_agent_string())
    for name in ("config", "aws_config"):
        config = _merge_botocore_config(config, params.pop(name, None))
    session = boto3.session.Session(profile_name=profile)
    core = session._session  # pylint: disable=protected-access  # boto3 exposes its botocore session no other way
    # After boto3 set up its own loader (its resource models): clients are made with the component registered now.
    core.register_component("data_loader", shared_loader(core.get_config_variable("data_path")))
    enable_placebo(session)
    return session.client(service, config=config, region_name=region, endpoint_url=endpoint, **params)


def warm_up(services=SERVICES):
    """Parse ``services``' models and the endpoint data into the shared loader, once per process.  Called when an
    action plugin is imported, in the strategy process; any failure (no botocore, an unreadable model) is left to
    the task that needs the client, which reports it."""
    try:
        session = botocore.session.Session()
        loader = shared_loader(session.get_config_variable("data_path"))
        for service in services:
            for type_name in ("service-2", "endpoint-rule-set-1", "paginators-1"):
                loader.load_service_model(service, type_name)
        for name in ("endpoints", "partitions", "_retry", "sdk-default-configuration"):
            loader.load_data(name)
    except Exception:  # pylint: disable=broad-exception-caught  # an optimisation only: never fail an import
        pass
