"""End-to-end encryption for the bots (issue 11 part 3): what a bot keeps, and how.

matrix-nio with vodozemac (``matrix-nio[e2e]``) does the cryptography; this module
owns the files around it and the rules busbaan adds:

- **The crypto store** lives beside the bot's credentials, ``<state>/bots/<name>-nio/``
  (nio's SQLite store: the Olm account = the device's identity keys, Olm and Megolm
  sessions, other devices' keys). It is opened for the stored device id, so a restart
  keeps the device and its keys. Keys in it are pickled with the bot's secret (below).
- **The bot's secret** ``<state>/bots/<name>.e2e-secret`` (mode 0600, made once): the
  pickle key of the store and the passphrase of the key backup.
- **Key backup**: nio (0.26) has neither server-side key backup nor cross-signing, so
  the backup is nio's encrypted Megolm key export (the format Element imports too),
  ``<state>/bots/<name>.megolm-keys`` (0600), rewritten atomically after a sync that
  brought new room keys (at most every :data:`BACKUP_EVERY_SECONDS`). When the store is
  lost, the bot logs in as a **new device** (never the old device id with new identity
  keys: clients pin a device's keys) and imports this backup, so the history it had
  keys for stays readable. Keep the backup and the secret with the state directory's
  backups (deploy/README.md); lose both and old messages stay unreadable for the bot,
  while new ones work as soon as clients see the new device.
- **Kept lane keys** ``<state>/bots/<name>.lane-keys`` (0600, AES-256-GCM under a key
  derived from the bot's secret): the room keys the wegwijzer made in its lanes, as
  first shared, for members' devices that appear later (:class:`KeptRoomKey`,
  lanekeys). Tied to the bot's device: a new device (lost store) starts without them.
- **Trust**: the bots trust every device a member's homeserver lists, on first use
  (``ignore_unverified_devices``): professionals' Element devices are not verified by
  a bot, and the bot never refuses to answer an unverified device. nio pins a device's
  keys once seen (a changed key for a known device id is not accepted).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nio

from busbaan.log import get_logger

log = get_logger("busbaan.matrix")

#: The state event that turns on Megolm encryption in a room the bots create.
ENCRYPTION_ALGORITHM = "m.megolm.v1.aes-sha2"
#: Megolm session rotation: the spec's defaults (one week, 100 messages).
ROTATION_PERIOD_MS = 604_800_000
ROTATION_PERIOD_MSGS = 100

#: Shortest time between two key backups (a busy bot gets new room keys often).
BACKUP_EVERY_SECONDS = 10.0

#: PBKDF2 rounds of the key backup: nio's export default (the file records its count;
#: an import reads it from there).
BACKUP_KDF_ROUNDS = 10_000

#: The key backup derives its key with hashlib's PBKDF2 (C; it releases the GIL), in
#: the format nio and Element read (latency16). nio's own export runs PBKDF2 with a
#: Python HMAC per round: about a second of CPU that holds the GIL half the time, so
#: the bot's event loop ran at half speed for that second — right after a new direct
#: chat's first message, whose new room key starts a backup while it is answered.
FAST_BACKUP_KDF = True


#: The crypto store (nio's SQLite file) commits in write-ahead-log mode with
#: ``synchronous=NORMAL`` (dmjoin18), as busbaan's own SQLite store does
#: (busbaan.store.db). nio writes it on the bot's event loop — every new Olm session,
#: room key, account change after a key upload — and with SQLite's default (a rollback
#: journal, ``synchronous=FULL``) each of those commits waited for several fsyncs: about
#: 0.2 s of a blocked loop per new direct chat on a loaded host (profiled: 3 s of
#: ``sqlite3.execute`` for 20 new chats), during which no other chat was answered or
#: joined. In WAL mode a commit is safe against a crash of the process; only a power loss
#: can lose the last commits (the key backup and the lost-keys path then cover it, as for
#: a lost store).
FAST_STORE_COMMITS = True

#: The bot begins its key set-up for an encrypted room at the invite, beside the join
#: (:func:`prepare_invite_key`, e2efirst), not only after it.
KEYS_AT_INVITE = True

#: :func:`prepare_room_key` takes the key lock only when there are device keys to
#: query (e2efirst), as a send does (runner.SEND_LOCKS_ONLY_TO_QUERY): after a join the
#: key upkeep holds that lock while it uploads the one-time key the person's app just
#: claimed, and the share waited for that upload for nothing.
QUERY_LOCK_ONLY_WHEN_NEEDED = True


def store_commits(client: Any, fast: bool = True) -> bool:
    """Set how ``client``'s crypto store commits (see :data:`FAST_STORE_COMMITS`); False
    when it has no SQLite store (encryption off, or not logged in yet)."""
    database = getattr(getattr(client, "store", None), "database", None)
    if database is None or not hasattr(database, "pragma"):
        return False
    database.pragma("journal_mode", "wal" if fast else "delete", permanent=True)
    database.pragma("synchronous", "normal" if fast else "full", permanent=True)
    return True


def encryption_state() -> dict[str, Any]:
    """``m.room.encryption`` for a room's ``initial_state`` (Megolm)."""
    return {"type": "m.room.encryption", "state_key": "",
            "content": {"algorithm": ENCRYPTION_ALGORITHM,
                        "rotation_period_ms": ROTATION_PERIOD_MS,
                        "rotation_period_msgs": ROTATION_PERIOD_MSGS}}


