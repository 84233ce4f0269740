"""The service's metrics, in the Prometheus text format (``GET /metrics``).

One :class:`Metrics` per service (its own ``CollectorRegistry``: no module-level
state). The bots' runner, the audit writer and the web app report into it; live
figures (rooms, case rooms, time since the last sync, outbox lag) are read at scrape
time from hooks the service registers.

**No personal data in any label.** Every label value comes from a closed set and is
put through one of the ``label_*`` functions below, which map anything outside that
set to ``"other"``: bot names and command names from the dispatchers, decision codes
(``ok.*`` / ``refused.*``), errcodes (``BB_*``), audit event codes, and organisations
from the policy. A user id, a case id, a room id or a message never becomes a label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from busbaan.audit.entry import AuditEntry

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OTHER = "other"

_ERRCODE = re.compile(r"^BB_[A-Z0-9_]{1,48}$")
_DECISION = re.compile(r"^(ok|refused)\.[a-z_]{1,48}$")
_EVENT_CODE = re.compile(r"^[a-z_]{1,32}(\.[a-z_]{1,32}){1,2}$")
#: Refusals whose audit entry keeps a bare reason code (the wegwijzer's refused question,
#: the workbench's non-officer; outside check s5: they were counted as ``other``).
_BARE_REFUSALS = frozenset({"personal_data", "not_privacy_officer"})
#: The ``command`` label of a question asked without a command (the wegwijzer's direct
#: chat): counted beside the commands, never with its text.
QUESTION = "question"
_SOURCE = frozenset({"casus-bot", "wegwijzer-bot", "gate", "service", "workbench", "cli"})

#: Seconds; from a few milliseconds (a command handled in-process) to the 300 ms goal
#: and well past it (a busy homeserver).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75,
                   1.0, 2.0, 5.0, 10.0)

#: The parts of a command's way through a bot (issue 12, session 5: where a reply's
#: time goes). ``sync``: the command's server timestamp → the bot's sync brought it;
#: ``inbox``: → stored in the inbox with the sync token; ``queue``: → its handler
#: started; ``handler``: the handler's work and the reply kept in the store; ``send``:
#: the reply's send request; ``replied``: the inbox noting it sent.
COMMAND_STAGES = ("sync", "inbox", "queue", "handler", "send", "replied")


def label_errcode(errcode: str | None) -> str:
    """``BB_…`` errcodes as they are; none → ``""``; anything else → ``other``."""
    if not errcode:
        return ""
    return errcode if _ERRCODE.match(errcode) else OTHER


def label_decision(code: str | None) -> str:
    """A decision code (``refused.organisation_not_in_scope``) or ``other``; the bare
    reason codes some refusals record (``personal_data``) count as ``refused.<code>``."""
    if code in _BARE_REFUSALS:
        return f"refused.{code}"
    return code if code and _DECISION.match(code) else OTHER


def label_event_code(code: str) -> str:
    """An audit event code (``membership.removed``) or ``other``."""
    return code if _EVENT_CODE.match(code) else OTHER


def label_source(source: str) -> str:
    return source if source in _SOURCE else OTHER


LiveFigure = Callable[[], Mapping[tuple[str, ...], float]]


@dataclass(frozen=True, slots=True)
class _Live:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: LiveFigure


class _LiveCollector(Collector):
    """Gauges read at scrape time from the hooks registered with :meth:`Metrics.live`."""

    def __init__(self) -> None:
        self.figures: list[_Live] = []

    def collect(self) -> Iterable[Metric]:
        for fig in self.figures:
            family = GaugeMetricFamily(fig.name, fig.documentation, labels=list(fig.labels))
            try:
                values = fig.read()
            except Exception:  # a figure that cannot be read is left out, never fatal
                values = {}
            for labels, value in values.items():
                family.add_metric(list(labels), float(value))
            yield family


class Metrics:
    """The counters, histograms and live gauges of one busbaan service."""

    def __init__(self, organisations: Iterable[str] = ()) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._organisations = frozenset(organisations)
        self._commands: dict[str, frozenset[str]] = {}
        r = self.registry
        self.commands = Counter(
            "busbaan_commands", "Bot commands answered, by outcome (ok, refused, failed).",
            ["bot", "command", "outcome", "errcode"], registry=r)
        self.command_seconds = Histogram(
            "busbaan_command_seconds",
            "Time in the bot from taking a command off the queue to its reply being sent.",
            ["bot", "command"], buckets=LATENCY_BUCKETS, registry=r)
        self.reply_latency = Histogram(
            "busbaan_reply_latency_seconds",
            "From the command's server timestamp to the bot's reply being sent "
            "(sync wake-up, queue, handling, send).",
            ["bot", "command"], buckets=LATENCY_BUCKETS, registry=r)
        self.sync_lag = Histogram(
            "busbaan_sync_lag_seconds",
            "From an event's server timestamp to the bot receiving it through its sync.",
            ["bot"], buckets=LATENCY_BUCKETS, registry=r)
        self.command_stage = Histogram(
            "busbaan_command_stage_seconds",
            "The parts of a command's reply time in the bot, by stage: sync (server "
            "timestamp to the bot's sync), inbox (stored), queue (to the handler), handler, "
            "send (the reply's request), replied (noted in the inbox).",
            ["bot", "stage"], buckets=LATENCY_BUCKETS, registry=r)
        self.syncs = Counter("busbaan_syncs", "Sync responses received, by result.",
                             ["bot", "result"], registry=r)
        self.audit_appends = Counter(
            "busbaan_audit_appends", "Audit log entries appended by this process.",
            ["source", "event_code"], registry=r)
        self.refusals = Counter(
            "busbaan_refusals", "Decisions that refused a step (from the audit entries).",
            ["source", "code"], registry=r)
        self.removals = Counter(
            "busbaan_removals", "Members removed from a case room, by decision code and "
                                "the removed professional's organisation.",
            ["code", "organisation"], registry=r)
        self.http_requests = Counter(
            "busbaan_http_requests", "Web requests answered, by route and status class.",
            ["route", "status"], registry=r)
        self._live = _LiveCollector()
        r.register(self._live)

    # -- closed sets ---------------------------------------------------------------------

    def known_organisations(self, organisations: Iterable[str]) -> None:
        """The organisation ids of the policy (the only organisations used as labels)."""
        self._organisations = frozenset(organisations)

    def known_commands(self, bot: str, names: Iterable[str]) -> None:
        """The canonical command names of ``bot`` (from its dispatcher)."""
        self._commands[bot] = frozenset(names)

    def label_bot(self, bot: str) -> str:
        return bot if bot in self._commands else OTHER

    def label_command(self, bot: str, command: str) -> str:
        return command if command in self._commands.get(bot, frozenset()) else OTHER

    def label_organisation(self, organisation: str | None) -> str:
        if organisation is None:
            return ""
        return organisation if organisation in self._organisations else OTHER

    # -- reporting -----------------------------------------------------------------------

    def command_answered(self, bot: str, command: str, *, ok: bool, errcode: str | None,
                         handling_seconds: float, latency_seconds: float | None) -> None:
        b, c = self.label_bot(bot), self.label_command(bot, command)
        outcome = "ok" if ok else ("failed" if errcode == "BB_INTERNAL" else "refused")
        self.commands.labels(b, c, outcome, label_errcode(errcode)).inc()
        self.command_seconds.labels(b, c).observe(max(handling_seconds, 0.0))
        if latency_seconds is not None:
            self.reply_latency.labels(b, c).observe(max(latency_seconds, 0.0))

    def question_answered(self, bot: str, *, ok: bool, errcode: str | None,
                          latency_seconds: float | None) -> None:
        """A question answered without a command (a direct chat with the wegwijzer),
        as ``command="question"``: the outcome and reply latency, nothing of the text."""
        b = self.label_bot(bot)
        outcome = "ok" if ok else ("failed" if errcode == "BB_INTERNAL" else "refused")
        self.commands.labels(b, QUESTION, outcome, label_errcode(errcode)).inc()
        if latency_seconds is not None:
            self.reply_latency.labels(b, QUESTION).observe(max(latency_seconds, 0.0))

    def command_stages(self, bot: str, stages: Mapping[str, float]) -> None:
        """One command's stage times (seconds; :data:`COMMAND_STAGES`, others ignored)."""
        b = self.label_bot(bot)
        for stage, seconds in stages.items():
            if stage in COMMAND_STAGES:
                self.command_stage.labels(b, stage).observe(max(seconds, 0.0))

    def event_received(self, bot: str, lag_seconds: float) -> None:
        self.sync_lag.labels(self.label_bot(bot)).observe(max(lag_seconds, 0.0))

    def sync_result(self, bot: str, ok: bool) -> None:
        self.syncs.labels(self.label_bot(bot), "ok" if ok else "error").inc()

    def audit_appended(self, entries: Sequence[AuditEntry]) -> None:
        """Count appended entries; refusals and removals are read from them, so every
        writer in the process (bots, web, service) is counted the same way."""
        for e in entries:
            source = label_source(e.source)
            self.audit_appends.labels(source, label_event_code(e.event_code)).inc()
            if e.outcome == "refused":
                self.refusals.labels(source, label_decision(e.reason_code)).inc()
            if e.event_code == "membership.removed":
                org = e.details.get("subject_organisation") if e.details else None
                self.removals.labels(label_decision(e.reason_code),
                                     self.label_organisation(org)).inc()

    def live(self, name: str, documentation: str, labels: Sequence[str],
             read: LiveFigure) -> None:
        """A gauge read at scrape time; ``read`` returns {label values: value}. Label
        values must come from closed sets (use the ``label_*`` helpers)."""
        self._live.figures.append(_Live(name, documentation, tuple(labels), read))

    def outbox_lag(self, read: Callable[[], float | None]) -> None:
        """The hook for the case service's outbox: seconds the oldest unrelayed event
        has waited (None or 0 when it is empty)."""

        def figure() -> Mapping[tuple[str, ...], float]:
            value = read()
            return {(): float(value or 0.0)}

        self.live("busbaan_outbox_lag_seconds",
                  "Age of the oldest outbox event not yet relayed to its mirrors.", (), figure)

    def render(self) -> bytes:
        return generate_latest(self.registry)


def samples(text: str) -> Iterator[tuple[str, dict[str, str], float]]:
    """(name, labels, value) of every sample in a Prometheus text exposition."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(text):
        for s in family.samples:
            yield s.name, dict(s.labels), float(s.value)
