"""Citizen page figures (issue 10), in one run.

1. "Mijn hulpvraag" render (GET /burger/, in-process aiohttp, including the audit write
   of the view) with 10,000 cases in the store (two grants, a link and three audit
   entries each), SQLite and PostgreSQL side by side; on each store, requests
   alternate between the page's read now ("one read": the facts and the case's audit
   entries in one transaction on one connection, five queries; the session's link is
   checked in the session lookup's own query) and the read before it
   (``_facts_before``: a separate link check, the audit query and the facts on three
   connections, eight queries — the code of commit 7be52ca, kept here as the
   baseline). Both variants look the session up in the store (as now). Goal: p95 ≤
   100 ms.
2. Citizen withdrawal on the page → the member's leave event in the room (real Synapse
   with the gate, the casus bot, the web app). Goal: p95 ≤ 2 s.
3. Guessing: code attempts until lock-out; the time a brute force of the link token
   would need at the rate limit.

Run: ``.venv/bin/python -m bench.citizen [--cases N] [--requests N] [--rounds N]``.
Prints tables; never fails on a number (benchmarks are not tests).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import random
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from sqlmodel import Session, col, select

from bench.gate import _client, pct
from busbaan.audit import AuditEntry
from busbaan.citizen import links
from busbaan.citizen.model import CaseFacts, EarlierLead
from busbaan.citizen.rules import GrantHistory
from busbaan.cli.dev import gate_module
from busbaan.consent import Professional
from busbaan.devstack import new_password, start_homeserver
from busbaan.devstack.people import Person
from busbaan.log import configure
from busbaan.matrix.runner import BotAccount
from busbaan.service import Service, ServiceConfig
from busbaan.store import make_engine, migrate
from busbaan.store.citizen_models import CitizenLinkRow, ConsentProposalRow
from busbaan.store.citizen_repo import CitizenRepository, _proposal
from busbaan.store.models import CaseRow, DirectoryRow, GrantRow, HandoverRow
from busbaan.store.repositories import DirectoryRepository, _aware, _grant, new_id
from busbaan.web.app import create_app
from busbaan.web.citizen import CITIZEN
from busbaan.web.citizen.sessions import COOKIE

ROOT = Path(__file__).resolve().parents[1]
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _seed(service: Service, n_cases: int) -> list[tuple[str, str]]:
    """n cases, each with a Wgs and a consent grant, a citizen link and three audit
    entries; (case id, link id) each."""
    now = dt.datetime.now(dt.UTC)
    engine = service.engine
    regies = [f"@regie{i}:buurtteam.busbaan.example" for i in range(50)]
    DirectoryRepository(engine).upsert(
        [Professional(u, "buurtteam", "buurtteammedewerker", display_name=f"Anouk {i}")
         for i, u in enumerate(regies)], source="bench", now=now)
    naive = now  # sqlmodel wants aware datetimes; it stores UTC
    case_ids = [new_id("C", 10) for _ in range(n_cases)]
    cases, grants, entries, links_ = [], [], [], []
    for i, cid in enumerate(case_ids):
        regie = regies[i % len(regies)]
        links_.append({"link_id": new_id("L", 10), "case_id": cid,
                       "token_hash": secrets.token_hex(32),
                       "code_hash": secrets.token_hex(32), "contact": "020 555 1234",
                       "created_by": regie, "created_at": naive, "attempts": 0,
                       "expires_at": naive + dt.timedelta(days=14), "used_at": naive})
        cases.append({"case_id": cid, "room_id": f"!{cid}:x", "label": "",
                      "home_organisation": "buurtteam", "regie": regie, "regie_since": naive,
                      "status": "open", "created_by": regie, "created_at": naive})
        for org, cats, bases in (("schuldhulp", ["schulden"], ["wgs"]),
                                 ("humanitas", ["contact"], ["toestemming"])):
            grants.append({"grant_id": new_id("G", 10), "case_id": cid, "organisation": org,
                           "roles": [], "categories": cats, "legal_bases": bases,
                           "valid_from": naive, "valid_until": naive + dt.timedelta(days=90),
                           "given_by": regie})
        for code, org in (("case.created", None), ("consent.granted", "schuldhulp"),
                          ("consent.granted", "humanitas")):
            entries.append(AuditEntry(event_code=code, action="C", outcome="done",
                                      source="bench", occurred_at=now, user_id=regie,
                                      organisation="buurtteam", case_id=cid,
                                      details={"organisation": org} if org else {}))
    with engine.begin() as conn:
        conn.execute(sa.insert(CaseRow.__table__), cases)  # type: ignore[attr-defined]
        conn.execute(sa.insert(GrantRow.__table__), grants)  # type: ignore[attr-defined]
        conn.execute(sa.insert(CitizenLinkRow.__table__), links_)  # type: ignore[attr-defined]
    log = service.audit.log()
    for start in range(0, len(entries), 5000):
        log.append_many(entries[start:start + 5000])
    return [(c, ln["link_id"]) for c, ln in zip(case_ids, links_, strict=True)]


def _facts_before(cw: Any) -> Callable[[str, str | None], CaseFacts | None]:
    """The page's read before the one-read change (commit 7be52ca), as the baseline:
    the session's link checked on its own connection, the case's audit entries
    queried on the log's connection, then the facts in six queries on a third."""
    repo = cw.repo

    def facts(case_id: str, link_id: str | None = None) -> CaseFacts | None:
        if link_id is not None and repo.link_revoked(link_id):
            return None
        history = [(i.index, i.entry) for i in cw.audit.log().query(case_id=case_id)]
        with Session(repo._engine) as s:
            case = s.get(CaseRow, case_id)
            if case is None:
                return None
            d = s.get(DirectoryRow, case.regie)
            regie = (Professional(user_id=d.user_id, organisation=d.organisation,
                                  role=d.role, team=d.team, display_name=d.display_name)
                     if d is not None else None)
            link = s.exec(select(CitizenLinkRow)
                          .where(CitizenLinkRow.case_id == case_id,
                                 CitizenLinkRow.created_by == case.regie,
                                 col(CitizenLinkRow.contact) != "")
                          .order_by(col(CitizenLinkRow.created_at).desc())).first()
            earlier = [EarlierLead(h.from_organisation, _aware(h.decided_at))  # type: ignore[arg-type]
                       for h in s.exec(select(HandoverRow).where(
                           HandoverRow.case_id == case_id, HandoverRow.status == "accepted")
                           .order_by(col(HandoverRow.decided_at)))
                       if h.decided_at is not None]
            grants = [GrantHistory(_grant(r), r.withdrawal_channel) for r in s.exec(
                select(GrantRow).where(GrantRow.case_id == case_id)
                .order_by(col(GrantRow.valid_from)))]
            proposals = [_proposal(r) for r in s.exec(
                select(ConsentProposalRow).where(ConsentProposalRow.case_id == case_id)
                .order_by(col(ConsentProposalRow.proposed_at)))]
            return CaseFacts(
                case_id=case.case_id, closed=case.status == "closed",
                home_organisation=case.home_organisation, regie=regie,
                regie_since=_aware(case.regie_since),  # type: ignore[arg-type]
                contact=link.contact if link is not None else None,
                earlier=tuple(earlier), grants=tuple(grants), proposals=tuple(proposals),
                history=tuple(history))  # type: ignore[arg-type]

    return facts


