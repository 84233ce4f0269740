"""A bot's life on Matrix: log in with a stable device, sync, dispatch, stop.

Start-up order: credentials → first sync (rooms and members, no commands replayed)
→ ready → the sync loop and one worker that handles events in order. Every task is
owned by the runner and cancelled on stop; a failing handler is logged and skipped.

With an :class:`~busbaan.store.inbox.Inbox` the bot is crash-safe: each sync's
command events are stored with its sync token in one transaction; the next start
syncs from that token, so no command is lost. A command is marked handled in the
transaction of its work (the case service does this for the running command) or,
for one that changes nothing, with its reply; the reply is kept in the store and
sent with a transaction id derived from the command, so it is sent once. A command
found handled after a crash is not run again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nio

from busbaan.errors import Unavailable
from busbaan.log import get_logger
from busbaan.matrix.dispatch import CommandContext, Dispatcher, Reply
from busbaan.matrix.errors import check
from busbaan.matrix.reply import notice_content, reply_content
from busbaan.store.inbox import CommandMark, Inbox, StoredCommand, current_command

log = get_logger("busbaan.matrix")


@dataclass(frozen=True, slots=True)
class BotAccount:
    name: str  # "casus" | "wegwijzer"
    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None


MemberHook = Callable[[nio.MatrixRoom, nio.RoomMemberEvent], Awaitable[None]]
MessageHook = Callable[[nio.MatrixRoom, nio.RoomMessageText], Awaitable[bool]]


class BotRunner:
    """One bot account: a nio client, a dispatcher, an event queue and its tasks."""

    def __init__(self, account: BotAccount, store_dir: Path, dispatcher: Dispatcher,
                 inbox: Inbox | None = None) -> None:
        self.account = account
        self.inbox = inbox
        self._batch: list[dict[str, Any]] = []  # this sync's commands, until stored
        self.dispatcher = dispatcher
        self._store_dir = store_dir
        self._creds_file = store_dir / f"{account.name}.credentials.json"
        store_dir.mkdir(parents=True, exist_ok=True)
        nio_store = store_dir / f"{account.name}-nio"
        nio_store.mkdir(parents=True, exist_ok=True)
        self.client = nio.AsyncClient(
            account.homeserver, account.user_id, device_id=f"BUSBAAN{account.name.upper()}",
            store_path=str(nio_store),
            config=nio.AsyncClientConfig(store_sync_tokens=False, encryption_enabled=False,
                                         max_timeouts=None, request_timeout=60),
        )
        self._queue: asyncio.Queue[tuple[str, nio.MatrixRoom, Any]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._ready = asyncio.Event()
        self._started_ms = 0
        self.member_hooks: list[MemberHook] = []
        self._on_sent: dict[str, Callable[[str], Awaitable[None]]] = {}
        self._inbox_retry = 0.5
        self.message_hooks: list[MessageHook] = []

    @property
    def user_id(self) -> str:
        return self.account.user_id

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
        self._started_ms = int(time.time() * 1000)
        self.client.add_event_callback(self._on_message, nio.RoomMessageText)
        self.client.add_event_callback(self._on_member, nio.RoomMemberEvent)
        self.client.add_event_callback(self._on_invite, nio.InviteMemberEvent)
        token = await asyncio.to_thread(self.inbox.token) if self.inbox else None
        first = await self.client.sync(timeout=0, full_state=True, since=token)
        if isinstance(first, nio.SyncError):
            raise Unavailable(
                f"De bot {self.account.name} kan niet synchroniseren: {first.message}",
                f"Bot {self.account.name} cannot sync: {first.message}",
            )
        if self.inbox is not None:
            # First start ever: history is never replayed. A restart: the commands
            # since the stored token are new (or were stored before and are skipped).
            batch = self._batch if token is not None else []
            self._batch = []
            await asyncio.to_thread(self.inbox.receive, first.next_batch, batch)
        self._ready.set()
        self._tasks = [
            asyncio.create_task(self._sync_loop(), name=f"{self.account.name}-sync"),
            asyncio.create_task(self._worker(), name=f"{self.account.name}-worker"),
        ]
        if self.inbox is not None:
            self._queue.put_nowait(("inbox", None, None))  # what a crash left unanswered
        log.info("bot.started", bot=self.account.name, user_id=self.user_id,
                 device_id=self.client.device_id, rooms=len(self.client.rooms))

    async def stop(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.client.close()
        log.info("bot.stopped", bot=self.account.name)

    async def _login(self) -> None:
        if self._creds_file.exists():
            saved = json.loads(self._creds_file.read_text())
            self.client.restore_login(saved["user_id"], saved["device_id"],
                                      saved["access_token"])
            whoami = await self.client.whoami()
            if isinstance(whoami, nio.WhoamiResponse):
                return
        if self.account.access_token:
            self.client.restore_login(self.user_id, f"BUSBAAN{self.account.name.upper()}",
                                      self.account.access_token)
            whoami = await self.client.whoami()
            if isinstance(whoami, nio.WhoamiResponse):
                self.client.device_id = whoami.device_id or self.client.device_id
                return
        if not self.account.password:
            raise Unavailable(
                f"De bot {self.account.name} heeft geen geldig wachtwoord of token.",
                f"Bot {self.account.name} has no valid password or token.",
            )
        resp = check(await self.client.login(self.account.password,
                                             device_name=f"busbaan {self.account.name}"),
                     "login")
        tmp = self._creds_file.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump({"user_id": resp.user_id, "device_id": resp.device_id,
                       "access_token": resp.access_token}, f)
        tmp.replace(self._creds_file)

    async def _sync_loop(self) -> None:
        backoff = 1.0
        while True:
            resp = await self.client.sync(timeout=30_000)
            if isinstance(resp, nio.SyncError):
                log.warning("bot.sync_failed", bot=self.account.name, status=resp.status_code)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            backoff = 1.0
            if self.inbox is not None:
                batch, self._batch = self._batch, []
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
                    self._queue.put_nowait(("inbox", None, None))

    async def _worker(self) -> None:
        while True:
            kind, room, event = await self._queue.get()
            try:
                if kind == "inbox":
                    await self._drain_inbox()
                elif kind == "message":
                    await self._handle_message(room, event)
                elif kind == "member":
                    for hook in self.member_hooks:
                        await hook(room, event)
                elif kind == "invite":
                    check(await self.client.join(room.room_id), "join")
            except Exception:
                log.exception("bot.event_failed", bot=self.account.name, kind=kind,
                              room_id=getattr(room, "room_id", None))
            finally:
                self._queue.task_done()

    async def _drain_inbox(self) -> None:
        """Handle and answer every stored command not yet answered, in order."""
        assert self.inbox is not None
        delay = 0.5
        while True:
            try:
                pending = await asyncio.to_thread(self.inbox.pending)
                break
            except Exception as exc:
                log.warning("bot.inbox_failed", bot=self.account.name,
                            error=type(exc).__name__, retry_in=delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
        for stored in pending:
            try:
                await self._handle_stored(stored)
            except Exception as exc:
                # The homeserver or the store is away: the command stays where it is
                # (new, or handled with its reply kept) and is tried again, in order.
                log.warning("bot.command_deferred", bot=self.account.name,
                            error=type(exc).__name__, retry_in=self._inbox_retry)
                self._retry_inbox()
                return
        self._inbox_retry = 0.5

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
        content = stored.reply
        if content is None and stored.status == "new":
            content = await self._run_stored(stored)
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
        resp = check(await self.client.room_send(stored.room_id, "m.room.message", content,
                                                 tx_id=txn, ignore_unverified_devices=True),
                     "send")
        await asyncio.to_thread(self.inbox.replied, stored.event_id, str(resp.event_id))
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
                "thread_root": e.get("thread_root"), "in_reply_to": e.get("in_reply_to")}
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

    # -- nio callbacks: queue only, never block the sync -----------------------------

    async def _on_message(self, room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.sender == self.user_id:
            return
        if self.inbox is not None and self._is_command(event):
            # Stored with this sync's token once the sync is done (see _sync_loop).
            relates = event.source.get("content", {}).get("m.relates_to") or {}
            in_reply_to = (relates.get("m.in_reply_to") or {}).get("event_id")
            text = _strip_reply_fallback(event.body or "").strip()
            found = self.dispatcher.match(text)
            self._batch.append({
                "event_id": event.event_id, "room_id": room.room_id, "sender": event.sender,
                "text": text, "command": found[0].name if found else None,
                "is_direct": room.member_count <= 2,
                "thread_root": relates.get("event_id")
                if relates.get("rel_type") == "m.thread" else None,
                "in_reply_to": in_reply_to if isinstance(in_reply_to, str) else None})
            return
        if self._ready.is_set():
            self._queue.put_nowait(("message", room, event))

    def _is_command(self, event: nio.RoomMessageText) -> bool:
        if event.source.get("content", {}).get("msgtype") == "m.notice":
            return False
        text = _strip_reply_fallback(event.body or "").strip()
        return self.dispatcher.match(text) is not None

    async def _on_member(self, room: nio.MatrixRoom, event: nio.RoomMemberEvent) -> None:
        if self._ready.is_set():
            self._queue.put_nowait(("member", room, event))

    async def _on_invite(self, room: nio.MatrixRoom, event: nio.InviteMemberEvent) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            self._queue.put_nowait(("invite", room, event))

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
                "in_reply_to": in_reply_to if isinstance(in_reply_to, str) else None}
        result = await self.dispatcher.run(base, _strip_reply_fallback(text))
        if result is None:
            for hook in self.message_hooks:
                if await hook(room, event):
                    return
            return
        ctx, reply = result
        sent = await self.send_reply(ctx, reply)
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
        resp = check(await self.client.room_send(room_id, event_type, content,
                                                 ignore_unverified_devices=True),
                     "send")
        return str(resp.event_id)

    async def notice(self, room_id: str, *, kind: str, body: str, html: str | None = None,
                     data: dict[str, Any] | None = None, mentions: tuple[str, ...] = ()) -> str:
        return await self.send(room_id, notice_content(kind=kind, body=body, html_body=html,
                                                       data=data, mentions=mentions))

    async def drain(self) -> None:
        """Wait until every queued event is handled (tests, shutdown)."""
        await self._queue.join()


def _strip_reply_fallback(text: str) -> str:
    """Element prefixes replies with quoted lines ("> <@x> ..."): drop them."""
    lines = text.split("\n")
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)
