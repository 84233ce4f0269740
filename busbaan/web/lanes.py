"""``GET /api/v1/lanes/status``: team intake figures of the wegwijzer's lanes (JSON).

Per team (intake room): lanes open, waiting, past the target, answered, the median
time to the first answer and the target, computed by :mod:`busbaan.wegwijzer.sla`
from the store. Counts and durations only: no questions, no names.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from busbaan.audit.entry import format_time
from busbaan.errors import Unavailable
from busbaan.store.wegwijzer_repo import LaneRepository
from busbaan.wegwijzer import DEFAULT_TARGET_MINUTES, team_figures


async def lanes_status(request: web.Request) -> web.Response:
    from busbaan.web.app import SERVICE  # app.py imports this module

    service = request.app[SERVICE]
    engine = getattr(service, "engine", None)
    if engine is None:
        raise Unavailable("De opslag is (nog) niet beschikbaar; probeer het zo opnieuw.",
                          "The store is not available (yet); try again shortly.")
    now = service.clock.now()
    lanes = await asyncio.to_thread(LaneRepository(engine).all)
    bot = getattr(service, "wegwijzer", None)
    names = bot.team_names() if bot is not None else {}
    config = getattr(service, "config", None)
    return web.json_response({
        "ok": True,
        "generated_at": format_time(now),
        "default_target_minutes": getattr(config, "lane_target_minutes",
                                          DEFAULT_TARGET_MINUTES),
        "teams": [{**f.to_json(), "name": names.get(f.team, f.team)}
                  for f in team_figures(lanes, now)],
    })


def add_routes(app: web.Application) -> None:
    """Register the lane figures on ``app`` (called from ``create_app``)."""
    app.router.add_get("/api/v1/lanes/status", lanes_status)