async def _render(url: str, state: Path, n_cases: int,
                  requests: int) -> dict[str, list[float]]:
    """Seconds per GET /burger/, "before" and "now" alternating on one store."""
    migrate(url)
    service = Service(ServiceConfig(homeserver="http://127.0.0.1:9", bots={},
                                    policy_dir=ROOT / "policies", database_url=url,
                                    state_dir=state, web_port=-1, checkpoint_seconds=0,
                                    audit_key_init=True))
    await service.start()
    try:
        t0 = time.perf_counter()
        cases = await asyncio.to_thread(_seed, service, n_cases)
        print(f"  seeded {n_cases} cases in {time.perf_counter() - t0:.1f} s", flush=True)
        assert service.policy is not None
        app = create_app(service.policy, service)
        cw = app[CITIZEN]
        now_read, before_read = cw.facts, _facts_before(cw)
        rng = random.Random(7)
        out: dict[str, list[float]] = {"before": [], "now": []}
        async with TestClient(TestServer(app)) as client:
            for i in range(2 * (requests + 20)):
                variant = "before" if i % 2 == 0 else "now"
                cw.facts = before_read if variant == "before" else now_read  # type: ignore[method-assign,assignment]
                case_id, link_id = rng.choice(cases)
                session = await asyncio.to_thread(cw.sessions.new, case_id=case_id,
                                                  link_id=link_id)
                client.session.cookie_jar.update_cookies({COOKIE: session.id})
                start = time.perf_counter()
                resp = await client.get("/burger/")
                await resp.read()
                elapsed = time.perf_counter() - start
                assert resp.status == 200, resp.status
                if i >= 40:  # warm-up: 20 of each
                    out[variant].append(elapsed)
        return out
    finally:
        await service.stop()


