"""A refusal on a withdrawn grant as the refused professional and the regie meet it
(outside18): after the citizen withdrew a grant on "Mijn hulpvraag", the homeserver's
refusal said "De regie kan een nieuwe geven met !toestemming geef", and that command is
then refused (BB_CITIZEN_WITHDREW). The reason now names the citizen's way too."""

from __future__ import annotations

import datetime as dt

from busbaan.consent import Action, CaseScope, Grant, Professional, decide
from busbaan.directory import Directory
from tests.core.conftest import NOW

BOT = "@casus:busbaan.example"
REGIE = "@regie:buurtteam.busbaan.example"
MILA = "@mila:humanitas.busbaan.example"


def _scope(*grants: Grant) -> CaseScope:
    return CaseScope(case_id="C-7K2QMX4A", room_id="!room:buurtteam.busbaan.example",
                     home_organisation="buurtteam", regie=REGIE, grants=grants, accesses=())


def _grant(**kw: dt.datetime) -> Grant:
    return Grant(grant_id="G-HUMA", organisation="humanitas", categories=("contact",),
                 legal_bases=("toestemming",), valid_from=NOW - dt.timedelta(days=3),
                 valid_until=kw.get("until", NOW + dt.timedelta(days=30)),
                 given_by=REGIE, withdrawn_at=kw.get("withdrawn"))


def _invite(policy, grant: Grant):  # type: ignore[no-untyped-def]
    directory = Directory.of(policy, [Professional(REGIE, "buurtteam", "buurtteammedewerker"),
                                      Professional(MILA, "humanitas", "vrijwilliger")])
    return decide(policy, _scope(grant), directory, Action.INVITE, actor=REGIE, subject=MILA,
                  now=NOW, bot_user_id=BOT)


def test_a_withdrawn_grant_names_the_citizens_way_back(policy) -> None:  # type: ignore[no-untyped-def]
    """The refusal of a withdrawn grant says that only the citizen can give it again
    when the citizen withdrew it, and how to ask (!toestemming voorstel), in both
    languages; it still names the grant and !toestemming geef for the regie's case."""
    d = _invite(policy, _grant(withdrawn=NOW - dt.timedelta(hours=1)))
    assert d.code == "refused.grant_withdrawn"
    assert "G-HUMA" in d.nl and "ingetrokken" in d.nl
    assert "alleen de burger" in d.nl and "!toestemming voorstel" in d.nl
    assert "only the citizen" in d.en and "!toestemming voorstel" in d.en
    assert "!toestemming geef" in d.nl


def test_an_expired_grant_keeps_the_short_reason(policy) -> None:  # type: ignore[no-untyped-def]
    """An expired grant is the regie's to renew: no word of the citizen there."""
    d = _invite(policy, _grant(until=NOW - dt.timedelta(seconds=1)))
    assert d.code == "refused.grant_expired"
    assert "burger" not in d.nl and "citizen" not in d.en
    assert "!toestemming geef" in d.nl


def test_a_refusal_names_the_organisation_as_people_know_it(policy) -> None:  # type: ignore[no-untyped-def]
    """A refusal names the organisation by its name with its id beside it (outside18 F8:
    "humanitas valt buiten ..."); the command it suggests keeps the id it needs."""
    directory = Directory.of(policy, [Professional(REGIE, "buurtteam", "buurtteammedewerker"),
                                      Professional(MILA, "humanitas", "vrijwilliger")])
    d = decide(policy, _scope(), directory, Action.INVITE, actor=REGIE, subject=MILA,
               now=NOW, bot_user_id=BOT)
    assert d.code == "refused.organisation_not_in_scope"
    assert d.nl.startswith("Humanitas Thuisadministratie (humanitas) valt buiten")
    assert d.en.startswith("Humanitas Thuisadministratie (humanitas) is outside")
    assert "!toestemming geef humanitas <categorie>" in d.nl
    withdrawn = _invite(policy, _grant(withdrawn=NOW - dt.timedelta(hours=1)))
    assert "G-HUMA voor Humanitas Thuisadministratie (humanitas) is ingetrokken" in withdrawn.nl
    assert "G-HUMA for Humanitas Thuisadministratie (humanitas) is withdrawn" in withdrawn.en
