"""``/metrics``, ``/healthz`` and ``/readyz`` scraped from the running service (issue 12):
real Synapse with the gate, the casus bot, a professional at a plain Matrix client."""

from __future__ import annotations

import aiohttp
import pytest

from busbaan.metrics import COMMAND_STAGES, OTHER, samples
from busbaan.service import Service
from tests.casus.conftest import MakePerson
from tests.casus.test_case_rooms import open_case

pytestmark = pytest.mark.synapse

BSN = "111222333"


async def _get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, resp.headers.get("Content-Type", ""), await resp.text()


def _sum(text: str, name: str, **labels: str) -> float:
    return sum(v for n, lab, v in samples(text) if n == name
               and all(lab.get(k) == want for k, want in labels.items()))


async def test_metrics_count_commands_refusals_and_latency_without_personal_data(
    service: Service, make_person: MakePerson
) -> None:
    """After a case is opened, a refused invite and a command with a BSN in it, the
    scrape shows the commands, the refusal, the reply latency and the sync lag, and
    every label value comes from a closed set."""
    assert service.web is not None and service.policy is not None
    bot = service.runners["casus"].user_id
    regie = await make_person("buurtteam", "buurtteammedewerker")
    outsider = await make_person("inkomen", "klantmanager")
    _, before, _ = await _get(f"{service.web.url}/metrics")
    _, room = await open_case(regie, bot)
    refused = await regie.command(room, f"!uitnodigen {outsider.user_id}")
    assert refused["nl.busbaan.reply"]["ok"] is False
    await regie.command(room, f"!uitnodigen @{BSN}:localhost")

    status, ctype, text = await _get(f"{service.web.url}/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert _sum(text, "busbaan_commands_total", command="casus nieuw", outcome="ok") >= 1
    assert _sum(text, "busbaan_commands_total", command="uitnodigen", outcome="refused",
                errcode="BB_ORGANISATION_NOT_IN_SCOPE") >= 1
    assert _sum(text, "busbaan_refusals_total",
                code="refused.organisation_not_in_scope") >= 1
    assert _sum(text, "busbaan_reply_latency_seconds_count", command="uitnodigen") >= 2
    assert _sum(text, "busbaan_sync_lag_seconds_count", bot="casus") >= 3
    # The reply time in parts (session 5): each stage of the commands just answered.
    for stage in COMMAND_STAGES:
        assert _sum(text, "busbaan_command_stage_seconds_count", bot="casus",
                    stage=stage) >= 2, stage
    parts = sum(_sum(text, "busbaan_command_stage_seconds_sum", bot="casus", stage=stage)
                for stage in COMMAND_STAGES)
    n = _sum(text, "busbaan_command_stage_seconds_count", bot="casus", stage="send")
    latency = _sum(text, "busbaan_reply_latency_seconds_sum", bot="casus")
    count = _sum(text, "busbaan_reply_latency_seconds_count", bot="casus")
    # The parts add up to the reply latency (server timestamp → reply sent), which
    # also counts commands from before the bot was ready (no stages): compare means.
    assert abs(parts / n - latency / count) < 0.25 * (latency / count) + 0.05
    assert _sum(text, "busbaan_audit_appends_total") > _sum(
        _metrics_or_empty(before), "busbaan_audit_appends_total")
    assert _sum(text, "busbaan_bot_rooms", bot="casus") >= 2
    assert _sum(text, "busbaan_sync_age_seconds", bot="casus") < 60

    commands = {spec.name for r in service.runners.values() for spec in r.dispatcher.specs}
    organisations = {o.id for o in service.policy.organisations}
    routes = {r.resource.canonical for r in service.web.runner.app.router.routes()
              if r.resource is not None}
    closed = {
        "bot": set(service.runners) | {OTHER},
        "command": commands | {OTHER},
        "organisation": organisations | {OTHER, ""},
        "route": routes | {OTHER},
        "outcome": {"ok", "refused", "failed"},
        "result": {"ok", "error"},
        "status": {"1xx", "2xx", "3xx", "4xx", "5xx"},
        "stage": set(COMMAND_STAGES),
        "source": {"casus-bot", "wegwijzer-bot", "gate", "service", "workbench", "cli",
                   OTHER},
    }
    seen = 0
    for name, labels, _ in samples(text):
        for key, value in labels.items():
            if key in ("le", "quantile"):
                continue
            seen += 1
            assert BSN not in value and "@" not in value and "!" not in value, (name, key)
            if key in closed:
                assert value in closed[key], (name, key, value)
            elif key == "errcode":
                assert value == "" or value == OTHER or value.startswith("BB_"), value
            elif key == "code":
                assert value == OTHER or value.split(".")[0] in ("ok", "refused"), value
            elif key == "event_code":
                assert value == OTHER or "." in value, value
            else:
                raise AssertionError(f"label {key!r} of {name} is not from a known set")
    assert seen > 0


def _metrics_or_empty(text: str) -> str:
    return text if text.startswith("#") else ""


async def test_health_and_readiness_answer_from_the_running_service(
    service: Service,
) -> None:
    """``/healthz`` says the process lives; ``/readyz`` that the store answers and the
    casus bot syncs."""
    assert service.web is not None
    status, _, body = await _get(f"{service.web.url}/healthz")
    assert status == 200 and '"ok": true' in body
    status, _, body = await _get(f"{service.web.url}/readyz")
    assert status == 200, body
    assert '"store": true' in body and '"bot:casus": true' in body
