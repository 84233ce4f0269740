"""The embedded Synapse for ``make dev`` and the test harness.

- :mod:`~busbaan.devstack.synapse`: generate a loopback-only, SQLite Synapse directory
  and run it as a subprocess (:func:`write_config`, :class:`SynapseProcess`);
- :mod:`~busbaan.devstack.admin`: shared-secret registration, login, rate-limit
  overrides (:class:`SynapseAdmin`, :func:`register_users`);
- :mod:`~busbaan.devstack.stack`: all of it as one object (:func:`start_homeserver`);
- :mod:`~busbaan.devstack.demo`: the demo professionals and bots, and ``dev.json``.
"""

from busbaan.devstack.admin import (
    Account,
    AccountError,
    Credentials,
    SynapseAdmin,
    new_password,
    register_users,
)
from busbaan.devstack.demo import (
    BOTS,
    DEMO_DIRECTORY,
    DemoAccounts,
    DemoDataError,
    DemoProfessional,
    DemoUser,
    load_directory,
    provision_demo,
    write_dev_json,
)
from busbaan.devstack.stack import Homeserver, start_homeserver
from busbaan.devstack.synapse import (
    DEFAULT_DIR,
    TEST_RATELIMITS,
    Profile,
    SynapseConfig,
    SynapseConfigError,
    SynapseProcess,
    SynapseSettings,
    SynapseStartError,
    free_port,
    read_config,
    stop_stale,
    write_config,
)

__all__ = [
    "BOTS",
    "DEFAULT_DIR",
    "DEMO_DIRECTORY",
    "TEST_RATELIMITS",
    "Account",
    "AccountError",
    "Credentials",
    "DemoAccounts",
    "DemoDataError",
    "DemoProfessional",
    "DemoUser",
    "Homeserver",
    "Profile",
    "SynapseAdmin",
    "SynapseConfig",
    "SynapseConfigError",
    "SynapseProcess",
    "SynapseSettings",
    "SynapseStartError",
    "free_port",
    "load_directory",
    "new_password",
    "provision_demo",
    "read_config",
    "register_users",
    "start_homeserver",
    "stop_stale",
    "write_config",
    "write_dev_json",
]
