"""The embedded Synapse: its configuration and its process.

``write_config`` turns a few :class:`SynapseSettings` into a complete Synapse directory
(``homeserver.yaml``, signing key, log config, SQLite database and media store, all under
one directory, ``.busbaan/synapse/`` by default). The configuration is derived state:
it is rewritten on every run from the settings, while what must survive a restart is
kept — the signing key, the SQLite database, the secrets (read back from the previous
``homeserver.yaml``) and the port, when it is still free.

:class:`SynapseProcess` runs ``python -m synapse.app.homeserver`` on that directory,
waits until the client API answers, and stops it with SIGTERM (then SIGKILL after a
grace period). It works as a context manager, synchronously and from asyncio.
Synapse's own logging goes to files in the directory, never to the console.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from types import MappingProxyType, TracebackType
from typing import Any, Literal, Self

import yaml
from signedjson.key import generate_signing_key, write_signing_keys

import busbaan
from busbaan.devstack._files import tail, write_private
from busbaan.errors import BusbaanError, Unavailable
from busbaan.log import get_logger

log = get_logger(__name__)

Profile = Literal["dev", "test"]

DEFAULT_DIR = Path(".busbaan") / "synapse"
LOOPBACK = "127.0.0.1"
#: The resources of the loopback client listener: the client API, and "openid" (only
#: the OpenID userinfo endpoint of the federation API, no federation) so that the case
#: panel can check a widget's OpenID token against the embedded homeserver.
CLIENT_RESOURCES = ("client", "openid")
CONFIG_FILE = "homeserver.yaml"
LOG_CONFIG_FILE = "log.config"
LOG_FILE = "homeserver.log"
#: Whatever Synapse prints before its logging is set up (and Python tracebacks).
CONSOLE_FILE = "console.log"
PID_FILE = "busbaan-synapse.pid"
DATABASE_FILE = "homeserver.db"

#: Rate limits for the test profile: generous enough that no test is ever throttled.
#: The dev profile keeps Synapse's defaults for people; bots get a per-user override.
TEST_RATELIMITS: Mapping[str, Any] = MappingProxyType(
    {
        "rc_message": {"per_second": 1000, "burst_count": 10000},
        "rc_registration": {"per_second": 1000, "burst_count": 10000},
        "rc_login": {
            "address": {"per_second": 1000, "burst_count": 10000},
            "account": {"per_second": 1000, "burst_count": 10000},
            "failed_attempts": {"per_second": 1000, "burst_count": 10000},
        },
        "rc_joins": {
            "local": {"per_second": 1000, "burst_count": 10000},
            "remote": {"per_second": 1000, "burst_count": 10000},
        },
        "rc_joins_per_room": {"per_second": 1000, "burst_count": 10000},
        "rc_invites": {
            "per_room": {"per_second": 1000, "burst_count": 10000},
            "per_user": {"per_second": 1000, "burst_count": 10000},
            "per_issuer": {"per_second": 1000, "burst_count": 10000},
        },
        "rc_room_creation": {"per_second": 1000, "burst_count": 10000},
        "rc_profile": {"per_second": 1000, "burst_count": 10000},
        "rc_user_directory": {"per_second": 1000, "burst_count": 10000},
        "rc_presence": {"per_user": {"per_second": 1000, "burst_count": 10000}},
        "rc_delayed_event_mgmt": {"per_second": 1000, "burst_count": 10000},
        "rc_reports": {"per_second": 1000, "burst_count": 10000},
        "rc_admin_redaction": {"per_second": 1000, "burst_count": 10000},
    }
)

#: Rate limits for the dev profile: Synapse's defaults, except logins and messages. Synapse
#: allows about three logins per address and per account, then one per ~6 s; the demo's
#: people, the workbench and a second Element tab all come from 127.0.0.1. The dev listener
#: binds to loopback only, so the address limit only ever counts this machine. Wrong
#: passwords stay limited (per account), only less tightly than Synapse's default.
#: Messages as in production (deploy/synapse/homeserver.yaml): with Synapse's default the
#: eleventh quick message of a person was refused with 429 (outside check, session 5).
DEV_RATELIMITS: Mapping[str, Any] = MappingProxyType(
    {
        "rc_message": {"per_second": 1, "burst_count": 30},
        "rc_login": {
            "address": {"per_second": 10, "burst_count": 100},
            "account": {"per_second": 10, "burst_count": 100},
            "failed_attempts": {"per_second": 0.5, "burst_count": 10},
        },
    }
)


class SynapseConfigError(BusbaanError):
    """The Synapse directory cannot be (re)used with the settings given."""

    errcode = "BB_SYNAPSE_CONFIG"


class SynapseStartError(Unavailable):
    """Synapse did not start, or did not answer in time; carries the tail of its log."""

    errcode = "BB_SYNAPSE_START"

    def __init__(self, reason: str, *, directory: Path, log_tail: str) -> None:
        shown = log_tail.strip() or "(Synapse wrote no log)"
        super().__init__(
            f"Synapse in {directory} is niet gestart: {reason}\n"
            f"Laatste regels van het Synapse-log:\n{shown}",
            f"Synapse in {directory} did not start: {reason}\n"
            f"Last lines of Synapse's log:\n{shown}",
        )
        self.reason = reason
        self.log_tail = log_tail


@dataclass(frozen=True, slots=True)
class SynapseSettings:
    """What can be chosen about the embedded homeserver; the rest is fixed by design."""

    server_name: str = "localhost"
    #: None: the port of the previous run if it is still free, otherwise a free one.
    port: int | None = None
    #: Synapse's ``modules:`` list, written as given, e.g.
    #: ``[{"module": "busbaan.gate.BusbaanGate", "config": {...}}]``.
    modules: Sequence[Mapping[str, Any]] = ()
    #: "test" lifts Synapse's rate limits and uses cheap password hashing.
    profile: Profile = "dev"
    #: rc_* settings; None means the profile's default (Synapse's own for "dev").
    ratelimits: Mapping[str, Any] | None = None
    default_room_version: str = "12"
    #: Level of Synapse's log file (it never logs to the console).
    log_level: str = "INFO"
    #: Further top-level homeserver.yaml keys, applied last (use sparingly).
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class SynapseConfig:
    """A generated Synapse directory, ready to run."""

    directory: Path
    server_name: str
    port: int
    registration_shared_secret: str = field(repr=False)
    #: True when an earlier run's secrets and signing key were reused.
    reused: bool = False

    @property
    def url(self) -> str:
        """The client-server API's base URL (loopback)."""
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def config_path(self) -> Path:
        return self.directory / CONFIG_FILE

    @property
    def log_path(self) -> Path:
        return self.directory / LOG_FILE

    @property
    def console_path(self) -> Path:
        return self.directory / CONSOLE_FILE

    @property
    def signing_key_path(self) -> Path:
        return self.directory / f"{self.server_name}.signing.key"

    @property
    def database_path(self) -> Path:
        return self.directory / DATABASE_FILE


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port on ``host`` that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = LOOPBACK) -> bool:
    """True when ``host:port`` can be bound now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def _previous(config_path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except yaml.YAMLError as exc:
        raise SynapseConfigError(
            f"{config_path}: geen geldige YAML ({exc}); verwijder de map om opnieuw te beginnen",
            f"{config_path}: not valid YAML ({exc}); delete the directory to start afresh",
        ) from exc
    return loaded if isinstance(loaded, dict) else {}


def _previous_port(previous: Mapping[str, Any]) -> int | None:
    for listener in previous.get("listeners") or []:
        if isinstance(listener, dict) and isinstance(listener.get("port"), int):
            port: int = listener["port"]
            return port
    return None


def _log_config(log_path: Path, level: str) -> dict[str, Any]:
    return {
        "version": 1,
        "formatters": {
            "precise": {
                "format": "%(asctime)s - %(name)s - %(lineno)d - %(levelname)s - "
                "%(request)s - %(message)s"
            }
        },
        "handlers": {
            "file": {
                "class": "logging.handlers.RotatingFileHandler",
                "formatter": "precise",
                "filename": str(log_path),
                "maxBytes": 10 * 1024 * 1024,
                "backupCount": 2,
                "encoding": "utf8",
            }
        },
        "loggers": {
            # DEBUG here would log access tokens; keep it at WARNING.
            "synapse.storage.SQL": {"level": "WARNING"},
        },
        "root": {"level": level.upper(), "handlers": ["file"]},
        "disable_existing_loggers": False,
    }


def _ratelimits(settings: SynapseSettings) -> Mapping[str, Any]:
    if settings.ratelimits is not None:
        return settings.ratelimits
    return TEST_RATELIMITS if settings.profile == "test" else DEV_RATELIMITS


def _homeserver_yaml(
    settings: SynapseSettings, directory: Path, port: int, secrets_: Mapping[str, str]
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "server_name": settings.server_name,
        "public_baseurl": f"http://{LOOPBACK}:{port}/",
        "report_stats": False,
        # One plain-HTTP listener on loopback with the client API and the "openid"
        # resource (only GET /_matrix/federation/v1/openid/userinfo, which the case
        # panel widget's server side asks to learn whose OpenID token it holds): no
        # federation API, nothing reachable from another machine. x_forwarded: the
        # workbench passes the officer's address in X-Forwarded-For, so that Synapse's
        # login limits count per officer, not per web app (only local processes can
        # reach it).
        "listeners": [
            {
                "port": port,
                "type": "http",
                "tls": False,
                "bind_addresses": [LOOPBACK],
                "x_forwarded": True,
                "resources": [{"names": list(CLIENT_RESOURCES), "compress": False}],
            }
        ],
        "database": {
            "name": "sqlite3",
            "args": {"database": str(directory / DATABASE_FILE)},
        },
        "log_config": str(directory / LOG_CONFIG_FILE),
        "media_store_path": str(directory / "media_store"),
        "signing_key_path": str(directory / f"{settings.server_name}.signing.key"),
        # No outbound federation either: this homeserver talks to nobody else.
        "federation_domain_whitelist": [],
        "trusted_key_servers": [],
        "suppress_key_server_warning": True,
        "enable_registration": False,
        "registration_shared_secret": secrets_["registration_shared_secret"],
        "macaroon_secret_key": secrets_["macaroon_secret_key"],
        "form_secret": secrets_["form_secret"],
        "default_room_version": settings.default_room_version,
        # Professionals find each other in Element's user search on this server.
        "user_directory": {"enabled": True, "search_all_users": True},
        "modules": [dict(module) for module in settings.modules],
    }
    if settings.profile == "test":
        config["bcrypt_rounds"] = 4  # registration and login in milliseconds, not 0.3 s
    config.update({key: _plain(value) for key, value in _ratelimits(settings).items()})
    config.update({key: _plain(value) for key, value in settings.extra.items()})
    return config


def _plain(value: Any) -> Any:
    """Mappings (including read-only ones) as dicts, so that YAML can dump them."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def write_config(
    directory: Path = DEFAULT_DIR, settings: SynapseSettings | None = None
) -> SynapseConfig:
    """Write a runnable Synapse configuration into ``directory``; reuse what exists.

    Reused from an earlier run in the same directory: the registration shared secret,
    the macaroon and form secrets, the signing key, the database, and the port when
    ``settings.port`` is None and the old port is still free. Everything else is
    rewritten from ``settings``. ``homeserver.yaml`` and the signing key have mode 0600.
    """
    settings = settings or SynapseSettings()
    directory = directory.absolute()
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    (directory / "media_store").mkdir(exist_ok=True)
    config_path = directory / CONFIG_FILE
    previous = _previous(config_path)

    old_name = previous.get("server_name")
    if old_name is not None and old_name != settings.server_name:
        raise SynapseConfigError(
            f"{config_path}: deze map hoort bij server_name {old_name!r}, niet bij "
            f"{settings.server_name!r}; kies een andere map of verwijder deze",
            f"{config_path}: this directory belongs to server_name {old_name!r}, not "
            f"{settings.server_name!r}; choose another directory or delete this one",
        )

    secrets_ = {
        key: str(previous.get(key) or secrets.token_urlsafe(32))
        for key in ("registration_shared_secret", "macaroon_secret_key", "form_secret")
    }

    old_port = _previous_port(previous)
    if settings.port is not None:
        port = settings.port
    elif old_port is not None and port_is_free(old_port):
        port = old_port
    else:
        port = free_port()

    signing_key_path = directory / f"{settings.server_name}.signing.key"
    key_reused = signing_key_path.exists()
    if not key_reused:
        buffer = StringIO()
        write_signing_keys(buffer, [generate_signing_key("a_" + secrets.token_hex(2))])
        write_private(signing_key_path, buffer.getvalue())
    os.chmod(signing_key_path, 0o600)

    log_config = _log_config(directory / LOG_FILE, settings.log_level)
    (directory / LOG_CONFIG_FILE).write_text(
        yaml.safe_dump(log_config, sort_keys=False), encoding="utf-8"
    )
    homeserver = _homeserver_yaml(settings, directory, port, secrets_)
    write_private(
        config_path,
        "# Generated by busbaan.devstack; rewritten on every run (secrets, keys and\n"
        "# database are kept). Change the settings in code, not here.\n"
        + yaml.safe_dump(homeserver, sort_keys=False),
    )
    reused = bool(previous) and key_reused
    log.info(
        "synapse.config.written",
        directory=str(directory),
        server_name=settings.server_name,
        port=port,
        profile=settings.profile,
        modules=[str(m.get("module")) for m in settings.modules],
        reused=reused,
    )
    return SynapseConfig(
        directory=directory,
        server_name=settings.server_name,
        port=port,
        registration_shared_secret=secrets_["registration_shared_secret"],
        reused=reused,
    )


