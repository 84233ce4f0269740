"""The busbaan service: bots, web app and scheduler in one process.

One start-up path for every process: arguments → config → logging → store
(migrations) → policy (validated, recorded) → bots → web. ``Service`` owns every
task it starts and stops them in reverse order.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from busbaan.audit.entry import AuditEntry
from busbaan.clock import Clock, SystemClock
from busbaan.keyfile import PSEUDONYM_KEY_FILE, load_pseudonyms
from busbaan.log import get_logger
from busbaan.matrix.dispatch import Dispatcher
from busbaan.matrix.runner import BotAccount, BotRunner
from busbaan.metrics import Metrics
from busbaan.policy import Policy, load_policy
from busbaan.records import AuditWriter
from busbaan.store import database_url, make_engine, migrate
from busbaan.store.inbox import Inbox

log = get_logger("busbaan.service")


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    homeserver: str
    bots: Mapping[str, BotAccount]  # "casus", "wegwijzer"
    policy_dir: Path = Path("policies")
    database_url: str | None = None
    state_dir: Path = Path(".busbaan")
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    reconcile_seconds: float = 1.0
    # issue 12: the casus bot reconciles rooms when something changed (members, the
    # case, an expiry); every populated room also once per this many seconds, spread.
    reconcile_full_pass_seconds: float = 600.0
    socialmap: Path | None = None
    # wegwijzer (issue 5): how often lanes are checked for reminders; the response
    # target for services whose map entry has no x_response_target_minutes.
    lane_check_seconds: float = 30.0
    lane_target_minutes: int = 240
    # audit log (issue 4): sign a checkpoint this often (and at start and stop), each
    # after a marker entry (issue 9: busbaan.audit.runs). The key (mode 0600) lives at
    # audit_key (default state_dir/audit-signing.key; may be on another host's mount);
    # a missing key is an error unless audit_key_init (dev stack, tests, --init).
    checkpoint_seconds: float = 300.0
    audit_key: Path | None = None
    audit_key_init: bool = False
    # issue 9: the verifier's configuration (busbaan.audit.trust): the pinned log key
    # (the service refuses to sign with another) and the witnesses it sends checkpoints to.
    audit_trust: Path | None = None
    # issue 11 part 3: the bots decrypt and encrypt, and create case rooms, lanes and
    # their direct chats with m.room.encryption. ON by default (make dev, busbaan serve);
    # tests and benchmarks with plain clients switch it off.
    encryption: bool = True
    # session 8 (privacy9): the wegwijzer's keyed hashes (questions, the people behind
    # learning votes) use the pseudonym key (busbaan.keyfile; 64 hex, mode 0600; default
    # state_dir/pseudonym.key; keep it apart from the database). A missing key is an
    # error unless pseudonym_key_init (dev stack, tests, serve --init-pseudonym-key).
    pseudonym_key: Path | None = None
    pseudonym_key_init: bool = False
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def pseudonym_key_path(self) -> Path:
        return self.pseudonym_key or self.state_dir / PSEUDONYM_KEY_FILE


class Service:
    """Everything busbaan runs, started and stopped as one."""

    def __init__(self, config: ServiceConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.url = database_url(config.database_url)
        self.policy: Policy | None = None
        self.engine: Any = None
        self.audit = AuditWriter(self.url)
        self.metrics = Metrics()  # GET /metrics (issue 12)
        self.audit.observers.append(self.metrics.audit_appended)
        self.runners: dict[str, BotRunner] = {}
        self.casus: Any = None
        self.wegwijzer: Any = None
        self.web: Any = None
        self._checkpointer: Any = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.policy = load_policy(self.config.policy_dir)  # a broken policy: no start
        pseudonyms = examples = None
        if "wegwijzer" in self.config.bots:  # nor broken wegwijzer files (outside7)
            from bots.wegwijzer.bot import check_files

            examples = await asyncio.to_thread(check_files, self.config.socialmap)
            # nor a missing pseudonym key (a new one would match nothing stored)
            pseudonyms = await asyncio.to_thread(load_pseudonyms,
                                                 self.config.pseudonym_key_path,
                                                 create=self.config.pseudonym_key_init)
        await asyncio.to_thread(migrate, self.url)
        self.engine = make_engine(self.url)
        await asyncio.to_thread(self.audit.write, [AuditEntry(
            event_code="policy.loaded", action="E", occurred_at=self.clock.now(),
            outcome="done", source="service",
            details={"policy_version": self.policy.version,
                     "policy_dir": str(self.config.policy_dir)},
        )])
        log.info("policy.loaded", version=self.policy.version)
        self.metrics.known_organisations(o.id for o in self.policy.organisations)
        await self._start_checkpoints()
        store = self.config.state_dir / "bots"
        wegwijzer_runner = None
        if "wegwijzer" in self.config.bots:  # wegwijzer (issue 5)
            from bots.wegwijzer.bot import WegwijzerBot

            # its rooms are direct chats: no room id in its log lines (privacy14)
            wegwijzer_runner = BotRunner(self.config.bots["wegwijzer"], store,
                                         Dispatcher("wegwijzer", room_in_logs=False),
                                         inbox=Inbox(self.engine, "wegwijzer"),
                                         encryption=self.config.encryption)
            assert pseudonyms is not None
            # its router is built from here on, in the background (session 21): beside
            # the casus bot's start and its own first sync, not before them
            self.wegwijzer = await WegwijzerBot.create(
                wegwijzer_runner, engine=self.engine, clock=self.clock, audit=self.audit,
                map_file=self.config.socialmap, pseudonyms=pseudonyms,
                key_path=self.config.pseudonym_key_path,
                check_seconds=self.config.lane_check_seconds,
                default_target_minutes=self.config.lane_target_minutes, examples=examples)
        if "casus" in self.config.bots:
            from bots.casus.bot import CasusBot

            runner = BotRunner(self.config.bots["casus"], store, Dispatcher("casus"),
                               inbox=Inbox(self.engine, "casus"),
                               encryption=self.config.encryption)
            self.casus = CasusBot(runner, policy=self.policy, engine=self.engine,
                                  clock=self.clock, audit=self.audit,
                                  reconcile_seconds=self.config.reconcile_seconds,
                                  full_pass_seconds=self.config.reconcile_full_pass_seconds,
                                  wayfinder=(self.config.bots["wegwijzer"].user_id
                                             if "wegwijzer" in self.config.bots else None))
            self._measure(runner)
            await runner.start()
            self.runners["casus"] = runner
            await self.casus.start()
        if wegwijzer_runner is not None:
            # logs in and syncs while its router is built: a question that comes now is
            # told at once that its answer comes in a moment (runner.warming)
            self._measure(wegwijzer_runner)
            await wegwijzer_runner.start()
            self.runners["wegwijzer"] = wegwijzer_runner
            await self.wegwijzer.start()
        if self.config.web_port >= 0:
            from busbaan.web.app import WebServer, create_app

            self.web = await WebServer.start(create_app(self.policy, self),
                                             self.config.web_host, self.config.web_port)
            if self.casus is not None:  # where citizens' links point (issue 10)
                self.casus.citizen.public_url = self.config.extra.get("public_url",
                                                                      self.web.url)
        self.metrics.live("busbaan_bot_rooms", "Rooms each bot is in.", ("bot",),
                          lambda: {(n,): len(r.client.rooms) for n, r in self.runners.items()})
        self.metrics.live("busbaan_bot_queue", "Events waiting for each bot's worker.",
                          ("bot",), lambda: {(n,): r.queued for n, r in self.runners.items()})
        self.metrics.live("busbaan_sync_age_seconds",
                          "Seconds since each bot's last successful sync.", ("bot",),
                          lambda: {(n,): r.sync_age() for n, r in self.runners.items()})
        if self.wegwijzer is not None:
            # started when it answers (make dev writes dev.json after this; tests go on)
            await self.wegwijzer.ready()
        log.info("service.started", bots=sorted(self.runners))

    def _measure(self, runner: BotRunner) -> None:
        """Let ``runner`` report into the metrics; its commands become a closed set."""
        runner.metrics = self.metrics
        self.metrics.known_commands(runner.account.name,
                                    (spec.name for spec in runner.dispatcher.specs))

    async def readiness(self) -> dict[str, bool]:
        """What ``/readyz`` checks: the policy is loaded, the store answers, and every
        bot has synced within the last :data:`SYNC_STALE_SECONDS`."""
        checks = {"policy": self.policy is not None}
        checks["store"] = self.engine is not None and await asyncio.to_thread(_store_answers,
                                                                             self.engine)
        for name, runner in self.runners.items():
            checks[f"bot:{name}"] = runner.sync_age() <= SYNC_STALE_SECONDS
        if self.wegwijzer is not None:  # its router is built beside its first sync
            checks["wegwijzer:router"] = self.wegwijzer.ready_now()
        return checks

    async def _start_checkpoints(self) -> None:
        """Signed checkpoints of the audit log: now, periodically, and at stop."""
        from busbaan.audit.signing import CheckpointService

        self._checkpointer = await CheckpointService.open(
            self.engine,
            key_path=self.config.audit_key or self.config.state_dir / "audit-signing.key",
            init=self.config.audit_key_init,
            trust_path=self.config.audit_trust,
            interval=self.config.checkpoint_seconds,
            clock=self.clock,
        )
        await self.checkpoint("start")
        if self.config.checkpoint_seconds > 0:
            self._tasks.append(asyncio.create_task(self._checkpoint_loop(),
                                                   name="audit-checkpoints"))

    async def checkpoint(self, reason: str = "periodic") -> None:
        """Sign a checkpoint (after a marker) and send it to the witnesses (in the
        background, except at stop); a failure is logged and counted in the next marker,
        never silent."""
        await self._checkpointer.checkpoint(reason, wait=reason == "stop")

    async def _checkpoint_loop(self) -> None:
        while True:
            await asyncio.sleep(self.config.checkpoint_seconds)
            await self.checkpoint()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._checkpointer is not None and self.engine is not None:
            await self.checkpoint("stop")
            await self._checkpointer.close()
        if self.web is not None:
            await self.web.stop()
            self.web = None
        if self.casus is not None:
            await self.casus.stop()
        if self.wegwijzer is not None:  # wegwijzer (issue 5)
            await self.wegwijzer.stop()
            self.wegwijzer = None
        for runner in reversed(list(self.runners.values())):
            await runner.stop()
        self.runners.clear()
        if self.engine is not None:
            self.engine.dispose()
        log.info("service.stopped")


#: A bot whose last successful sync is older than this is not ready (its long-poll
#: waits 30 s; twice that plus a margin means it is stuck or the homeserver is away).
SYNC_STALE_SECONDS = 90.0


def _store_answers(engine: Any) -> bool:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:
        log.warning("service.store_unreachable")
        return False


async def run_until_signal(service: Service) -> None:
    """Start ``service``, run until SIGINT/SIGTERM, then stop it cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await service.start()
    try:
        await stop.wait()
    finally:
        await service.stop()
