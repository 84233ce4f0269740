"""Workbench login figures (issue 11), against real Synapses in one run.

For two homeserver rate-limit settings side by side — ``make dev``'s (DEV_RATELIMITS)
and production's (deploy/synapse/homeserver.yaml) — through the workbench's JSON login
with the officer's address in X-Forwarded-For (the workbench trusts loopback here):

1. correct logins of one officer, back to back from one address: how many before the
   first 429, and at what rate;
2. 100 wrong passwords for an officer's name from ONE address, then the officer logs
   in (a) from a new browser, (b) from her own browser (logged in there before),
   retried every 2 s: how long until she is in;
3. the same with the 100 wrong passwords from 100 addresses.

Run: ``.venv/bin/python -m bench.logins``. Prints a table; never fails on a number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from yarl import URL

from busbaan.consent import Professional
from busbaan.devstack import new_password, start_homeserver
from busbaan.devstack.synapse import DEV_RATELIMITS
from busbaan.log import configure
from busbaan.service import Service, ServiceConfig
from busbaan.store.repositories import DirectoryRepository
from busbaan.web.workbench.login_guard import BROWSER_COOKIE

ROOT = Path(__file__).resolve().parents[1]
API = "/api/v1/privacy/session"


def production_ratelimits() -> dict[str, Any]:
    config = yaml.safe_load((ROOT / "deploy" / "synapse" / "homeserver.yaml").read_text())
    return {k: v for k, v in config.items() if k.startswith("rc_")}


async def _login(web: str, user: str, password: str, address: str,
                 cookie: str | None = None) -> tuple[int, str, str | None]:
    """One API login in a fresh cookie jar; (status, errcode, browser cookie)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        if cookie:
            jar.update_cookies({BROWSER_COOKIE: cookie}, URL(web))
        async with http.post(f"{web}{API}", json={"user": user, "password": password},
                             headers={"X-Forwarded-For": address}) as response:
            body = await response.json()
            mark = response.cookies.get(BROWSER_COOKIE)
            return response.status, str(body.get("errcode") or "ok"), \
                mark.value if mark else None


async def _profile(name: str, ratelimits: dict[str, Any], base: Path) -> list[str]:
    hs = await start_homeserver(base / name, profile="dev", ratelimits=ratelimits)
    state = base / f"{name}-state"
    state.mkdir()
    service = Service(ServiceConfig(
        homeserver=hs.url, bots={}, policy_dir=ROOT / "policies",
        database_url=f"sqlite:///{state / 'busbaan.db'}", state_dir=state, web_port=0,
        extra={"web_trusted_proxies": ["127.0.0.1/32"]}))
    await service.start()
    rows: list[str] = []
    try:
        assert service.web is not None
        web = service.web.url
        officers = {}
        for who in ("a", "b", "c"):
            password = new_password()
            creds = await hs.register(f"fg-{who}", password, login_if_exists=False)
            officers[who] = (creds.user_id, password)
        DirectoryRepository(service.engine).upsert(
            [Professional(user_id=u, organisation="fg", role="privacy-officer")
             for u, _ in officers.values()], source="bench", now=dt.datetime.now(dt.UTC))

        # 1. correct logins back to back
        user, password = officers["a"]
        started = time.monotonic()
        ok = 0
        first_429 = None
        for i in range(60):
            status, errcode, _ = await _login(web, user, password, "192.0.2.1")
            if status == 200:
                ok += 1
            elif first_429 is None:
                first_429 = (i + 1, errcode)
                break
        elapsed = time.monotonic() - started
        rows.append(f"| {name} | correct logins, one officer, one address | {ok} ok in "
                    f"{elapsed:.1f} s ({ok / elapsed * 60:.0f}/min); first refusal: "
                    f"{first_429 or 'none in 60'} |")

        # 2 and 3. 100 wrong passwords, then the real officer
        for who, spread in (("b", False), ("c", True)):
            user, password = officers[who]
            status, _, cookie = await _login(web, user, password, "203.0.113.5")
            assert status == 200 and cookie, status
            await asyncio.sleep(7)  # let Synapse's per-account limit refill after that login
            outcomes: Counter[str] = Counter()
            for i in range(100):
                address = f"198.51.100.{i + 1}" if spread else "198.51.100.1"
                status, errcode, _ = await _login(web, user, "wrong-" + str(i), address)
                outcomes[f"{status} {errcode}"] += 1
            attack_end = time.monotonic()
            new = await _login(web, user, password, "203.0.113.99")
            own = await _login(web, user, password, "203.0.113.5", cookie)
            while own[0] != 200 and time.monotonic() - attack_end < 120:
                await asyncio.sleep(2)
                own = await _login(web, user, password, "203.0.113.5", cookie)
            waited = time.monotonic() - attack_end
            where = "100 addresses" if spread else "one address"
            summary = ", ".join(f"{n}× {k}" for k, n in sorted(outcomes.items()))
            rows.append(f"| {name} | 100 wrong passwords from {where} | {summary}; then the "
                        f"officer: new browser → {new[0]} {new[1]}; own browser → "
                        f"{own[0]} {own[1]} after {waited:.0f} s |")
    finally:
        await service.stop()
        await hs.stop()
    return rows


async def main() -> None:
    configure("WARNING")
    with tempfile.TemporaryDirectory(prefix="busbaan-bench-logins-") as tmp:
        rows = ["| Synapse limits | scenario | result |", "|---|---|---|"]
        rows += await _profile("dev", dict(DEV_RATELIMITS), Path(tmp))
        rows += await _profile("production", production_ratelimits(), Path(tmp))
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