def read_config(directory: Path = DEFAULT_DIR) -> SynapseConfig:
    """The configuration generated earlier in ``directory``, without changing it."""
    directory = directory.absolute()
    previous = _previous(directory / CONFIG_FILE)
    port = _previous_port(previous)
    if not previous or port is None or not previous.get("registration_shared_secret"):
        raise SynapseConfigError(
            f"{directory / CONFIG_FILE}: geen door busbaan gemaakte configuratie",
            f"{directory / CONFIG_FILE}: not a configuration written by busbaan",
        )
    return SynapseConfig(
        directory=directory,
        server_name=str(previous["server_name"]),
        port=port,
        registration_shared_secret=str(previous["registration_shared_secret"]),
        reused=True,
    )


def _terminate(proc: subprocess.Popen[bytes], grace: float) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds (used as a last-resort finaliser)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        proc.wait()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def stop_stale(directory: Path = DEFAULT_DIR, grace: float = 10.0) -> bool:
    """Stop a Synapse left running on ``directory`` by an earlier parent that was killed.

    Only a process whose command line names this directory's homeserver.yaml is
    touched. True when one was found and stopped.
    """
    directory = directory.absolute()
    pid_path = directory / PID_FILE
    try:
        pid = int(pid_path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return False
    found = str(directory / CONFIG_FILE) in _cmdline(pid)
    if found:
        log.warning("synapse.stale_process.stopping", pid=pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while _cmdline(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    pid_path.unlink(missing_ok=True)
    return found


class SynapseProcess:
    """One Synapse process on a generated directory.

    ``start()``/``stop()`` block; ``astart()``/``astop()`` do the same without blocking
    the event loop. ``with SynapseProcess(cfg):`` and ``async with SynapseProcess(cfg):``
    start it and stop it again. Synapse runs in its own session, so Ctrl-C reaches the
    parent, which then stops Synapse in order.
    """

    def __init__(
        self,
        config: SynapseConfig,
        *,
        python: str = sys.executable,
        startup_timeout: float = 60.0,
        stop_grace: float = 10.0,
        env: Mapping[str, str] | None = None,
        entry_module: str = "synapse.app.homeserver",
    ) -> None:
        self.config = config
        self.python = python
        #: The module run with ``python -m``; the federated stack uses
        #: ``busbaan.devstack.localhost_names`` (Synapse with ``*.localhost`` on loopback).
        self.entry_module = entry_module
        self.startup_timeout = startup_timeout
        self.stop_grace = stop_grace
        self._env = dict(env or {})
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self.startup_seconds: float | None = None

    @property
    def url(self) -> str:
        return self.config.url

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- start ---------------------------------------------------------------------

    def _pid_path(self) -> Path:
        return self.config.directory / PID_FILE

    def _spawn(self) -> None:
        if self.running:
            raise RuntimeError("Synapse is already running")
        stop_stale(self.config.directory, self.stop_grace)
        env = dict(os.environ)
        # The modules (busbaan.gate) must import in Synapse even when busbaan is run
        # from a checkout rather than installed.
        source_root = str(Path(busbaan.__file__).resolve().parent.parent)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (source_root, env.get("PYTHONPATH", "")) if p
        )
        env.update(self._env)
        with self.config.console_path.open("ab") as console:
            self._proc = subprocess.Popen(
                [self.python, "-m", self.entry_module, "-c", str(self.config.config_path)],
                cwd=self.config.directory,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        self._finalizer = weakref.finalize(self, _terminate, self._proc, self.stop_grace)
        self._pid_path().write_text(f"{self._proc.pid}\n")
        log.info("synapse.starting", url=self.url, pid=self._proc.pid)

    def _probe(self) -> bool:
        """One readiness check: True when the client API answers; raises if Synapse died."""
        assert self._proc is not None
        code = self._proc.poll()
        if code is not None:
            raise self._start_error(f"het proces stopte met code {code} / exited with {code}")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(f"{self.url}/_matrix/client/versions", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def _start_error(self, reason: str) -> SynapseStartError:
        parts = [tail(self.config.log_path), tail(self.config.console_path, 20)]
        return SynapseStartError(
            reason,
            directory=self.config.directory,
            log_tail="\n".join(p for p in parts if p),
        )

    def _ready(self, started: float) -> None:
        self.startup_seconds = time.monotonic() - started
        log.info("synapse.ready", url=self.url, seconds=round(self.startup_seconds, 2))

    def start(self) -> None:
        """Start Synapse and block until its client API answers (or raise)."""
        started = time.monotonic()
        self._spawn()
        try:
            while not self._probe():
                if time.monotonic() - started > self.startup_timeout:
                    raise self._start_error(
                        f"geen antwoord na {self.startup_timeout:.0f} s / "
                        f"no answer after {self.startup_timeout:.0f} s"
                    )
                time.sleep(0.1)
        except BaseException:
            self.stop()
            raise
        self._ready(started)

    async def astart(self) -> None:
        """Start Synapse and wait until its client API answers, without blocking the loop."""
        started = time.monotonic()
        await asyncio.to_thread(self._spawn)
        try:
            while not await asyncio.to_thread(self._probe):
                if time.monotonic() - started > self.startup_timeout:
                    raise self._start_error(
                        f"geen antwoord na {self.startup_timeout:.0f} s / "
                        f"no answer after {self.startup_timeout:.0f} s"
                    )
                await asyncio.sleep(0.1)
        except BaseException:
            await self.astop()
            raise
        self._ready(started)

    # -- stop ----------------------------------------------------------------------

    def _signal_stop(self) -> subprocess.Popen[bytes] | None:
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        return proc

    def _stopped(self, proc: subprocess.Popen[bytes], killed: bool) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        self._proc = None
        self._pid_path().unlink(missing_ok=True)
        log.info("synapse.stopped", pid=proc.pid, returncode=proc.returncode, killed=killed)

    def stop(self) -> None:
        """Stop Synapse: SIGTERM, then SIGKILL after the grace period. Idempotent."""
        proc = self._signal_stop()
        if proc is None:
            return
        killed = False
        try:
            proc.wait(self.stop_grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            killed = True
        self._stopped(proc, killed)

    async def astop(self) -> None:
        """Stop Synapse like :meth:`stop`, without blocking the event loop."""
        proc = self._signal_stop()
        if proc is None:
            return
        killed = False
        deadline = time.monotonic() + self.stop_grace
        while proc.poll() is None:
            if time.monotonic() > deadline:
                proc.kill()
                killed = True
                await asyncio.to_thread(proc.wait)
                break
            await asyncio.sleep(0.05)
        self._stopped(proc, killed)

    # -- context managers ------------------------------------------------------------

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await self.astart()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.astop()


__all__ = [
    "DEFAULT_DIR",
    "DEV_RATELIMITS",
    "TEST_RATELIMITS",
    "Profile",
    "SynapseConfig",
    "SynapseConfigError",
    "SynapseProcess",
    "SynapseSettings",
    "SynapseStartError",
    "free_port",
    "port_is_free",
    "read_config",
    "stop_stale",
    "write_config",
]