def with_encryption(request: dict[str, Any], encrypted: bool) -> dict[str, Any]:
    """``request`` (keyword arguments for nio's ``room_create``) with ``m.room.encryption``
    in its initial state when ``encrypted``; unchanged otherwise."""
    if encrypted:
        request["initial_state"] = [*request.get("initial_state", []), encryption_state()]
    return request


def _write_secret_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


async def exchange_keys(client: Any) -> list[str]:
    """What nio's ``sync_forever`` does between syncs, for a client with its own sync
    loop: send queued to-device messages (room keys), upload one-time keys, query and
    claim other devices' keys. The names of the requests that failed (none: all well).
    A no-op for a client without encryption."""
    import nio

    if client.olm is None:
        return []
    failed: list[str] = []

    def note(resp: Any, what: str) -> None:
        if isinstance(resp, nio.ErrorResponse):
            failed.append(what)

    with contextlib.suppress(nio.LocalProtocolError):  # done meanwhile by a room_send
        if client.outgoing_to_device_messages:
            for resp in await client.send_to_device_messages():
                note(resp, "to_device")
    with contextlib.suppress(nio.LocalProtocolError):
        if client.should_upload_keys:
            note(await client.keys_upload(), "keys_upload")
    with contextlib.suppress(nio.LocalProtocolError):
        await query_keys(client)
    with contextlib.suppress(nio.LocalProtocolError):
        if client.should_claim_keys:
            note(await client.keys_claim(client.get_users_for_key_claiming()), "keys_claim")
    return failed


async def query_keys(client: Any) -> bool:
    """Query the device keys nio wants (False: nothing to do, or it failed). A member
    with a new device gets this client's current room key at the next send: nio
    shares a Megolm session once, with the devices known then, so the session of
    every encrypted room that member is in is renewed (as Element does by sharing
    it with the new device). Without this a professional's new Element device — or a
    bot's new device after lost keys — could not read what is sent next."""
    import nio

    if client.olm is None or not client.should_query_keys:
        return False
    resp = await client.keys_query()
    if not isinstance(resp, nio.KeysQueryResponse):
        return False
    changed = set(resp.changed or ())
    if changed:
        for room in list(client.rooms.values()):
            if (room.encrypted and changed & set(room.users)
                    and room.room_id in client.olm.outbound_group_sessions):
                client.invalidate_outbound_session(room.room_id)
        for hook in list(getattr(client, "devices_changed", ())):
            hook(frozenset(changed))  # hooks only take note (no I/O under the key lock)
    return True