def _pg_url() -> str | None:
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT",
                             connect_args={"connect_timeout": 3})
    name = f"busbaan_bench_{secrets.token_hex(4)}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError:
        return None
    finally:
        admin.dispose()
    return PG.rsplit("/", 1)[0] + f"/{name}"


def _drop_pg(url: str) -> None:
    admin = sa.create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    admin.dispose()


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_FORM = re.compile(r'name="form" value="([^"]+)"')
_PROPOSAL = re.compile(r'name="voorstel" value="([^"]+)"')
_GRANT = re.compile(r'name="grant" value="([^"]+)"')


def _form_for(html: str, target: str) -> str:
    return next(f for f in _FORM.findall(html) if f.endswith("-" + target))


async def _post(session: aiohttp.ClientSession, url: str, data: dict[str, str]) -> float:
    async with session.post(url, data=data, allow_redirects=False) as resp:
        assert resp.status == 303, await resp.text()
    return time.perf_counter()


async def _withdrawal(rounds: int) -> tuple[list[float], list[float], list[float]]:
    """Seconds from the citizen's POST /burger/intrekken to the member's leave event,
    and (alternating, same room) from the regie's ``!toestemming intrekken``."""
    out: tuple[list[float], list[float], list[float]] = ([], [], [])
    answered = out[2]
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/busbaan.db"
        migrate(db_url)
        hs = await start_homeserver(
            Path(tmp), [gate_module(ROOT / "policies", db_url, "@casus:localhost")],
            profile="test")
        password = new_password()
        bot = await hs.register("casus", password, lift_ratelimit=True)
        service = Service(ServiceConfig(
            encryption=False,  # plain nio clients here; ON by default (issue 11)
            homeserver=hs.url, bots={"casus": BotAccount("casus", hs.url, bot.user_id,
                                                         password=password)},
            policy_dir=ROOT / "policies", database_url=db_url, state_dir=Path(tmp) / "state",
            web_port=0, audit_key_init=True))
        await service.start()
        # One bench client logs in many times a minute: lift the per-address limit.
        service.web.runner.app[CITIZEN].limiter.rate = 10_000
        people: list[Person] = []
        engine = make_engine(db_url)
        try:
            async def person(org: str, role: str, name: str) -> Person:
                c = await _client(hs, name)
                DirectoryRepository(engine).upsert([Professional(c.user_id, org, role)],
                                                   source="bench", now=dt.datetime.now(dt.UTC))
                p = Person(c.user_id, c)
                await p.start()
                people.append(p)
                return p

            regie = await person("buurtteam", "buurtteammedewerker", "regie")
            await service.casus.refresh_directory(force=True)
            dm = await regie.dm(bot.user_id)
            reply = await regie.command(dm, "!casus nieuw")
            room = reply["nl.busbaan.reply"]["data"]["room_id"]
            case_id = reply["nl.busbaan.reply"]["data"]["case_id"]
            await regie.join(room)
            until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
            web = service.web.url
            cw = None
            for i in range(rounds):
                member = await person("humanitas", "vrijwilliger", f"v{i}")
                await service.casus.refresh_directory(force=True)
                if i > 0:  # after a withdrawal: a proposal the citizen approves
                    r = await regie.command(room, f"!toestemming voorstel humanitas contact "
                                                  f"grondslag=toestemming tot={until}")
                else:
                    r = await regie.command(room, f"!toestemming geef humanitas contact "
                                                  f"grondslag=toestemming tot={until}")
                assert r["nl.busbaan.reply"]["ok"], r["body"]
                token, code = links.new_token(), links.new_code()
                now = dt.datetime.now(dt.UTC)
                CitizenRepository(engine).add_link(
                    case_id=case_id, token_hash=links.token_hash(token),
                    code_hash=links.code_hash(token, code), created_by=regie.user_id,
                    now=now, expires_at=now + dt.timedelta(days=1))
                async with aiohttp.ClientSession(
                        cookie_jar=aiohttp.CookieJar(unsafe=True)) as citizen:
                    async with citizen.get(f"{web}/burger/l/{token}") as resp:
                        page = await resp.text()
                        assert resp.status == 200, (resp.status, page[-600:])
                        csrf = _CSRF.search(page).group(1)  # type: ignore[union-attr]
                    async with citizen.post(f"{web}/burger/l/{token}",
                                            data={"csrf": csrf, "code": code}) as resp:
                        html = await resp.text()
                    if i > 0:
                        proposal = _PROPOSAL.findall(html)[0]
                        async with citizen.post(f"{web}/burger/beslis", data={
                                "csrf": _CSRF.search(html).group(1),  # type: ignore[union-attr]
                                "form": _form_for(html, proposal), "voorstel": proposal,
                                "keuze": "ja"}) as resp:
                            html = await resp.text()
                    r = await regie.command(room, f"!uitnodigen {member.user_id}")
                    assert r["nl.busbaan.reply"]["ok"], r["body"]
                    await member.join(room)
                    async with citizen.get(f"{web}/burger/") as resp:
                        html = await resp.text()
                    grant = _GRANT.findall(html)[0]
                    start = time.perf_counter()
                    posted = None
                    if i % 2:  # the same withdrawal by the regie's command, for comparison
                        await regie.say(room, f"!toestemming intrekken {grant}")
                    else:  # the page answers after the room state too: do not wait for it
                        posted = asyncio.create_task(_post(citizen, f"{web}/burger/intrekken", {
                            "csrf": _CSRF.search(html).group(1),  # type: ignore[union-attr]
                            "form": _form_for(html, grant), "grant": grant}))
                    await regie.wait_for(
                        lambda rid, ev, uid=member.user_id: rid == room
                        and ev.get("type") == "m.room.member" and ev.get("state_key") == uid
                        and ev.get("content", {}).get("membership") == "leave", timeout=30)
                    out[i % 2].append(time.perf_counter() - start)
                    if posted is not None:
                        answered.append(await posted - start)
            del cw
        finally:
            for p in people:
                await p.stop()
                await p.client.close()
            await service.stop()
            await hs.stop()
            engine.dispose()
    return out


