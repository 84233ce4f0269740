"""A bot's life on Matrix: log in with a stable device, sync, dispatch, stop.

Start-up order: credentials (the stored token and device, see
:mod:`busbaan.matrix.credentials`; a password login only without one) → first sync
(rooms and members, no commands replayed) → ready → the sync loop and one worker that
handles events in order. Every task is owned by the runner and cancelled on stop; a
failing handler is logged and skipped.

With an :class:`~busbaan.store.inbox.Inbox` the bot is crash-safe: each sync's
command events are stored with its sync token in one transaction; the next start
syncs from that token, so no command is lost. A command is marked handled in the
transaction of its work (the case service does this for the running command) or,
for one that changes nothing, with its reply; the reply is kept in the store and
sent with a transaction id derived from the command, so it is sent once. A command
found handled after a crash is not run again. Stored commands are handled by one task
per room: in order within a room, up to ``ROOM_CONCURRENCY`` rooms side by side
(issue 12), so a slow command holds up only its own room.

With ``encryption`` (the default; issue 11 part 3, :mod:`busbaan.matrix.crypto`) the
client keeps a crypto store beside the credentials, uploads and queries keys after
each sync, decrypts commands and encrypts answers. A message it cannot decrypt gets a
notice asking for a resend (once per sender and session); a command sent in clear
into an encrypted room is not run and gets a clear (unencrypted, content-free) answer.
The inbox stores a decrypted command's text exactly as it stored a clear one's, and
drops it once the command is answered.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import html.parser
import secrets
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import nio

from busbaan.errors import Unavailable
from busbaan.log import get_logger
from busbaan.matrix import crypto
from busbaan.matrix.credentials import TOKEN_GONE, StoredLogin, read_login, write_login
from busbaan.matrix.crypto import (
    BACKUP_EVERY_SECONDS,
    BotClient,
    BotKeys,
    exchange_keys,
    prepare_invite_key,
    prepare_room_key,
    query_keys,
    renew_room_key,
    share_kept_keys,
)
from busbaan.matrix.dispatch import CommandContext, Dispatcher, Reply
from busbaan.matrix.errors import check
from busbaan.matrix.reply import notice_content, reply_content
from busbaan.store.inbox import CommandMark, Inbox, StoredCommand, current_command

if TYPE_CHECKING:
    from busbaan.metrics import Metrics

log = get_logger("busbaan.matrix")

#: How long a bot waits for the key of a message it cannot decrypt yet before it asks
#: for a resend (keys usually come in the same sync; over federation a moment later).
KEY_WAIT_SECONDS = 3.0

#: While it waits, the bot asks the sender's device for the key (``m.room_key_request``,
#: the spec's key sharing) and tries again the moment a room key for that session comes
#: in (dmjoin18), not only after the full :data:`KEY_WAIT_SECONDS`: a key that arrives
#: in the next sync is used at once. Element (matrix-rust-sdk) answers such a request
#: only for a session it had shared with the bot's device (a lost or late to-device
#: message); nio clients answer only their own user's devices. The wait is not made
#: longer: a message whose key never comes gets its notice as soon as before.
KEY_REQUESTS = True

#: How long a command whose handler found the store away (``Reply.defer``) is run
#: again rather than answered: a restart of the database is survived without a word;
#: a store that stays away gets the error as the answer after this.
DEFER_COMMANDS_FOR_S = 60.0


@dataclass(frozen=True, slots=True)
class BotAccount:
    name: str  # "casus" | "wegwijzer"
    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None


@dataclass(frozen=True, slots=True)
class LoginCounts:
    """How this runner got its logins: stored token reused vs password logins."""

    reused: int = 0
    password: int = 0


#: What the bots' sync leaves out (issue 12): presence, typing, read receipts and
#: account data. No bot reads them, and in busy rooms they are most of what a sync
#: would bring: every typing notification or receipt would wake each bot for nothing.
#: Room timelines and state come as before.
BOT_SYNC_FILTER: dict[str, Any] = {
    "presence": {"not_types": ["*"]},
    "account_data": {"not_types": ["*"]},
    "room": {"ephemeral": {"not_types": ["*"]}, "account_data": {"not_types": ["*"]}},
}

#: The bots turn their own notifications off (issue 12, session 4): the master push
#: rule, enabled once at start. A bot reads every event through its sync and never
#: looks at notifications, but with the default rules Synapse evaluates and stores a
#: push action for the bot for every message in every room it is in, and counts the
#: bot's unread messages per room in each of its syncs (it never sends receipts, so
#: the counts only grow). Nothing else changes: the bot still receives every event.
BOT_QUIET_PUSH = True

#: Rooms whose stored commands are handled at the same time (issue 12). Within a room
#: commands run in the order they arrived; across rooms nothing orders them, as with
#: two people typing in two rooms. One worker for everything made each command wait
#: for the slowest one before it in any room (the load benchmark's p95).
ROOM_CONCURRENCY = 8

#: The sync loop does not wait for the inbox (issue 12, session 5). Each sync's commands
#: and token go to a writer task that stores them in order, one transaction per write
#: (several syncs that queued up meanwhile in one: their commands in order, the newest
#: token), and the next sync starts at once. Before, every sync waited for its own
#: transaction before asking for the next one, and a command that arrived meanwhile
#: waited for it too (``busbaan_command_stage_seconds``, stage ``sync``). Nothing is
#: lost either way: a token is stored only with every command before it, so after a
#: crash the bot syncs again from a token whose commands are all in the inbox.
SYNC_PIPELINE = True

#: How many syncs may wait for the writer before the sync loop waits too (the store is
#: slow or away: as before, the bot stops taking in more than it can keep).
SYNC_BACKLOG = 50

#: A sync's stored commands go straight to their rooms' tasks, each of which reads only
#: its own room's commands (session 5). Before, the worker first read every command not
#: yet answered, and each room task read them all again (stage ``queue``).
ROOM_HANDOFF = True

#: With :data:`ROOM_HANDOFF`, start the rooms' tasks from the inbox writer itself rather
#: than through the worker's queue, where they wait behind the member and message hooks
#: of earlier events (a reconciliation, a label removal through the gate). Off: a
#: command then no longer starts only after the hooks of the events before it, and no
#: handler has been checked for relying on that; ``bench.load --variants direct``
#: measures it.
ROOM_HANDOFF_DIRECT = False

#: Invites are joined at once, each in a task of its own (latency16), not in the
#: worker's queue: there a join waited for every event queued before it, and a new
#: direct chat's first question — handed to its room through the same queue — waited
#: for the joins of every other new chat (ten professionals opening a chat with the
#: wegwijzer at once: 2.8–4.5 s for their first answers, outside15). At most
#: ``JOIN_CONCURRENCY`` joins at a time: 10 since dmjoin18 (with 4, the last of ten
#: invites at once waited for two rounds of joins: p50 0.4–1.5 s before its join was
#: even sent, on a loaded host; bench.dm_first).
JOIN_AT_ONCE = True
JOIN_CONCURRENCY = 10

#: After joining an encrypted room, the bot shares its room key with the members'
#: devices at once (:func:`~busbaan.matrix.crypto.prepare_room_key`), before anyone
#: has asked anything: the members, their device keys, an Olm session with each new
#: device and the Megolm session were otherwise set up inside the bot's first answer.
#: The person's app gets an Olm session with the bot's device from it, too.
KEYS_AT_JOIN = True

#: A send into an encrypted room takes the key lock only when there are device keys
#: to query (latency16). Before, every send waited for the lock, also while the key
#: upkeep after a sync held it for what a send does not need — uploading new one-time
#: keys, sending queued room keys, claiming keys for another room's new device — which
#: is what happens while new direct chats get their first questions.
SEND_LOCKS_ONLY_TO_QUERY = True

#: How often the share after a join looks whether the sync knows the room yet
#: (e2efirst; was 0.1 s, the interval of :meth:`BotRunner.members_known`): on average
#: half of it was added to the key set-up of every new chat, for a dictionary lookup.
JOINED_ROOM_POLL_SECONDS = 0.02

MemberHook = Callable[[nio.MatrixRoom, nio.RoomMemberEvent], Awaitable[None]]
MessageHook = Callable[[nio.MatrixRoom, nio.RoomMessageText], Awaitable[bool]]
#: Which non-command messages a bot answers through the inbox (see :meth:`BotRunner.
#: answer_messages`), decided when the sync brings them.
MessageFilter = Callable[[nio.MatrixRoom, nio.RoomMessageText], bool]
#: The answer to a stored message (given the stored entry): the event content to send
#: as a reply to it; None: no answer.
MessageAnswerer = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
#: After an answer is sent: (stored entry, answer content, answer's event id). Built
#: from what the store keeps, so it also runs for an answer sent after a restart; it
#: may run twice for one answer (a crash before the inbox noted it) and must be
#: idempotent.
MessageSent = Callable[[dict[str, Any], dict[str, Any], str], Awaitable[None]]


class Warming(Protocol):
    """A bot that syncs before it can answer (the wegwijzer builds its router beside its
    first sync; session 21): the runner holds its stored commands and messages until
    :meth:`wait` returns, and first sends each one :meth:`notice` at once."""

    def ready_now(self) -> bool:
        """Whether the bot can answer now."""

    async def wait(self) -> None:
        """Return once the bot can answer (or failed to get there: the service says
        so); never raises."""

    async def notice(self, entry: dict[str, Any]) -> dict[str, Any] | None:
        """The content to send at once for a stored command or message (``entry``, as
        the inbox keeps it) that must wait, or None for none."""


class BotRunner:
    """One bot account: a nio client, a dispatcher, an event queue and its tasks."""

    def __init__(self, account: BotAccount, store_dir: Path, dispatcher: Dispatcher,
                 inbox: Inbox | None = None, *, login_timeout: float = 30.0,
                 encryption: bool = True) -> None:
        self.account = account
        self.inbox = inbox
        self._batch: list[dict[str, Any]] = []  # this sync's commands, until stored
        self.dispatcher = dispatcher
        self._store_dir = store_dir
        self._creds_file = store_dir / f"{account.name}.credentials.json"
        store_dir.mkdir(parents=True, exist_ok=True)
        #: End-to-end encryption: decrypt commands, encrypt answers, keep keys.
        self.encryption = encryption
        self.keys = BotKeys(store_dir, account.name, account.user_id)
        self.keys.store_dir.mkdir(parents=True, exist_ok=True)
        self.client = BotClient(
            account.homeserver, account.user_id, device_id=f"BUSBAAN{account.name.upper()}",
            store_path=str(self.keys.store_dir),
            config=nio.AsyncClientConfig(
                store_sync_tokens=False, encryption_enabled=encryption, max_timeouts=None,
                request_timeout=60, pickle_key=self.keys.secret() if encryption else ""),
        )
        self.client.log_room = dispatcher.log_room  # one rule for naming rooms in logs
        self.client.kept_store = self.keys  # kept lane keys between starts (lanekeys)
        self._backup_at = 0.0  # monotonic time of the last key backup
        self._keys_lock = asyncio.Lock()  # one key exchange at a time (sync loop, sends)
        self._upkeep: asyncio.Task[None] | None = None
        self._upkeep_again = False
        self._told_undecryptable: set[tuple[str, str, str]] = set()
        #: Megolm session id -> woken when a room key for it comes in (KEY_REQUESTS).
        self._key_waits: dict[str, asyncio.Event] = {}
        #: room id -> server time (ms) of this bot's own newest join there, as its sync
        #: saw it: a message from before it tells why the bot has no key for it.
        self._joined_ms: dict[str, int] = {}
        #: The notice for a message the bot cannot read (a bot may speak in its own
        #: voice: the wegwijzer says "je"); see :func:`undecryptable_text`.
        self.undecryptable_text: Callable[[str, bool], str] = undecryptable_text
        #: Set by a bot that answers in its direct chats (the wegwijzer): the text of the
        #: notice for a voice note, photo, video or file sent to it there (room, sender),
        #: or None where it does not answer. Without it such a message got no answer at
        #: all: the person waited in silence (outside25).
        self.media_text: Callable[[nio.MatrixRoom, str], str | None] | None = None
        self._queue: asyncio.Queue[tuple[str, nio.MatrixRoom, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()
        self._started_ms = 0
        self.logins = LoginCounts()
        #: nio retries a homeserver that does not answer without end; the login check
        #: and the password login give up after this long (start() then backs off).
        self._login_timeout = login_timeout
        self.member_hooks: list[MemberHook] = []
        self._on_sent: dict[str, Callable[[str], Awaitable[None]]] = {}
        self._inbox_retry = 0.5
        # Stored commands are handled per room, in order within a room and rooms side
        # by side (issue 12): one task per room with commands, at most this many at once.
        self.room_concurrency = ROOM_CONCURRENCY
        self._room_slots = asyncio.Semaphore(ROOM_CONCURRENCY)
        self._room_tasks: dict[str, asyncio.Task[None]] = {}
        self._room_more: set[str] = set()
        self._join_slots = asyncio.Semaphore(JOIN_CONCURRENCY)
        self.message_hooks: list[MessageHook] = []
        self._message_filter: MessageFilter | None = None
        self._message_answerer: MessageAnswerer | None = None
        self._message_sent: MessageSent | None = None
        #: Set by the service: command, sync and latency figures (``/metrics``).
        self.metrics: Metrics | None = None
        #: Wall-clock times of a command on its way in (event id → "synced", "stored"),
        #: for its stage times (``busbaan_command_stage_seconds``); dropped when
        #: answered (at most 10,000: a command stored before, or handled by another
        #: process, is never answered here). Not kept over a restart: those commands
        #: report no stages.
        self._arrival: dict[str, dict[str, float]] = {}
        #: Syncs waiting for the inbox writer (:data:`SYNC_PIPELINE`): (token, commands).
        self._writes: list[tuple[str, list[dict[str, Any]]]] = []
        self._write_wake = asyncio.Event()
        self._writes_idle = asyncio.Event()
        self._writes_idle.set()
        #: ``time.monotonic()`` of the last successful sync (0: none yet); ``/readyz``.
        self.last_sync = 0.0
        #: The sync filter (None: everything, as before issue 12; bench/load.py compares).
        self.sync_filter: dict[str, Any] | None = BOT_SYNC_FILTER
        #: Set by a bot that starts syncing before it can answer (:class:`Warming`).
        self.warming: Warming | None = None
        #: Stored commands told to wait (:meth:`_while_warming`), and each waiting room's
        #: wake-up when more of its commands are stored meanwhile.
        self._told_warming: set[str] = set()
        self._warming_wake: dict[str, asyncio.Event] = {}

    @property
    def user_id(self) -> str:
        return self.account.user_id

    def answer_messages(self, select: MessageFilter, answer: MessageAnswerer,
                        sent: MessageSent | None = None) -> None:
        """Answer the non-command messages ``select`` picks (the wegwijzer's questions
        in a direct chat) the way commands are answered: stored in the inbox with the
        sync token that brought them, answered by ``answer`` (given the stored entry:
        ``room_id``, ``event_id``, ``sender``, ``text``), the answer kept in the store
        and sent once (transaction id from the message's id), then ``sent`` before the
        message counts as answered. A message sent while the bot was down is answered
        after it starts; one answered before a crash is not answered again. Without an
        inbox they go to the message hooks as before."""
        self._message_filter = select
        self._message_answerer = answer
        self._message_sent = sent

    @property
    def queued(self) -> int:
        """Events waiting for the worker."""
        return self._queue.qsize()

    def sync_age(self) -> float:
        """Seconds since the last successful sync (infinite before the first)."""
        return time.monotonic() - self.last_sync if self.last_sync else float("inf")

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, attempts: int = 10) -> None:
        """Log in and sync once; retry with back-off while the homeserver is away."""
        delay = 1.0
        for attempt in range(1, attempts + 1):
            try:
                await self._start_once()
                return
            except (TimeoutError, Unavailable, OSError) as exc:
                if attempt == attempts:
                    raise Unavailable(
                        f"De homeserver {self.account.homeserver} is niet bereikbaar voor "
                        f"bot {self.account.name}; gestopt na {attempts} pogingen.",
                        f"The homeserver {self.account.homeserver} cannot be reached by bot "
                        f"{self.account.name}; gave up after {attempts} attempts.",
                    ) from exc
                log.warning("bot.start_retry", bot=self.account.name, attempt=attempt,
                            retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _start_once(self) -> None:
        await self._login()
        if BOT_QUIET_PUSH:
            await self._quiet_push()
        self._started_ms = int(time.time() * 1000)
        self.client.add_event_callback(self._on_message, nio.RoomMessageText)
        self.client.add_event_callback(self._on_member, nio.RoomMemberEvent)
        self.client.add_event_callback(self._on_invite, nio.InviteMemberEvent)
        self.client.add_event_callback(self._on_undecryptable, nio.MegolmEvent)
        self.client.add_event_callback(self._on_media,
                                       (nio.RoomMessageMedia, nio.RoomEncryptedMedia))
        self.client.add_to_device_callback(self._on_room_key,
                                           (nio.RoomKeyEvent, nio.ForwardedRoomKeyEvent))
        token = await asyncio.to_thread(self.inbox.token) if self.inbox else None
        first = await self.client.sync(timeout=0, full_state=True, since=token,
                                       sync_filter=self.sync_filter)
        if isinstance(first, nio.SyncError):
            raise Unavailable(
                f"De bot {self.account.name} kan niet synchroniseren: {first.message}",
                f"Bot {self.account.name} cannot sync: {first.message}",
            )
        if self.inbox is not None:
            # First start ever: history is never replayed. A restart: the commands
            # since the stored token are new (or were stored before and are skipped),
            # also those beyond the first sync's timeline.
            if token is not None and isinstance(first, nio.SyncResponse):
                await self._fill_gaps(first, token)
            batch = self._batch if token is not None else []
            self._batch = []
            await asyncio.to_thread(self.inbox.receive, first.next_batch, batch)
        await self._crypto_upkeep()  # keys uploaded before anyone encrypts to this device
        self.last_sync = time.monotonic()
        self._ready.set()
        self._tasks = [
            asyncio.create_task(self._sync_loop(), name=f"{self.account.name}-sync"),
            asyncio.create_task(self._worker(), name=f"{self.account.name}-worker"),
        ]
        if self.inbox is not None:  # idle unless SYNC_PIPELINE (bench.load switches it)
            self._tasks.append(asyncio.create_task(self._inbox_writer(),
                                                   name=f"{self.account.name}-inbox"))
        if self.inbox is not None:
            self._queue.put_nowait(("inbox", None, None))  # what a crash left unanswered
        log.info("bot.started", bot=self.account.name, user_id=self.user_id,
                 device_id=self.client.device_id, rooms=len(self.client.rooms))

    async def _quiet_push(self) -> None:
        """Enable the bot's master push rule (no notifications; :data:`BOT_QUIET_PUSH`).
        A failure is logged and the bot starts anyway: it costs the homeserver work,
        not correctness."""
        resp = await self.client.enable_pushrule("global", nio.PushRuleKind.override,
                                                 ".m.rule.master", True)
        if not isinstance(resp, nio.EnablePushRuleResponse):
            log.warning("bot.quiet_push_failed", bot=self.account.name,
                        status=getattr(resp, "status_code", None))

    async def stop(self) -> None:
        tasks = list(self._tasks) + list(self._room_tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.client.olm is not None:  # the room keys since the last backup, too
            try:
                await asyncio.to_thread(self.keys.backup, self.client.olm)
            except Exception as exc:
                log.warning("bot.key_backup_failed", bot=self.account.name,
                            error=type(exc).__name__)
        await self.client.close()
        log.info("bot.stopped", bot=self.account.name)

    async def _login(self) -> None:
        """Reuse the stored token and device; log in with the password only when there
        is none, or once when the homeserver says the stored token is gone (revoked,
        logged out). A homeserver that does not answer is retried by :meth:`start`,
        never answered with a password login."""
        saved = read_login(self._creds_file)
        if (saved is not None and saved.user_id == self.user_id and self.encryption
                and not (self.keys.has_store(saved.device_id)
                         and self._store_opens(saved.device_id))):
            # The crypto store is gone or cannot be opened (the secret lost, the file
            # damaged), or this device never had one: a new device, never new identity
            # keys under the old device id (clients pin them).
            await self._new_device(saved)
            return
        if saved is not None and saved.user_id == self.user_id:
            if await self._restore(saved.device_id, saved.access_token):
                self.logins = LoginCounts(self.logins.reused + 1, self.logins.password)
                return
            log.warning("bot.token_revoked", bot=self.account.name, device_id=saved.device_id)
        if self.account.access_token and await self._restore(
                f"BUSBAAN{self.account.name.upper()}", self.account.access_token):
            self._save()
            return
        if not self.account.password:
            raise Unavailable(
                f"De bot {self.account.name} heeft geen geldig wachtwoord of token.",
                f"Bot {self.account.name} has no valid password or token.",
            )
        # The same device as before (its keys stay valid); a new one the first time.
        await self._password_login(saved.device_id if saved else str(self.client.device_id))

    async def _password_login(self, device_id: str) -> None:
        assert self.account.password
        self.client.device_id = device_id
        self.client.access_token = ""
        resp = await asyncio.wait_for(
            self.client.login(self.account.password, device_name=f"busbaan {self.account.name}"),
            self._login_timeout)
        if isinstance(resp, nio.LoginError) and resp.status_code == "M_LIMIT_EXCEEDED":
            raise Unavailable(
                f"De homeserver laat bot {self.account.name} nu niet inloggen (te veel "
                "pogingen); ik probeer het zo opnieuw.",
                f"The homeserver rate-limits bot {self.account.name}'s login; retrying.")
        check(resp, "login")
        self.logins = LoginCounts(self.logins.reused, self.logins.password + 1)
        self._save()
        log.info("bot.logged_in", bot=self.account.name, device_id=self.client.device_id)

    def _store_opens(self, device_id: str) -> bool:
        """Open the crypto store of ``device_id`` (True), or set an unreadable one aside
        (``<name>-nio.unreadable-<time>``, kept for an operator) and say so (False)."""
        self.client.user_id, self.client.device_id = self.user_id, device_id
        try:
            self.client.load_store()
            return self.client.olm is not None
        except Exception as exc:
            self.client.store = None  # load_store keeps a half-open store otherwise
            self.client.olm = None
            aside = self.keys.store_dir.with_name(
                f"{self.keys.store_dir.name}.unreadable-{int(time.time())}")
            self.keys.store_dir.rename(aside)
            self.keys.store_dir.mkdir(parents=True)
            log.warning("bot.e2e_store_unreadable", bot=self.account.name,
                        device_id=device_id, error=type(exc).__name__, moved_to=str(aside))
            return False

    async def _new_device(self, lost: StoredLogin) -> None:
        """The bot's keys are gone: log in as a new device, import the key backup (so
        what it could read stays readable) and delete the old device (best effort)."""
        log.warning("bot.e2e_store_missing", bot=self.account.name, device_id=lost.device_id)
        if not self.account.password:
            raise Unavailable(
                f"De sleutels van bot {self.account.name} ontbreken en zonder wachtwoord kan "
                "hij geen nieuw apparaat aanmelden.",
                f"Bot {self.account.name}'s keys are missing and without a password it cannot "
                "sign in a new device.")
        name = self.account.name.upper()
        await self._password_login(f"BUSBAAN{name}{secrets.token_hex(4).upper()}")
        if self.client.olm is not None:
            try:
                restored = await asyncio.to_thread(self.keys.restore, self.client.olm)
            except Exception as exc:  # a wrong secret, a damaged file: start without
                log.warning("bot.key_backup_unreadable", bot=self.account.name,
                            error=type(exc).__name__)
                restored = 0
            log.info("bot.key_backup_restored", bot=self.account.name, room_keys=restored)
        auth = {"type": "m.login.password", "password": self.account.password,
                "identifier": {"type": "m.id.user", "user": self.user_id}}
        try:
            resp = await asyncio.wait_for(
                self.client.delete_devices([lost.device_id], auth=auth), self._login_timeout)
            deleted = isinstance(resp, nio.DeleteDevicesResponse)
        except Exception:
            deleted = False
        log.info("bot.old_device_deleted", bot=self.account.name, device_id=lost.device_id,
                 deleted=deleted)

    # -- end-to-end encryption ----------------------------------------------------------

    def _kick_upkeep(self) -> None:
        """Exchange keys after a sync in a task of its own: a key query for users on a
        slow or unreachable homeserver (Synapse waits for federation) must not hold up
        the next sync. One at a time; a sync during it asks for one more round."""
        if self.client.olm is None:
            return
        if self._upkeep is not None and not self._upkeep.done():
            self._upkeep_again = True
            return

        async def rounds() -> None:
            while True:
                self._upkeep_again = False
                await self._crypto_upkeep()
                if not self._upkeep_again:
                    return

        task = asyncio.create_task(rounds(), name=f"{self.account.name}-e2e-keys")
        self._upkeep = task
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    async def _crypto_upkeep(self) -> None:
        """Exchange keys after a sync (:func:`~busbaan.matrix.crypto.exchange_keys`)
        and back up room keys when new ones came in. A failure is logged and tried
        again after the next sync."""
        client = self.client
        if client.olm is None:
            return
        try:
            async with self._keys_lock:
                failed = await exchange_keys(client)
            for request in failed:
                log.warning("bot.e2e_request_failed", bot=self.account.name, request=request)
            if time.monotonic() - self._backup_at >= BACKUP_EVERY_SECONDS:
                self._backup_at = time.monotonic()
                written = await asyncio.to_thread(self.keys.backup, client.olm)
                if written is not None:
                    log.info("bot.key_backup_written", bot=self.account.name,
                             room_keys=written)
        except Exception as exc:
            log.warning("bot.e2e_upkeep_failed", bot=self.account.name,
                        error=type(exc).__name__)

    async def _on_undecryptable(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        if event.sender == self.user_id or not self._ready.is_set():
            return
        if event.server_timestamp < self._started_ms - 2_000:
            return  # history from before this start: no notices about the past
        # The room key may come a moment after the message (another sync, or over
        # federation): look again after a short wait before saying anything.
        if not KEY_REQUESTS:
            self._later(KEY_WAIT_SECONDS, ("undecryptable", room, event))
            return
        task = asyncio.create_task(self._wait_for_key(room, event),
                                   name=f"{self.account.name}-key-wait")
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    async def _wait_for_key(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        """Ask the sender's device for the room key of ``event`` and wait until a key
        for its session comes in or :data:`KEY_WAIT_SECONDS` pass; then the worker
        decrypts it or says it cannot (:meth:`_undecryptable`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + KEY_WAIT_SECONDS  # the request's own time included
        session = str(event.session_id)
        woken = self._key_waits.get(session)
        first = woken is None  # one request per session, however many messages wait
        if woken is None:
            woken = self._key_waits[session] = asyncio.Event()
        try:
            if first:
                await self._request_key(event)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), max(0.0, deadline - loop.time()))
        finally:
            if first and self._key_waits.get(session) is woken:
                del self._key_waits[session]
        self._queue.put_nowait(("undecryptable", room, event))

    async def _request_key(self, event: nio.MegolmEvent) -> None:
        """Send ``m.room_key_request`` for ``event``'s session to the device that sent it
        (best effort: a failure is logged, the wait goes on). nio's ``request_room_key``
        asks only the bot's own other devices, and a bot has none."""
        if not event.device_id or self.client.device_id is None:
            return
        message = event.as_key_request(event.sender, str(self.client.device_id),
                                       request_id=secrets.token_hex(16),
                                       device_id=event.device_id)
        try:
            resp = await self.client.to_device(message)
        except Exception as exc:
            log.warning("bot.key_request_failed", bot=self.account.name,
                        error=type(exc).__name__)
            return
        log.info("bot.key_requested", bot=self.account.name, event_id=event.event_id,
                 ok=isinstance(resp, nio.ToDeviceResponse))

    async def _on_room_key(self, event: nio.RoomKeyEvent | nio.ForwardedRoomKeyEvent) -> None:
        """A room key came in: wake the wait for a message sent with it, if any."""
        woken = self._key_waits.get(str(event.session_id))
        if woken is not None:
            woken.set()

    def _later(self, delay: float, item: tuple[str, Any, Any]) -> None:
        """Queue ``item`` for the worker after ``delay`` seconds (a task the runner owns)."""
        async def later() -> None:
            await asyncio.sleep(delay)
            self._queue.put_nowait(item)

        task = asyncio.create_task(later(), name=f"{self.account.name}-later")
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    async def _undecryptable(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        """Decrypt ``event`` now that its key may have come; handle it as if it had
        arrived readable (a command goes to the inbox), or say it cannot be read."""
        try:
            decrypted = self.client.decrypt_event(event)
        except Exception:
            decrypted = None
        if not isinstance(decrypted, nio.RoomMessageText):
            await self._tell_undecryptable(room, event)
            return
        log.info("bot.decrypted_late", bot=self.account.name, event_id=event.event_id,
                 **self.dispatcher.log_room(room.room_id))
        if self.inbox is not None and (self._is_command(decrypted)
                                       or self._answered_message(room, decrypted)):
            token = await asyncio.to_thread(self.inbox.token)  # kept as it is
            await asyncio.to_thread(self.inbox.receive, token or str(self.client.next_batch),
                                    [self._command_entry(room, decrypted)])
            self._queue.put_nowait(("inbox", None, None))
        else:
            self._queue.put_nowait(("message", room, decrypted))

    async def _tell_undecryptable(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        """Say in the room that the bot cannot read ``event`` and ask for a resend —
        once per sender and Megolm session (a client uses one session for many
        messages). Nothing was run; the text is never known to busbaan."""
        key = (room.room_id, event.sender, str(event.session_id))
        if key in self._told_undecryptable:
            return
        if len(self._told_undecryptable) >= 10_000:  # bounded; a repeat costs one notice
            self._told_undecryptable.clear()
        self._told_undecryptable.add(key)
        joined = self._joined_ms.get(room.room_id)
        before_join = joined is not None and event.server_timestamp < joined
        log.warning("bot.undecryptable", bot=self.account.name, event_id=event.event_id,
                    before_join=before_join, **self.dispatcher.log_room(room.room_id))
        content = notice_content(
            kind="crypto.undecryptable",
            body=f"{event.sender}: {self.undecryptable_text(event.sender, before_join)}",
            data={"event_id": event.event_id, "sender": event.sender,
                  "reason": "sent_before_join" if before_join else "no_key"},
            mentions=(event.sender,))
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event.event_id}}
        txn = "undecryptable-" + hashlib.sha256(event.event_id.encode()).hexdigest()[:32]
        check(await self._room_send(room.room_id, "m.room.message", content, txn), "send")

    async def _refuse_plaintext(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        """A command sent in clear into an encrypted room (a client without encryption):
        not run; the answer goes out in clear too, so that client can read it, and so
        it says nothing about the case, only what to do."""
        found = self.dispatcher.match(_strip_reply_fallback(event.body or "").strip())
        content = reply_content(
            command=found[0].name if found else "?", ok=False, errcode="BB_NOT_ENCRYPTED",
            data={"room_encrypted": True}, in_reply_to=event.event_id,
            body="Deze kamer is versleuteld, maar uw bericht was dat niet: uw app versleutelt "
                 "niet. Ik heb er niets mee gedaan. Gebruik een app met "
                 "end-to-end-versleuteling (zoals Element) en stuur het opnieuw.\n\n"
                 "This room is encrypted, but your message was not: your app does not "
                 "encrypt. I did nothing with it. Use an app with end-to-end "
                 "encryption (such as Element) and send it again.")
        txn = "plain-" + hashlib.sha256(event.event_id.encode()).hexdigest()[:32]
        # nio encrypts everything it sends into an encrypted room; this one answer
        # must not be encrypted, so it goes through the plain send path.
        method, path, data = nio.Api.room_send(str(self.client.access_token), room.room_id,
                                               "m.room.message", content, txn)
        check(await self.client._send(nio.RoomSendResponse, method, path, data,
                                      (room.room_id,)), "send")
        log.info("bot.plaintext_refused", bot=self.account.name, event_id=event.event_id,
                 **self.dispatcher.log_room(room.room_id))

    async def _restore(self, device_id: str, token: str) -> bool:
        """Use ``token`` if the homeserver still knows it; False when it says it does not.
        Any other failure (down, 5xx, rate limit) raises :class:`Unavailable`."""
        self.client.restore_login(self.user_id, device_id, token)
        whoami = await asyncio.wait_for(self.client.whoami(), self._login_timeout)
        if isinstance(whoami, nio.WhoamiResponse) and whoami.user_id == self.user_id:
            self.client.device_id = whoami.device_id or device_id
            return True
        if isinstance(whoami, nio.WhoamiError) and whoami.status_code in TOKEN_GONE:
            return False
        raise Unavailable(
            f"De homeserver kon de login van bot {self.account.name} niet controleren.",
            f"The homeserver could not check bot {self.account.name}'s login.")

    def _save(self) -> None:
        write_login(self._creds_file, StoredLogin(user_id=self.user_id,
                                                  device_id=str(self.client.device_id),
                                                  access_token=str(self.client.access_token)))

    async def _sync_loop(self) -> None:
        backoff = 1.0
        while True:
            since = self.client.next_batch
            resp = await self.client.sync(timeout=30_000, sync_filter=self.sync_filter)
            if self.metrics is not None:
                self.metrics.sync_result(self.account.name, not isinstance(resp, nio.SyncError))
            if isinstance(resp, nio.SyncError):
                log.warning("bot.sync_failed", bot=self.account.name, status=resp.status_code)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            self.last_sync = time.monotonic()
            backoff = 1.0
            self._kick_upkeep()
            if self.inbox is not None:
                await self._fill_gaps(resp, since)
                batch, self._batch = self._batch, []
                if SYNC_PIPELINE:
                    self._writes.append((resp.next_batch, batch))
                    self._writes_idle.clear()
                    self._write_wake.set()
                    while len(self._writes) > SYNC_BACKLOG:  # the store is slow or away
                        await self._writes_idle.wait()
                    continue
                await self._writes_idle.wait()  # switched off meanwhile: in order
                while True:
                    try:
                        await asyncio.to_thread(self.inbox.receive, resp.next_batch, batch)
                        break
                    except Exception as exc:  # the store is away: keep the batch, retry
                        log.warning("bot.inbox_failed", bot=self.account.name,
                                    error=type(exc).__name__, retry_in=backoff)
                        await asyncio.sleep(backoff)
                        backoff = min(backoff * 2, 30.0)
                if batch:
                    self._stored(batch)

    def _stored(self, batch: list[dict[str, Any]]) -> None:
        """A sync's commands are in the inbox: their rooms' tasks take them on."""
        now = time.time()
        for entry in batch:
            arrival = self._arrival.get(entry["event_id"])
            if arrival is not None:
                arrival["stored"] = now
        if ROOM_HANDOFF:
            rooms = frozenset(entry["room_id"] for entry in batch)
            if ROOM_HANDOFF_DIRECT:
                self._start_rooms(rooms)
            else:
                self._queue.put_nowait(("rooms", rooms, None))
        else:
            self._queue.put_nowait(("inbox", None, None))

    async def _inbox_writer(self) -> None:
        """Store the syncs the sync loop handed over (:data:`SYNC_PIPELINE`), in order:
        what queued up meanwhile in one transaction, with the newest token. A store
        that is away is retried with back-off; nothing is dropped."""
        assert self.inbox is not None
        backoff = 1.0
        while True:
            await self._write_wake.wait()
            self._write_wake.clear()
            while self._writes:
                taken = len(self._writes)
                token = self._writes[taken - 1][0]
                batch = [entry for _, entries in self._writes[:taken] for entry in entries]
                try:
                    await asyncio.to_thread(self.inbox.receive, token, batch)
                except Exception as exc:  # the store is away: keep the syncs, retry
                    log.warning("bot.inbox_failed", bot=self.account.name,
                                error=type(exc).__name__, retry_in=backoff)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                backoff = 1.0
                del self._writes[:taken]
                if batch:
                    self._stored(batch)
            self._writes_idle.set()

    async def _fill_gaps(self, resp: nio.SyncResponse, since: str | None) -> None:
        """Commands a sync left out. A room with more new events than the sync's
        timeline holds (Synapse's default: 10) comes back ``limited``: the older ones
        are only reachable by paging back from ``prev_batch`` to the previous sync's
        token. They are read here and put before this sync's commands, so a burst of
        commands loses none. The homeserver just answered; a failure is retried (the
        client's token has moved on: what is not read now would be lost)."""
        if since is None:
            return
        for room_id, info in resp.rooms.join.items():
            timeline = info.timeline
            if not timeline.limited or not timeline.prev_batch:
                continue
            missed = await self._events_between(room_id, timeline.prev_batch, since)
            room = self.client.rooms.get(room_id)
            if room is None or not missed:
                continue
            later, self._batch = self._batch, []
            for event in missed:
                if isinstance(event, nio.RoomMessageText):
                    await self._on_message(room, event)
                elif isinstance(event, nio.MegolmEvent):  # no key (yet): as from a sync
                    await self._on_undecryptable(room, event)
            self._batch += later
            log.info("bot.sync_gap_filled", bot=self.account.name, events=len(missed),
                     **self.dispatcher.log_room(room_id))

    async def _events_between(self, room_id: str, start: str, end: str) -> list[nio.Event]:
        """A room's events from ``end`` (older token) to ``start``, oldest first."""
        out: list[nio.Event] = []
        token, delay = start, 0.5
        while True:
            page = await self.client.room_messages(room_id, start=token, end=end,
                                                   direction=nio.MessageDirection.back,
                                                   limit=100)
            if not isinstance(page, nio.RoomMessagesResponse):
                log.warning("bot.sync_gap_failed", bot=self.account.name,
                            status=getattr(page, "status_code", None), retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            out.extend(page.chunk)
            if not page.chunk or not page.end or page.end == token:
                return list(reversed(out))
            token = page.end

    async def _worker(self) -> None:
        while True:
            kind, room, event = await self._queue.get()
            try:
                if kind == "inbox":
                    await self._drain_inbox()
                elif kind == "rooms":
                    self._start_rooms(room)
                elif kind == "message":
                    await self._handle_message(room, event)
                elif kind == "member":
                    for hook in self.member_hooks:
                        await hook(room, event)
                elif kind == "invite":
                    check(await self.client.join(room.room_id), "join")
                elif kind == "undecryptable":
                    await self._undecryptable(room, event)
                elif kind == "plaintext":
                    await self._refuse_plaintext(room, event)
                elif kind == "media":
                    await self._tell_media(room, event)
            except Exception:
                log.exception("bot.event_failed", bot=self.account.name, kind=kind,
                              **self.dispatcher.log_room(getattr(room, "room_id", None)))
            finally:
                self._queue.task_done()

    async def _pending(self, room_id: str | None = None) -> list[StoredCommand]:
        assert self.inbox is not None
        delay = 0.5
        while True:
            try:
                return await asyncio.to_thread(self.inbox.pending, room_id)
            except Exception as exc:
                log.warning("bot.inbox_failed", bot=self.account.name,
                            error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)

    async def _drain_inbox(self) -> None:
        """Hand every stored command not yet answered to its room's task (in order
        within the room; rooms side by side, at most ``room_concurrency`` at once)."""
        pending = await self._pending()
        self._start_rooms(dict.fromkeys(s.room_id for s in pending))

    def _start_rooms(self, room_ids: Iterable[str]) -> None:
        """Start the task of each room (or tell a running one to read its commands
        again when done)."""
        for room_id in room_ids:
            running = self._room_tasks.get(room_id)
            if running is not None and not running.done():
                self._room_more.add(room_id)  # it reads the inbox again when done
                wake = self._warming_wake.get(room_id)
                if wake is not None:  # it is waiting for the bot: tell the new ones too
                    wake.set()
                continue
            task = asyncio.create_task(self._drain_room(room_id),
                                       name=f"{self.account.name}-room")
            self._room_tasks[room_id] = task
            task.add_done_callback(functools.partial(self._room_done, room_id))

    def _room_done(self, room_id: str, task: asyncio.Task[None]) -> None:
        if self._room_tasks.get(room_id) is task:
            del self._room_tasks[room_id]

    async def _drain_room(self, room_id: str) -> None:
        if self.warming is not None and not self.warming.ready_now():
            await self._while_warming(room_id)
        async with self._room_slots:
            while True:
                # Read here, not handed over: a list read before this room's previous
                # task finished could still hold commands that task answered.
                commands = ([s for s in await self._pending(room_id)] if ROOM_HANDOFF else
                            [s for s in await self._pending() if s.room_id == room_id])
                for stored in commands:
                    try:
                        await self._handle_stored(stored)
                    except Exception as exc:
                        # The homeserver or the store is away: the command stays where
                        # it is (new, or handled with its reply kept) and is tried
                        # again, in order, with the room's later commands behind it.
                        log.warning("bot.command_deferred", bot=self.account.name,
                                    error=type(exc).__name__, retry_in=self._inbox_retry)
                        self._room_more.discard(room_id)
                        self._retry_inbox()
                        return
                self._inbox_retry = 0.5
                if room_id not in self._room_more:
                    return
                self._room_more.discard(room_id)

    async def _while_warming(self, room_id: str) -> None:
        """The bot cannot answer yet (:attr:`warming`): tell each new command or message
        of this room at once that it will be answered in a moment (a transaction id
        from its event id: sent once, also over a restart), then wait until the bot is
        ready. Outside the room slots, so that every room is told at once, not
        ``room_concurrency`` at a time. Nothing is answered or marked here: the room's
        commands are handled in order afterwards, as ever."""
        assert self.warming is not None
        wake = self._warming_wake.setdefault(room_id, asyncio.Event())
        ready = asyncio.ensure_future(self.warming.wait())
        try:
            while not ready.done():
                wake.clear()
                for stored in await self._pending(room_id):
                    if (stored.status != "new" or stored.reply is not None
                            or stored.event_id in self._told_warming):
                        continue
                    self._told_warming.add(stored.event_id)
                    try:
                        content = await self.warming.notice(dict(stored.event))
                        if content is not None:
                            txn = ("warming-"
                                   + hashlib.sha256(stored.event_id.encode()).hexdigest()[:32])
                            check(await self._room_send(room_id, "m.room.message", content,
                                                        txn), "send")
                    except Exception as exc:  # the answer still comes: only logged
                        log.warning("bot.warming_notice_failed", bot=self.account.name,
                                    error=type(exc).__name__)
                woken = asyncio.ensure_future(wake.wait())
                try:
                    await asyncio.wait({ready, woken}, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    woken.cancel()
        finally:
            if not ready.done():
                ready.cancel()
            self._warming_wake.pop(room_id, None)

    def _forget_task(self, task: asyncio.Task[None]) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    def _retry_inbox(self) -> None:
        """Look at the inbox again after a back-off (a task the runner owns)."""
        delay = self._inbox_retry
        self._inbox_retry = min(delay * 2, 30.0)

        async def later() -> None:
            await asyncio.sleep(delay)
            self._queue.put_nowait(("inbox", None, None))

        task = asyncio.create_task(later(), name=f"{self.account.name}-inbox-retry")
        self._tasks.append(task)
        task.add_done_callback(self._forget_task)

    async def _handle_stored(self, stored: StoredCommand) -> None:
        assert self.inbox is not None
        started = time.monotonic()
        content = stored.reply
        is_message = stored.event.get("kind") == "message"
        arrival = self._arrival.pop(stored.event_id, None)
        stages: dict[str, float] = {}
        if arrival is not None and "stored" in arrival and not is_message:
            ts = stored.event.get("server_ts")
            if isinstance(ts, int):
                stages["sync"] = arrival["synced"] - ts / 1000
            stages["inbox"] = arrival["stored"] - arrival["synced"]
            stages["queue"] = time.time() - arrival["stored"]
        if content is None and stored.status == "new":
            content = await self._run_stored(stored)
        elif content is None and is_message:
            await asyncio.to_thread(self.inbox.replied, stored.event_id, "")
            return
        elif content is None:
            # Its work committed, but the reply was lost with the process: say so
            # (never run it twice).
            content = reply_content(
                command=str(stored.event.get("command") or "?"), ok=True, data={
                    "recovered": True},
                body="Uw commando is uitgevoerd, maar het antwoord ging verloren bij een "
                     "herstart van busbaan. Kijk met !status wat er is vastgelegd.\n\nYour "
                     "command was carried out, but its answer was lost when busbaan "
                     "restarted. See !status for what was recorded.",
                in_reply_to=stored.event_id)
            await asyncio.to_thread(self.inbox.store_reply, stored.event_id, content)
        if content is None:
            return
        txn = "reply-" + hashlib.sha256(stored.event_id.encode()).hexdigest()[:32]
        mark = time.monotonic()
        stages["handler"] = mark - started
        resp = check(await self._room_send(stored.room_id, "m.room.message", content, txn),
                     "send")
        stages["send"] = time.monotonic() - mark
        mark = time.monotonic()
        if is_message and self._message_sent is not None:
            # Before "replied": a crash in between sends again (the homeserver keeps the
            # one event for the transaction id) and runs this again (idempotent).
            await self._message_sent(stored.event, content, str(resp.event_id))
        await asyncio.to_thread(self.inbox.replied, stored.event_id, str(resp.event_id))
        stages["replied"] = time.monotonic() - mark
        if self.metrics is not None and not is_message:
            if "queue" in stages:  # a command that came through this process's sync
                self.metrics.command_stages(self.account.name, stages)
            reply = content.get("nl.busbaan.reply") or {}
            ts = stored.event.get("server_ts")
            self.metrics.command_answered(
                self.account.name, str(reply.get("command") or ""), ok=bool(reply.get("ok")),
                errcode=reply.get("errcode"), handling_seconds=time.monotonic() - started,
                latency_seconds=time.time() - ts / 1000 if isinstance(ts, int) else None)
        on_sent = self._on_sent.pop(stored.event_id, None)
        if on_sent is not None:
            await on_sent(str(resp.event_id))

    async def _run_stored(self, stored: StoredCommand) -> dict[str, Any] | None:
        """Run a stored command's handler with the command bound for the case service;
        keep its reply (marking it handled if its work did not)."""
        assert self.inbox is not None
        e = stored.event
        base = {"room_id": stored.room_id, "event_id": stored.event_id,
                "sender": stored.sender, "is_direct": bool(e.get("is_direct")),
                "thread_root": e.get("thread_root"), "in_reply_to": e.get("in_reply_to"),
                "markup": str(e.get("markup") or "")}
        if e.get("kind") == "message":
            return await self._answer_stored(stored)
        mark = CommandMark(self.account.name, stored.event_id)
        token = current_command.set(mark)
        try:
            result = await self.dispatcher.run(base, str(e.get("text", "")))
        finally:
            current_command.reset(token)
        if result is None:
            await asyncio.to_thread(self.inbox.replied, stored.event_id, "")
            return None
        ctx, reply = result
        ts = e.get("server_ts")
        if reply.defer and (not isinstance(ts, int)
                            or time.time() - ts / 1000 < DEFER_COMMANDS_FOR_S):
            # Nothing changed and the store will likely be back (a lost connection):
            # the command stays in the inbox and runs again, in order, after a back-off.
            raise Unavailable(reply.body, errcode=reply.errcode)
        content = reply_content(
            command=ctx.command, ok=reply.ok, errcode=reply.errcode, data=reply.data,
            body=reply.body, html_body=reply.html, in_reply_to=ctx.event_id,
            thread_root=reply.thread_root or ctx.thread_root, mentions=reply.mentions,
        )
        for key, value in reply.extra.items():
            content.setdefault(key, value)
        await asyncio.to_thread(self.inbox.store_reply, stored.event_id, content)
        if reply.on_sent is not None:
            self._on_sent[stored.event_id] = reply.on_sent
        return content

    async def _answer_stored(self, stored: StoredCommand) -> dict[str, Any] | None:
        """A stored message (:meth:`answer_messages`): its answer is kept in the store
        before it is sent, like a command's reply."""
        assert self.inbox is not None
        content = (await self._message_answerer(dict(stored.event))
                   if self._message_answerer is not None else None)
        if content is None:
            await asyncio.to_thread(self.inbox.replied, stored.event_id, "")
            return None
        await asyncio.to_thread(self.inbox.store_reply, stored.event_id, content)
        return content

    # -- nio callbacks: queue only, never block the sync -----------------------------

    async def _on_message(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.sender == self.user_id:
            return
        if self.encryption and room.encrypted and not getattr(event, "decrypted", False):
            # Sent in clear into an encrypted room: never run, never stored. Commands,
            # and anything in a direct chat, get a clear answer saying why.
            if self._ready.is_set() and (self._is_command(event) or room.member_count <= 2):
                self._queue.put_nowait(("plaintext", room, event))
            return
        if self._ready.is_set():
            self._received(event)
        if self.inbox is not None and (self._is_command(event)
                                       or self._answered_message(room, event)):
            # Stored with this sync's token once the sync is done (see _sync_loop).
            self._batch.append(self._command_entry(room, event))
            if self._ready.is_set():
                if len(self._arrival) >= 10_000:  # bounded: the oldest (never handled
                    del self._arrival[next(iter(self._arrival))]  # here) goes first
                self._arrival[event.event_id] = {"synced": time.time()}
            return
        if self._ready.is_set():
            self._queue.put_nowait(("message", room, event))

    async def _on_media(self, room: nio.MatrixRoom, event: Any) -> None:
        """A voice note, photo, video or file: answered where :attr:`media_text` says so."""
        if event.sender == self.user_id or self.media_text is None or not self._ready.is_set():
            return
        if event.server_timestamp < self._started_ms - 2_000:
            return  # history from before this start (as _handle_message)
        self._queue.put_nowait(("media", room, event))

    async def _tell_media(self, room: nio.MatrixRoom, event: Any) -> None:
        """Say that a voice note, photo, video or file cannot be read, as a reply to it.
        Nothing of it is fetched, kept or logged (only its event id); sent once (the
        transaction id is the event's)."""
        text = self.media_text(room, event.sender) if self.media_text else None
        if text is None:
            return
        content = notice_content(kind="message.media_unread", body=text,
                                 data={"event_id": event.event_id})
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event.event_id}}
        txn = "media-" + hashlib.sha256(event.event_id.encode()).hexdigest()[:32]
        check(await self._room_send(room.room_id, "m.room.message", content, txn), "send")
        log.info("bot.media_unread", bot=self.account.name, event_id=event.event_id,
                 **self.dispatcher.log_room(room.room_id))

    def _answered_message(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> bool:
        """A message the bot answers through the inbox (:meth:`answer_messages`)."""
        if self._message_filter is None or event.sender == self.user_id:
            return False
        if event.source.get("content", {}).get("msgtype") == "m.notice":
            return False  # bots do not answer notices (no loops between bots)
        return self._message_filter(room, event)

    def _command_entry(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> dict[str, Any]:
        """What the inbox keeps of a command until it is answered."""
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        in_reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
        text = message_text(event.body or "", event.source.get("content", {})).strip()
        markup = markup_text(event.source.get("content", {}))
        # an edit is never a command (as in _is_command): its new text is a message
        found = None if is_edit(event) else self.dispatcher.match(text)
        return {
            "event_id": event.event_id, "room_id": room.room_id, "sender": event.sender,
            "text": text, "command": found[0].name if found else None,
            "is_direct": room.member_count <= 2,
            "thread_root": relates.get("event_id")
            if relates.get("rel_type") == "m.thread" else None,
            "in_reply_to": in_reply_to if isinstance(in_reply_to, str) else None,
            "server_ts": event.server_timestamp,  # for the reply latency (metrics)
            "edited": is_edit(event),  # an edit into a command is told it is not run
            # the HTML part's text, only when it says something else (checked, never sent)
            "markup": markup if markup != text else "",
            **({} if found else {"kind": "message"})}  # answer_messages(): no command

    def _is_command(self, event: nio.RoomMessageText) -> bool:
        if event.source.get("content", {}).get("msgtype") == "m.notice" or is_edit(event):
            return False  # an edit is never a new command (its body may lack the "* ")
        text = _strip_reply_fallback(event.body or "").strip()
        return self.dispatcher.match(text) is not None

    async def _on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        if event.membership in ("invite", "join"):  # back in (invited again): not removed
            self.client.removed_members.get(room.room_id, set()).discard(event.state_key)
        if (event.state_key == self.user_id and event.membership == "join"
                and event.prev_membership != "join"):
            if len(self._joined_ms) >= 10_000:  # bounded: only for the undecryptable text
                self._joined_ms.clear()
            self._joined_ms[room.room_id] = event.server_timestamp
        if self._ready.is_set():
            self._received(event)
            self._queue.put_nowait(("member", room, event))

    def _received(self, event: nio.Event) -> None:
        if self.metrics is not None and event.server_timestamp:
            self.metrics.event_received(self.account.name,
                                        time.time() - event.server_timestamp / 1000)

    async def _on_invite(self, room: nio.MatrixRoom, event: nio.InviteMemberEvent) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            if JOIN_AT_ONCE:
                task = asyncio.create_task(self._join(room.room_id, event.sender),
                                           name=f"{self.account.name}-join")
                self._tasks.append(task)
                task.add_done_callback(self._forget_task)
            else:
                self._queue.put_nowait(("invite", room, event))

    async def _join(self, room_id: str, inviter: str | None = None) -> None:
        """Join a room the bot was invited to (:data:`JOIN_AT_ONCE`), then, in an
        encrypted room, share its room key (:data:`KEYS_AT_JOIN`). In a room whose
        invite says it is encrypted, the key goes to the inviter's devices beside the
        join (:data:`~busbaan.matrix.crypto.KEYS_AT_INVITE`). A failure is logged as
        the worker logs one."""
        early: asyncio.Task[int] | None = None
        try:
            if (crypto.KEYS_AT_INVITE and KEYS_AT_JOIN and inviter is not None
                    and self.client.olm is not None
                    and room_id in self.client.encrypted_invites):
                early = asyncio.create_task(self._invite_key(room_id, inviter),
                                            name=f"{self.account.name}-invite-key")
            async with self._join_slots:
                check(await self.client.join(room_id), "join")
            if early is not None:
                await early  # before the share after the join: it skips those devices
            if KEYS_AT_JOIN and self.client.olm is not None:
                await self.prepare_keys(room_id)
        except Exception:
            log.exception("bot.event_failed", bot=self.account.name, kind="invite",
                          **self.dispatcher.log_room(room_id))
        finally:
            self.client.encrypted_invites.discard(room_id)
            if early is not None and not early.done():
                early.cancel()

    async def _invite_key(self, room_id: str, inviter: str) -> int:
        """:func:`~busbaan.matrix.crypto.prepare_invite_key`, best effort: a failure
        is logged and the share after the join does it."""
        try:
            shared = await prepare_invite_key(self.client, room_id, inviter)
        except Exception as exc:
            log.warning("bot.invite_key_failed", bot=self.account.name,
                        error=type(exc).__name__, **self.dispatcher.log_room(room_id))
            return 0
        if shared:
            log.info("bot.room_key_at_invite", bot=self.account.name, devices=shared,
                     **self.dispatcher.log_room(room_id))
        return shared

    async def prepare_keys(self, room_id: str, timeout: float = 10.0) -> bool:
        """Once the sync knows ``room_id`` (just joined), share this bot's room key
        with its members' devices if it is encrypted (:data:`KEYS_AT_JOIN`). True: the
        key went out now; False: nothing to do, or the first send will do it."""
        if self.client.olm is None or not await self.members_known(
                room_id, (), timeout, interval=JOINED_ROOM_POLL_SECONDS):
            return False
        room = self.client.rooms.get(room_id)
        if room is None or not room.encrypted:
            return False
        shared = await prepare_room_key(self.client, room_id, self._keys_lock)
        if shared:
            log.info("bot.room_key_prepared", bot=self.account.name,
                     **self.dispatcher.log_room(room_id))
        return shared

    # -- messages -------------------------------------------------------------------

    async def _handle_message(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.server_timestamp < self._started_ms - 2_000:
            return  # history from before this start: never replay commands
        if event.source.get("content", {}).get("msgtype") == "m.notice":
            return  # bots do not answer notices (no loops between bots)
        text = event.body or ""
        relates = event.source.get("content", {}).get("m.relates_to") or {}
        thread_root = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        is_direct = room.member_count <= 2
        in_reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
        base = {"room_id": room.room_id, "event_id": event.event_id, "sender": event.sender,
                "is_direct": is_direct, "thread_root": thread_root,
                "in_reply_to": in_reply_to if isinstance(in_reply_to, str) else None,
                "markup": markup_text(event.source.get("content", {}))}
        started = time.monotonic()
        result = None if is_edit(event) else await self.dispatcher.run(
            base, _strip_reply_fallback(text))
        if result is None:
            for hook in self.message_hooks:
                if await hook(room, event):
                    return
            return
        ctx, reply = result
        sent = await self.send_reply(ctx, reply)
        if self.metrics is not None:
            self.metrics.command_answered(
                self.account.name, ctx.command, ok=reply.ok, errcode=reply.errcode,
                handling_seconds=time.monotonic() - started,
                latency_seconds=time.time() - event.server_timestamp / 1000
                if event.server_timestamp else None)
        if reply.on_sent is not None:
            await reply.on_sent(sent)

    async def send_reply(self, ctx: CommandContext, reply: Reply) -> str:
        content = reply_content(
            command=ctx.command, ok=reply.ok, errcode=reply.errcode, data=reply.data,
            body=reply.body, html_body=reply.html, in_reply_to=ctx.event_id,
            thread_root=reply.thread_root or ctx.thread_root, mentions=reply.mentions,
        )
        for key, value in reply.extra.items():
            content.setdefault(key, value)
        return await self.send(ctx.room_id, content)

    async def send(self, room_id: str, content: dict[str, Any],
                   event_type: str = "m.room.message") -> str:
        resp = check(await self._room_send(room_id, event_type, content), "send")
        return str(resp.event_id)

    async def _room_send(self, room_id: str, event_type: str, content: dict[str, Any],
                         tx_id: str | None = None) -> Any:
        """Send (encrypted in an encrypted room). The keys of members who just joined
        are fetched first, so the room key reaches their devices with this message;
        every device is trusted on first use (busbaan.matrix.crypto)."""
        room = self.client.rooms.get(room_id)
        if self.client.olm is not None and room is None:
            # A room the bot just created or joined: nio encrypts only into a room its
            # sync knows (is it encrypted, who is in it).
            await self.members_known(room_id, ())
            room = self.client.rooms.get(room_id)
        if (self.client.olm is not None and room is not None and room.encrypted
                and (self.client.should_query_keys or not SEND_LOCKS_ONLY_TO_QUERY)):
            async with self._keys_lock:
                with contextlib.suppress(nio.LocalProtocolError):
                    await query_keys(self.client)
        return await self.client.room_send(room_id, event_type, content, tx_id=tx_id,
                                           ignore_unverified_devices=True)

    async def notice(self, room_id: str, *, kind: str, body: str, html: str | None = None,
                     data: dict[str, Any] | None = None, mentions: tuple[str, ...] = ()) -> str:
        return await self.send(room_id, notice_content(kind=kind, body=body, html_body=html,
                                                       data=data, mentions=mentions))

    def removed(self, room_id: str, user_id: str) -> None:
        """The bot has just removed ``user_id`` from ``room_id`` (or found her gone):
        she leaves this bot's view of the room and, in an encrypted room, the room key
        (:class:`~busbaan.matrix.crypto.BotClient`) until she is invited again."""
        room = self.client.rooms.get(room_id)
        if room is not None:
            room.users.pop(user_id, None)
            room.invited_users.pop(user_id, None)
        if self.client.olm is not None:
            self.client.removed_members.setdefault(room_id, set()).add(user_id)
            renew_room_key(self.client, room_id, [user_id])

    def leaving_room_key(self, room_id: str, user_ids: Iterable[str]) -> None:
        """``user_ids`` are about to be removed from ``room_id``: in an encrypted room
        nothing this bot sends from now on reaches them (they join the removed, and a
        room key they hold is dropped). Its own view of the room is left as it is:
        the removal still finds them there."""
        users = set(user_ids)
        if self.client.olm is None or not users:
            return
        self.client.removed_members.setdefault(room_id, set()).update(users)
        renew_room_key(self.client, room_id, users)

    async def share_kept_keys(self, room_id: str, user_id: str) -> int:
        """Give ``user_id``'s devices this bot's kept room keys of ``room_id`` that they
        lack (:func:`~busbaan.matrix.crypto.share_kept_keys`, under the key lock);
        how many devices got keys."""
        if self.client.olm is None:
            return 0
        return await share_kept_keys(self.client, room_id, user_id, self._keys_lock)

    async def drop_kept_keys(self, room_id: str) -> int:
        """Forget this bot's kept room keys of ``room_id`` (under the key lock, so that
        no share is half way); how many were dropped."""
        drop = getattr(self.client, "drop_kept_keys", None)
        if drop is None:
            return 0
        async with self._keys_lock:
            return int(drop(room_id))

    async def members_known(self, room_id: str, user_ids: Iterable[str],
                            timeout: float = 10.0, interval: float = 0.1) -> bool:
        """Wait until this bot's sync knows ``room_id`` with ``user_ids`` in it (joined
        or invited). In an encrypted room a message reaches only the members the
        client knows when it sends: a bot that has just invited people and then writes
        for them (a lane's question) waits here first. False after ``timeout``."""
        wanted = set(user_ids)
        deadline = time.monotonic() + timeout
        while True:
            room = self.client.rooms.get(room_id)
            if room is not None and wanted <= set(room.users):
                return True
            if time.monotonic() > deadline:
                log.warning("bot.members_unknown", bot=self.account.name,
                            **self.dispatcher.log_room(room_id),
                            missing=len(wanted - set(room.users if room else ())))
                return False
            await asyncio.sleep(interval)

    async def drain(self) -> None:
        """Wait until every queued event and every room's commands are handled
        (tests, shutdown)."""
        await self._writes_idle.wait()
        await self._queue.join()
        me = asyncio.current_task()
        while True:
            running = [t for t in self._room_tasks.values() if not t.done() and t is not me]
            if not running:
                return
            await asyncio.wait(running)
            await self._queue.join()


def undecryptable_text(sender: str, before_join: bool) -> str:
    """The notice for a message the bot cannot read (Dutch, then English; formal "u").
    ``before_join``: it was sent before the bot was in the room, so the sender's app
    did not give the bot its key; a resend now is encrypted for the bot too."""
    if before_join:
        return ("ik kan uw bericht niet lezen: uw app versleutelde het voordat ik in dit "
                "gesprek was en gaf mij de sleutel niet. Ik heb er niets mee gedaan. Stuur "
                "het bericht of commando alstublieft opnieuw: nu ik in het gesprek ben, kan "
                "ik een nieuw bericht wel lezen.\n\n"
                f"{sender}: I cannot read your message: your app encrypted it before I was "
                "in this chat and did not give me the key. I did nothing with it. Please send "
                "the message or command again: now that I am in the chat, I can read a new "
                "one.")
    return ("ik kan uw bericht niet lezen: het is versleuteld met een sleutel die ik niet "
            "heb (bijvoorbeeld na een herstel van busbaan, of omdat uw app mij de sleutel "
            "niet gaf). Ik heb er niets mee gedaan. Stuur het bericht of commando "
            "alstublieft opnieuw.\n\n"
            f"{sender}: I cannot read your message: it is encrypted with a key I do not have "
            "(for instance after busbaan was restored, or because your app did not give me "
            "the key). I did nothing with it. Please send the message or command again.")


def is_edit(event: nio.RoomMessageText) -> bool:
    """Whether the message edits an earlier one (``m.replace``): never run as a command,
    with or without the ``* `` fallback in its body; message hooks may answer it."""
    relates = event.source.get("content", {}).get("m.relates_to")
    return isinstance(relates, dict) and relates.get("rel_type") == "m.replace"


def message_text(body: str, content: Any) -> str:
    """What a message says, as its sender wrote it: for an edit (``m.replace``) the new
    text in ``m.new_content`` (else its body without Element's "* " fallback prefix;
    outside19 #14: an edited question was routed as "* cliënt, 70, ..."), without a
    reply's quoted fallback lines. ``body`` is the event's body, ``content`` its
    content. The one reading of a message's text for the runner and the bots."""
    text = body
    relates = content.get("m.relates_to") if isinstance(content, dict) else None
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        new = content.get("m.new_content")
        if isinstance(new, dict) and isinstance(new.get("body"), str):
            text = new["body"]
        elif text.startswith("* "):
            text = text[2:]
    return _strip_reply_fallback(_plain_spacing(text))


def markup_text(content: Any) -> str:
    """What a message's HTML part says, as a reader sees it: the text of its
    ``formatted_body`` (for an edit, of ``m.new_content``), without a reply's quoted
    ``<mx-reply>``, with the same spacing as :func:`message_text`; "" when it has none.
    Clients show this part instead of ``body``: a crafted client could put a BSN there
    that a check of ``body`` alone never reads (session 17, outside21 finding 13). For
    checks only; busbaan answers, stores and forwards ``body``."""
    if not isinstance(content, dict):
        return ""
    relates = content.get("m.relates_to")
    if isinstance(relates, dict) and relates.get("rel_type") == "m.replace":
        new = content.get("m.new_content")
        content = new if isinstance(new, dict) else content
    markup = content.get("formatted_body")
    if not isinstance(markup, str) or not markup.strip():
        return ""
    reader = _MarkupReader()
    reader.feed(markup)
    reader.close()
    return _plain_spacing("".join(reader.parts)).strip()


class _MarkupReader(html.parser.HTMLParser):
    """The text of a piece of Matrix HTML: a block or a line break starts a new line
    (so that groups of digits in two cells or lines stay apart as a reader sees them),
    entities are read, and a reply's ``<mx-reply>`` quote is skipped."""

    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4",
                         "h5", "h6", "blockquote", "pre", "ul", "ol", "table", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mx-reply":
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mx-reply":
            self._skip = max(0, self._skip - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


#: Keep a zero-width joiner only inside an emoji sequence ("👩‍⚕️"): after a character
#: that is neither a letter nor a digit.
_ZWJ = "\u200d"


def _plain_spacing(text: str) -> str:
    """Spaces as a reader sees them (session 17, outside21): a no-break, thin or other
    Unicode space (category Zs) is a space, and an invisible format character (Cf:
    zero-width space, soft hyphen, byte-order mark, direction marks) is dropped. Text
    pasted from Outlook, Word or a web page carries them: unread, a BSN with no-break
    spaces between its groups was not found as personal data, and `!baan 1` put it in
    the lane's first message."""
    if text.isascii():
        return text
    out: list[str] = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind == "Zs":
            out.append(" ")
        elif kind != "Cf" or (ch == _ZWJ and out and not out[-1].isalnum()
                              and not out[-1].isspace()):
            out.append(ch)
    return "".join(out)


def _strip_reply_fallback(text: str) -> str:
    """Element prefixes replies with quoted lines ("> <@x> ..."): drop them."""
    lines = text.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)