def _room_in_logs(room_id: str) -> dict[str, str | None]:
    return {"room_id": room_id}


def _log_room(client: Any) -> Callable[[str], dict[str, str | None]]:
    """The client's rule for naming a room in a log line (a client that is no
    :class:`BotClient` names it, as before)."""
    rule = getattr(client, "log_room", None)
    return rule if callable(rule) else _room_in_logs


async def prepare_room_key(client: Any, room_id: str,
                           keys_lock: asyncio.Lock | None = None) -> bool:
    """Share this client's room key of the encrypted room ``room_id`` with its members'
    devices now, before the bot has anything to say there (latency16): the members
    read from the server, their device keys queried, an Olm session set up with each
    new device (one-time keys claimed) and the Megolm session sent to each device — what
    nio otherwise does inside the first ``room_send``, while the person waits for the
    bot's first answer. The same devices get the same key as at that send, and the key
    is renewed as before when a member or device changes (:func:`query_keys`,
    :func:`renew_room_key`). False: nothing done (no encryption, not an encrypted
    room, already shared, or a share in progress — the send does it then). The key
    query runs under ``keys_lock`` (the runner's: one key exchange at a time), the
    share outside it, as in a send."""
    import nio

    if client.olm is None:
        return False
    room = client.rooms.get(room_id)
    if room is None or not room.encrypted or room_id in client.sharing_session:
        return False
    if not room.members_synced:
        await client.joined_members(room_id)
    if client.should_query_keys or not QUERY_LOCK_ONLY_WHEN_NEEDED:
        async with keys_lock or contextlib.nullcontext():
            with contextlib.suppress(nio.LocalProtocolError):
                await query_keys(client)
    if not client.olm.should_share_group_session(room_id) or room_id in client.sharing_session:
        return False
    try:
        resp = await client.share_group_session(room_id, ignore_unverified_devices=True)
    except nio.LocalProtocolError:  # a send began sharing meanwhile
        return False
    return isinstance(resp, nio.ShareGroupSessionResponse)


async def prepare_invite_key(client: Any, room_id: str, inviter: str) -> int:
    """While the bot joins ``room_id`` (an encrypted room it was invited to by
    ``inviter``), give the inviter's devices this bot's room key of that room
    (e2efirst, :data:`KEYS_AT_INVITE`): their device keys queried, an Olm session set
    up with each (one-time keys claimed) and the Megolm session sent — what
    :func:`prepare_room_key` does after the join, begun at the invite, so that it runs
    beside the join instead of after it.

    Why: in a new direct chat the person's app sends its first question as soon as it
    sees the bot join. Before, the bot's key set-up began only then, so the app had no
    Olm session with the bot yet and set one up itself (claiming the bot's one-time
    key) before the question could go out, and both set-ups hit the homeserver at the
    same moment as the question (outside20: first answers 0.16-0.70 s, later ones
    ~0.2 s). Now the key is usually at the app before the join is.

    Nothing is given to anyone the join's own share would not give it to: only the
    inviter's devices, who is in the room (she invited the bot), trusted on first use
    as at every share; never someone this bot removed from the room. The key is the
    room's outbound Megolm session, which the first share after the join completes
    for the other members (nio skips the devices that have it) and which is renewed
    as before when a member or device changes. How many devices got it (0: none, e.g.
    no devices, a failed request: the share after the join then does it)."""
    import nio

    olm = client.olm
    if olm is None or inviter == client.user_id:
        return 0
    if inviter in getattr(client, "removed_members", {}).get(room_id, ()):
        return 0
    if room_id in client.rooms or room_id in client.sharing_session:
        return 0  # joined meanwhile: the share after the join does it
    if not list(olm.device_store.active_user_devices(inviter)):
        method, path, data = nio.Api.keys_query(client.access_token, {inviter})
        resp = await client._send(nio.KeysQueryResponse, method, path, data)
        if not isinstance(resp, nio.KeysQueryResponse):
            return 0
    missing = olm.get_missing_sessions([inviter])
    if missing:
        claimed = await client.keys_claim(missing)
        if not isinstance(claimed, nio.KeysClaimResponse):
            return 0
    if room_id in client.rooms or room_id in client.sharing_session:
        return 0
    session = olm.outbound_group_sessions.get(room_id)
    if session is not None and session.shared:
        return 0  # an older key of this room (a re-invite): the join's share renews it
    shared = 0
    for sharing_with, to_device in olm.share_group_session_parallel(
            room_id, [inviter], ignore_unverified_devices=True):
        method, path, data = nio.Api.to_device(client.access_token, "m.room.encrypted",
                                               to_device, str(uuid.uuid4()))
        resp = await client._send(nio.ShareGroupSessionResponse, method, path, data,
                                  response_data=(room_id, sharing_with))
        current = olm.outbound_group_sessions.get(room_id)
        if isinstance(resp, nio.ShareGroupSessionResponse) and current is not None:
            # nio notes the devices only for a joined room: noted here, so the share
            # after the join skips them
            current.users_shared_with.update(sharing_with)
            shared += len(sharing_with)
    return shared