def guessing() -> None:
    space = len(links.CODE_ALPHABET) ** links.CODE_LENGTH
    print("\n| guessing | figure |\n|---|---|")
    print(f"| code: attempts until lock-out | {links.MAX_ATTEMPTS} |")
    print(f"| code: chance to hit before lock-out | 1 in {space // links.MAX_ATTEMPTS:,} |")
    rate = 20 / 60.0  # RateLimiter default: 20 requests a minute per client address
    seconds = 2 ** (8 * links.TOKEN_BYTES - 1) / rate  # expected: half the space
    years = seconds / (365.25 * 24 * 3600)
    print(f"| link token | {8 * links.TOKEN_BYTES} bits |")
    print(f"| brute force of the link, one address at 20/min | ~10^{math.log10(years):.0f} "
          "years |")
    print(f"| same with a million addresses | ~10^{math.log10(years / 1e6):.0f} years |")


def _row(name: str, values: list[float], unit: float, fmt: str) -> str:
    return (f"| {name} | {len(values)} | {statistics.median(values) * unit:{fmt}} | "
            f"{pct(values, 0.95) * unit:{fmt}} |")


async def main(n_cases: int, requests: int, rounds: int) -> dict[str, Any]:
    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        print("render, SQLite:", flush=True)
        results["SQLite"] = await _render(f"sqlite:///{tmp}/busbaan.db", Path(tmp) / "s1",
                                          n_cases, requests)
        pg = _pg_url()
        if pg is None:
            print("render, PostgreSQL: skipped (127.0.0.1:5432 not reachable)")
        else:
            print("render, PostgreSQL:", flush=True)
            try:
                results["PostgreSQL"] = await _render(pg, Path(tmp) / "s2", n_cases, requests)
            finally:
                _drop_pg(pg)
    print(f"\n| GET /burger/ with {n_cases:,} cases, alternating | n | p50 ms | p95 ms |\n"
          "|---|---|---|---|")
    for name, variants in results.items():
        print(_row(f"{name}, before (facts: 3 connections, 8 queries)", variants["before"],
                   1000.0, ".1f"))
        print(_row(f"{name}, now (facts: one read, 5 queries)", variants["now"], 1000.0,
                   ".1f"))
    for name, variants in results.items():
        ratio = pct(variants["before"], 0.95) / pct(variants["now"], 0.95)
        print(f"{name}: p95 before / now = {ratio:.2f}")
    wd = await _withdrawal(rounds) if rounds > 0 else ([], [], [])
    if wd[0]:
        print("\n| withdrawal → leave (same room, alternating) | n | p50 s | p95 s |\n"
              "|---|---|---|---|")
        print(_row("citizen: POST /burger/intrekken → member left", wd[0], 1.0, ".2f"))
        if wd[1]:
            print(_row("regie: !toestemming intrekken → member left", wd[1], 1.0, ".2f"))
        print(_row("citizen: POST → the page's answer (after room state)", wd[2], 1.0,
                   ".2f"))
    guessing()
    return {"render": results, "withdrawal": wd}  # type: ignore[dict-item]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    configure("WARNING")
    asyncio.run(main(args.cases, args.requests, args.rounds))
