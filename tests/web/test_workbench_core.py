"""The workbench's pure parts (sessions, filters, figures, charts) and its behaviour
without a running service; none of these needs the homeserver."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestClient, TestServer

from busbaan.audit.storage import LoggedEntry
from busbaan.clock import FakeClock
from busbaan.policy import load_policy
from busbaan.web.app import create_app
from busbaan.web.workbench.analysis import consent_states, handover_times, refusals_per_week
from busbaan.web.workbench.charts import Series, bar_chart
from busbaan.web.workbench.filters import FilterError, parse_filters
from busbaan.web.workbench.sessions import Officer, SessionStore
from tests.web.conftest import ROOT, seed_entries

# ----------------------------------------------------------------- pure: filters


def test_filters_parse_dates_as_dutch_days_with_until_included() -> None:
    """'since' starts at local midnight, 'until' includes its whole day."""
    f = parse_filters({"since": "2026-03-01", "until": "2026-03-01", "organisation": "ggd"},
                      load_policy(ROOT / "policies"))
    assert f.since == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert f.until == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)
    assert f.organisation == "ggd"


def test_filters_name_every_bad_field() -> None:
    """A malformed date, an unknown organisation and a reversed period are all named,
    each with what to do instead."""
    with pytest.raises(FilterError) as caught:
        parse_filters({"since": "31-02-2026", "until": "2026-02-30", "organisation": "wpi",
                       "case": "Jan de Vries"}, load_policy(ROOT / "policies"))
    fields = {p.field for p in caught.value.problems}
    assert fields == {"since", "until", "organisation", "case"}
    text = caught.value.message("nl")
    assert "'31-02-2026' bij 'vanaf' is geen geldige datum" in text
    assert "Organisatie 'wpi' kennen we niet. Kies uit: inkomen" in text
    assert "Vul nooit een naam of BSN in" in text


def test_a_professional_in_a_url_is_refused() -> None:
    """A Matrix ID (personal data) is not accepted from a query string."""
    with pytest.raises(FilterError) as caught:
        parse_filters({"professional": "@a:b"}, load_policy(ROOT / "policies"),
                      allow_professional=False)
    assert "niet via de adresregel" in caught.value.message("nl")


# ----------------------------------------------------------------- pure: analysis


def _logged(now: dt.datetime) -> list[LoggedEntry]:
    return [LoggedEntry(i, e, b"\0" * 32) for i, (e, _) in enumerate(seed_entries(now))]


def test_consent_states_follow_given_withdrawn_and_expired() -> None:
    """Each grant gets its state today: ending soon, withdrawn, expired."""
    now = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    states = {g.grant_id: g for g in consent_states(_logged(now), now.date())}
    assert states["G-SCHULD1"].state == "expiring" and states["G-SCHULD1"].days_left == 9
    assert states["G-GGD1"].state == "withdrawn"
    assert states["G-WMO1"].state == "expired"


def test_handover_times_pair_proposals_with_answers() -> None:
    """An answered handover counts with its waiting time; an unanswered one is open."""
    h = handover_times(_logged(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)))
    assert (h.accepted, h.open) == (1, 1)
    assert h.answered_hours == [4.0]
    assert [c for _, _, c in h.buckets()] == [0, 0, 1, 0, 0, 0]


def test_refusals_are_counted_per_organisation_per_week() -> None:
    """Refused entries are grouped by ISO week and the refused actor's organisation."""
    weeks = refusals_per_week(_logged(dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)))
    assert sum(sum(c.values()) for c in weeks.values()) == 4
    assert sum(c["humanitas"] for c in weeks.values()) == 2


def test_a_chart_is_an_accessible_svg() -> None:
    """A chart names itself for screen readers and escapes its labels."""
    svg = bar_chart("c", ["a<b", "c"], [Series("x&y", (1, 2)), Series("z", (0, 3))],
                    title="Titel", desc="Uitleg")
    assert 'role="img"' in svg and "<title id=\"c-t\">Titel</title>" in svg
    assert "a&lt;b" in svg and "x&amp;y" in svg



# ----------------------------------------------------------------- sessions


def test_sessions_expire_after_idle_time_and_logins_start_a_new_id() -> None:
    """A session lives while used, ends after 30 idle minutes, and login replaces it."""
    clock = FakeClock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC))
    store = SessionStore(clock)
    anon = store.new()
    officer = store.login(anon, Officer("@fg:x", "fg", "privacy-officer"))
    assert store.get(anon.id) is None
    clock.advance(minutes=29)
    assert store.get(officer.id) is not None
    clock.advance(minutes=29)
    assert store.get(officer.id) is not None  # used in between: still alive
    clock.advance(minutes=31)
    assert store.get(officer.id) is None
    assert not officer.csrf_ok(None) and not officer.csrf_ok("")
    assert officer.csrf_ok(officer.csrf)


def test_anonymous_sessions_are_capped() -> None:
    """A flood of login-form visits cannot grow the store without bound."""
    store = SessionStore(FakeClock(), max_anonymous=10)
    for _ in range(50):
        store.new()
    assert len(store) <= 11


async def test_without_a_service_the_workbench_says_it_is_not_available() -> None:
    """A web app started without the busbaan service answers 503 with a reason."""
    app = create_app(load_policy(ROOT / "policies"))
    async with TestClient(TestServer(app)) as client:
        page = await client.get("/privacy/login")
        assert page.status == 503
        assert "zonder de busbaan-service" in await page.text()
        api = await client.get("/api/v1/privacy/session")
        assert api.status == 503