def export_room_keys(sessions: Any, path: Path, passphrase: str,
                     rounds: int = BACKUP_KDF_ROUNDS) -> None:
    """Write ``sessions`` (nio inbound group sessions) to ``path`` as an encrypted Megolm
    key export (the format of nio's ``export_keys_static`` and Element's "Export E2E
    room keys": PBKDF2-HMAC-SHA512, AES-256-CTR, HMAC-SHA256), the key derived with
    hashlib (see :data:`FAST_BACKUP_KDF`)."""
    from Crypto.Cipher import AES
    from Crypto.Hash import HMAC, SHA256
    from Crypto.Util import Counter
    from nio.crypto.key_export import FOOTER, HEADER
    from unpaddedbase64 import encode_base64

    data = json.dumps([{
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": s.sender_key,
        "sender_claimed_keys": {"ed25519": s.ed25519},
        "forwarding_curve25519_key_chain": s.forwarding_chain,
        "room_id": s.room_id,
        "session_id": s.id,
        "session_key": s.export_session(s.first_known_index),
    } for s in sessions]).encode()
    salt = secrets.token_bytes(16)
    derived = hashlib.pbkdf2_hmac("sha512", passphrase.encode("latin-1"), salt, rounds, 64)
    iv = int.from_bytes(secrets.token_bytes(16), "big") & ~(1 << 63)  # bit 63 clear
    cipher = AES.new(derived[:32], AES.MODE_CTR, counter=Counter.new(128, initial_value=iv))
    payload = b"".join((bytes([1]), salt, iv.to_bytes(16, "big"), rounds.to_bytes(4, "big"),
                        cipher.encrypt(data)))
    mac = HMAC.new(derived[32:64], payload, SHA256).digest()
    path.write_text(f"{HEADER}\n{encode_base64(payload + mac)}\n{FOOTER}", encoding="ascii")


def renew_room_key(client: Any, room_id: str, leaving: Any) -> bool:
    """Drop ``room_id``'s outbound Megolm session if any of the users ``leaving`` holds
    it, so the next message goes out with a new one they never get (True: dropped).
    nio's ``invalidate_outbound_session`` keeps a session it has not flagged "shared"
    — which it does only once every listed device got it — even when it already went
    to some: a member removed then would read the messages after her removal.

    The log line names the room only as the bot's dispatcher allows
    (``client.log_room``, :meth:`busbaan.matrix.dispatch.Dispatcher.log_room`: the
    wegwijzer's lane rooms name an asker and a team, session 12, privacy15)."""
    if client.olm is None:
        return False
    gone = set(leaving)
    session = client.olm.outbound_group_sessions.get(room_id)
    if session is None or not any(user in gone for user, _ in session.users_shared_with):
        return False
    client.olm.outbound_group_sessions.pop(room_id, None)
    log.info("bot.room_key_renewed", **_log_room(client)(room_id))
    return True


