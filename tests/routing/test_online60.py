"""Session 23 (online60): the suicide family's first service.

See docs/notes/2026-12-21s23-online60.md. Questions in words of our own.
"""

from __future__ import annotations

from routing_testdata import signals as read_signals
from routing_testdata import top

from busbaan.routing import Router
from busbaan.routing.safety import SafetySignals


def test_suicide_lists_the_vangnet_before_the_specialist_ggz(signals: SafetySignals) -> None:
    """The suicide family names the GGD Vangnet before the specialist GGZ, as the
    overdose and psychiatric-crisis families do: the acute risk first."""
    services = {f.id: f.services for f in signals.families}
    for family in ("suicide", "overdose", "psychiatric_crisis"):
        order = services[family]
        assert order.index("ggd-vangnet") < order.index("ggz-specialistisch"), family


def test_a_suicide_question_has_the_vangnet_first_and_the_ggz_next(router: Router) -> None:
    """Under one suicide signal the two services share the best score and the family's
    order decides: the GGD Vangnet first, the specialist GGZ still in the top 3."""
    answer = router.route("Mijn zwager (47) appte vannacht dat hij er een einde aan maakt "
                          "en neemt nu niet meer op.", {})
    assert "suicide" in read_signals(answer)
    assert top(answer, 1) == ["ggd-vangnet"]
    assert "ggz-specialistisch" in top(answer, 3)