#: The associated data (and key label) of the kept lane keys' file.
_KEPT_LABEL = b"busbaan/kept-room-keys/v1"

#: The most room keys kept per room (:class:`KeptRoomKey`): a lane renews its key at
#: every member or device change and every 100 messages; the oldest go first.
KEPT_KEYS_PER_ROOM = 64


@dataclass
class KeptRoomKey:
    """A room key this bot made for a room whose history its members may read (a
    wegwijzer lane, lanekeys): the ``m.room_key`` content exactly as nio shared it
    first, taken when the session was made (message index 0, signed by the bot's
    device), so that a member's device that appears later can be given the same key,
    and the devices (user, device id) that have it. Secret key material, as nio's
    sessions: kept encrypted on disk (:meth:`BotKeys.save_kept`), never logged."""

    room_id: str
    session_id: str
    session_key: str
    shared_with: set[tuple[str, str]] = field(default_factory=set)

    def content(self) -> dict[str, str]:
        """The ``m.room_key`` content (as nio's own share)."""
        return {"algorithm": ENCRYPTION_ALGORITHM, "room_id": self.room_id,
                "session_id": self.session_id, "session_key": self.session_key}


def key_recipients(user_id: str, *, joined: Iterable[str], removed: Iterable[str],
                   bot_user: str, devices: Iterable[str],
                   having: Iterable[tuple[str, str]]) -> list[str]:
    """The device ids of ``user_id`` that may get a kept room key of a room now (pure):
    none unless she is joined to the room as the homeserver says now (``joined``), is
    not someone the bot removed from it (``removed``) and is not the bot; then each of
    her devices (as her homeserver lists them) that has not got it (``having``)."""
    if user_id == bot_user or user_id not in set(joined) or user_id in set(removed):
        return []
    have = {device for user, device in having if user == user_id}
    return sorted(d for d in set(devices) if d not in have)


async def share_kept_keys(client: Any, room_id: str, user_id: str,
                          keys_lock: asyncio.Lock | None = None) -> int:
    """Give ``user_id``'s devices that lack them this bot's kept room keys of
    ``room_id`` (:class:`KeptRoomKey`), as the ``m.room_key`` the other members got
    (Olm-encrypted to each device; an Olm session set up first where there is none).
    Only to a user joined to the room now, by a fresh read of its members from the
    homeserver (:func:`key_recipients`), and only while the room's keys are still kept
    (``client.keeps_room_keys``). The kept keys are read, and sent, under the key lock:
    a drop (:meth:`BotClient.drop_kept_keys`, under the same lock) is never half way
    through a share, and a share after it finds nothing. How many devices got keys."""
    olm = client.olm
    if olm is None or not getattr(client, "kept_room_keys", {}).get(room_id):
        return 0
    resp = await client.joined_members(room_id)
    if not isinstance(resp, nio.JoinedMembersResponse):
        return 0
    joined = [m.user_id for m in resp.members]
    async with keys_lock or contextlib.nullcontext():
        return await _share_kept_locked(client, olm, room_id, user_id, joined)


async def _share_kept_locked(client: Any, olm: Any, room_id: str, user_id: str,
                             joined: list[str]) -> int:
    keeps = getattr(client, "keeps_room_keys", None)
    if keeps is not None and not keeps(room_id):
        return 0  # the lane closed or is past the retention (its drop may be due)
    if not getattr(client, "kept_room_keys", {}).get(room_id):
        return 0
    if not list(olm.device_store.active_user_devices(user_id)):
        with contextlib.suppress(nio.LocalProtocolError):
            await query_keys(client)
    missing = olm.get_missing_sessions([user_id])
    if missing:
        with contextlib.suppress(nio.LocalProtocolError):
            await client.keys_claim(missing)
    # read again: the keys as they are now (a query or a claim awaited the server)
    kept = list(getattr(client, "kept_room_keys", {}).get(room_id, {}).values())
    if not kept or (keeps is not None and not keeps(room_id)):
        return 0
    removed = getattr(client, "removed_members", {}).get(room_id, set())
    devices = {d.id: d for d in olm.device_store.active_user_devices(user_id)}
    given: set[str] = set()
    for key in kept:
        current = olm.outbound_group_sessions.get(room_id)
        having = set(key.shared_with)
        if current is not None and current.id == key.session_id:
            having |= set(current.users_shared_with)
        wanted = key_recipients(user_id, joined=joined, removed=removed,
                                bot_user=client.user_id, devices=devices, having=having)
        messages: dict[str, Any] = {}
        for device_id in wanted:
            device = devices[device_id]
            session = olm.session_store.get(device.curve25519)
            if session is None or olm.is_device_blacklisted(device):
                continue
            messages[device_id] = olm._olm_encrypt(session, device, "m.room_key",
                                                   key.content())
        if not messages:
            continue
        method, path, data = nio.Api.to_device(client.access_token, "m.room.encrypted",
                                               {"messages": {user_id: messages}},
                                               str(uuid.uuid4()))
        sent = await client._send(nio.ToDeviceResponse, method, path, data,
                                  response_data=(None,))
        if isinstance(sent, nio.ToDeviceResponse):
            key.shared_with.update((user_id, d) for d in messages)
            given.update(messages)
    if given and hasattr(client, "kept_changed"):
        client.kept_changed()
    return len(given)


class BotClient(nio.AsyncClient):  # type: ignore[misc]  # nio has no type hints
    """nio's client for a bot, which never shares a room key with someone the bot
    removed from the room (``removed_members``: room -> users; the runner adds them at
    a removal and takes them off when they are invited again).

    nio builds its list of recipients from its own view of the room, and a sync can put
    a removed member back in that view: the sync's state block (the state before its
    timeline, and the members of its senders) can still say "join" after the leave was
    seen. Seen over federation, where a removed professional of another server was
    given the room key of the bot's next message (issue 11). So before sharing a new
    room key the removed are taken out of the view again; and a key that went to one
    of them while nio waited for the server is dropped and a new one shared."""

    removed_members: dict[str, set[str]]
    #: How this client's log lines name a room: the runner sets its dispatcher's
    #: :meth:`~busbaan.matrix.dispatch.Dispatcher.log_room` (one rule for every line).
    log_room: Callable[[str], dict[str, str | None]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.removed_members = {}
        self.log_room = _room_in_logs
        #: Rooms this bot is invited to whose invite says they are encrypted
        #: (``m.room.encryption`` in the invite's stripped state, which nio drops):
        #: :func:`prepare_invite_key` shares a room key only into these.
        self.encrypted_invites: set[str] = set()
        #: Rooms whose room keys this bot keeps for members' later devices (the
        #: wegwijzer sets it to its lanes): room id -> keep?
        self.keeps_room_keys: Callable[[str], bool] = lambda room_id: False
        #: room id -> session id -> :class:`KeptRoomKey` (only rooms kept, above)
        self.kept_room_keys: dict[str, dict[str, KeptRoomKey]] = {}
        #: Called with the users whose device list changed, after each key query
        #: (:func:`query_keys`); a hook only takes note (it runs under the key lock).
        self.devices_changed: list[Callable[[frozenset[str]], None]] = []
        #: Where the kept keys live between starts (the runner's :class:`BotKeys`).
        self.kept_store: BotKeys | None = None

    async def parse_body(self, transport_response: Any) -> dict[Any, Any]:
        body: dict[Any, Any] = await super().parse_body(transport_response)
        invites = (body.get("rooms") or {}).get("invite") if isinstance(body, dict) else None
        if isinstance(invites, dict):
            for room_id, info in invites.items():
                state = ((info or {}).get("invite_state") or {}).get("events") or []
                if any(isinstance(e, dict) and e.get("type") == "m.room.encryption"
                       for e in state):
                    if len(self.encrypted_invites) >= 10_000:  # bounded; a miss only
                        self.encrypted_invites.clear()  # costs the share at the join
                    self.encrypted_invites.add(room_id)
        return body

    def load_store(self) -> None:
        loaded = self.store is not None
        super().load_store()
        if not loaded and FAST_STORE_COMMITS:
            store_commits(self, fast=True)
        olm = self.olm
        if olm is not None and not getattr(olm, "_busbaan_keeps", False):
            # nio makes every outbound session here, and shares its key right after: a
            # kept room's key is taken now, at message index 0, before anything is
            # encrypted with it (nio has no hook for this; the method is wrapped on
            # this client's own Olm machine only)
            create = olm.create_outbound_group_session

            def created(room_id: str) -> None:
                create(room_id)
                self._keep_room_key(room_id)

            olm.create_outbound_group_session = created
            olm._busbaan_keeps = True
            if self.kept_store is not None:
                self.kept_room_keys = self.kept_store.load_kept(self.device_id)

    def kept_changed(self) -> None:
        """Write the kept keys (after one was kept or given to a device)."""
        if self.kept_store is not None and self.olm is not None:
            self.kept_store.save_kept(self.device_id, self.kept_room_keys)

    def drop_kept_keys(self, room_id: str) -> int:
        """Forget the kept room keys of ``room_id`` (its lane closed, or past the
        retention) and write the file without them; how many were dropped. The bot's
        own Megolm sessions (nio's store, the key backup) are not touched."""
        dropped = self.kept_room_keys.get(room_id)
        if dropped is None:
            return 0
        if self.kept_store is not None and self.olm is not None:
            # the file first: if it cannot be written the keys stay in memory too, and
            # the next drop (the lane clock) tries again
            self.kept_store.save_kept(self.device_id, {
                room: keys for room, keys in self.kept_room_keys.items() if room != room_id})
        self.kept_room_keys.pop(room_id, None)
        return len(dropped)

    def _keep_room_key(self, room_id: str) -> None:
        session = self.olm.outbound_group_sessions.get(room_id) if self.olm else None
        if session is None or session.message_index != 0 or not self.keeps_room_keys(room_id):
            return
        kept = self.kept_room_keys.setdefault(room_id, {})
        kept[session.id] = KeptRoomKey(room_id, session.id, session.session_key)
        while len(kept) > KEPT_KEYS_PER_ROOM:
            kept.pop(next(iter(kept)))
        self.kept_changed()

    async def share_group_session(self, room_id: str,
                                  ignore_unverified_devices: bool = False) -> Any:
        resp: Any = None
        for _ in range(3):
            gone = self.removed_members.get(room_id, set())
            room = self.rooms.get(room_id)
            if room is not None:
                for user_id in gone:
                    room.users.pop(user_id, None)
                    room.invited_users.pop(user_id, None)
            resp = await super().share_group_session(room_id, ignore_unverified_devices)
            if not renew_room_key(self, room_id, gone):
                self._note_shared(room_id)
                return resp
        raise nio.LocalProtocolError(f"room key of {room_id} kept reaching removed members")

    def _note_shared(self, room_id: str) -> None:
        session = self.olm.outbound_group_sessions.get(room_id) if self.olm else None
        if session is None:
            return
        key = self.kept_room_keys.get(room_id, {}).get(session.id)
        if key is not None and not set(session.users_shared_with) <= key.shared_with:
            key.shared_with.update(session.users_shared_with)
            self.kept_changed()


class BotKeys:
    """The files of one bot's end-to-end encryption (see the module docstring)."""

    def __init__(self, bot_dir: Path, name: str, user_id: str) -> None:
        self.store_dir = bot_dir / f"{name}-nio"
        self.secret_file = bot_dir / f"{name}.e2e-secret"
        self.backup_file = bot_dir / f"{name}.megolm-keys"
        self.kept_file = bot_dir / f"{name}.lane-keys"
        self._user_id = user_id
        self._backed_up = -1  # number of room keys in the last backup (-1: none yet)

    def secret(self) -> str:
        """The bot's secret, made (0600) on first use. Never logged."""
        try:
            text = self.secret_file.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            text = ""
        if len(text) < 32:
            text = secrets.token_urlsafe(32)
            _write_secret_file(self.secret_file, text.encode("ascii"))
            log.info("bot.e2e_secret_created", path=str(self.secret_file))
        return text

    def store_file(self, device_id: str) -> Path:
        """nio's database for ``device_id`` (nio names it ``<user>_<device>.db``)."""
        return self.store_dir / f"{self._user_id}_{device_id}.db"

    def has_store(self, device_id: str) -> bool:
        return self.store_file(device_id).is_file()

    # -- kept lane keys (small; written when a lane key is made or given) -------------

    def _kept_cipher(self) -> Any:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return AESGCM(hashlib.sha256(_KEPT_LABEL + b"\x00" + self.secret().encode()).digest())

    def save_kept(self, device_id: str, kept: dict[str, dict[str, KeptRoomKey]]) -> None:
        """Write ``kept`` for ``device_id`` (encrypted, 0600, atomically)."""
        data = json.dumps({"device_id": device_id, "rooms": {
            room: {sid: {"session_key": k.session_key,
                         "shared_with": sorted([u, d] for u, d in k.shared_with)}
                   for sid, k in sessions.items()}
            for room, sessions in kept.items()}}).encode()
        nonce = secrets.token_bytes(12)
        _write_secret_file(self.kept_file,
                           nonce + self._kept_cipher().encrypt(nonce, data, _KEPT_LABEL))

    def load_kept(self, device_id: str) -> dict[str, dict[str, KeptRoomKey]]:
        """The kept keys written for ``device_id`` (none: no file, another device's, or
        unreadable — logged)."""
        try:
            raw = self.kept_file.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            body = json.loads(self._kept_cipher().decrypt(raw[:12], raw[12:], _KEPT_LABEL))
        except Exception as exc:
            log.warning("bot.kept_keys_unreadable", path=str(self.kept_file),
                        error=type(exc).__name__)
            return {}
        if body.get("device_id") != device_id:
            return {}  # signed by another device of this bot: useless, never sent
        return {room: {sid: KeptRoomKey(room, sid, str(k["session_key"]),
                                        {(str(u), str(d)) for u, d in k["shared_with"]})
                       for sid, k in sessions.items()}
                for room, sessions in body.get("rooms", {}).items()}

    # -- key backup (runs in a thread: PBKDF2 and file I/O) ---------------------------

    def backup(self, olm: Any) -> int | None:
        """Export every room key the bot has to the backup file, if there are new ones
        since the last backup; how many were written (None: nothing new)."""
        sessions = list(olm.inbound_group_store)
        if len(sessions) == self._backed_up:
            return None
        # nio writes a new file (atomicwrites, umask mode): in a private (0700)
        # directory beside the backup, then 0600 and renamed over it.
        private = Path(tempfile.mkdtemp(prefix=".backup-", dir=self.backup_file.parent))
        try:
            tmp = private / self.backup_file.name
            if FAST_BACKUP_KDF:
                export_room_keys(sessions, tmp, self.secret())
            else:
                olm.export_keys_static(sessions, str(tmp), self.secret())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.backup_file)
        finally:
            shutil.rmtree(private, ignore_errors=True)
        self._backed_up = len(sessions)
        return len(sessions)

    def restore(self, olm: Any) -> int:
        """Import the backup into a new store; how many room keys (0 without one)."""
        if not self.backup_file.is_file():
            return 0
        olm.import_keys(str(self.backup_file), self.secret())
        self._backed_up = len(list(olm.inbound_group_store))
        return self._backed_up


__all__ = [
    "BACKUP_EVERY_SECONDS",
    "ENCRYPTION_ALGORITHM",
    "BotClient",
    "BotKeys",
    "KeptRoomKey",
    "encryption_state",
    "exchange_keys",
    "export_room_keys",
    "key_recipients",
    "prepare_invite_key",
    "prepare_room_key",
    "query_keys",
    "renew_room_key",
    "share_kept_keys",
    "store_commits",
    "with_encryption",
]
