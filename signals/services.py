"""Signals of the office: computing them, keeping the stored ones in step, acknowledging, and the shared JSON.

``office_state()`` computes every control chart and finding of the office once per set of answers (cached
per worker like the dashboards, see ``dashboard/cache.py``) and stores what changed: new findings open
signals, findings that no longer hold close theirs. ``refresh_signals()`` does the same from scratch (the
``send-alerts`` and ``signals`` commands). ``signals_payload`` is the JSON of the API and the CLI.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

import numpy as np
from flask import current_app
from sqlalchemy.exc import IntegrityError

from admin.services import audit
from analytics import queries as analytics_queries
from analytics import spc
from analytics.periods import Period
from dashboard.cache import DashboardCache, app_cache, max_age
from extensions import db
from signals import queries
from signals.charts import ChartSeries, OfficeCounts, build_charts, office_counts
from signals.detect import Finding, burst_findings, burst_still_open, chart_findings, objective_findings
from signals.models import ChartRebase, Signal
from signals.settings import SignalSettings
from survey.models import User, utcnow

KIND_RANK = {"concern": 0, "objective_at_risk": 1, "burst": 2, "suspicious_burst": 3, "improvement": 4}
ALL_TIME = (datetime(1970, 1, 1, tzinfo=timezone.utc), datetime(9999, 1, 1, tzinfo=timezone.utc))
MAX_COMMENT = 1000
_sync_lock = threading.Lock()


class SignalError(ValueError):
    """A request about a signal that cannot be done (the message says why, in the page's language)."""


@dataclass
class OfficeState:
    charts: list[ChartSeries]
    findings: list[Finding]
    counts: OfficeCounts | None
    computed_at: datetime = field(default_factory=utcnow)
    synced: bool = False

    def charts_in(self, scope_kind: str, scope_code: str | None, department_code: str | None) -> list[ChartSeries]:
        return [c for c in self.charts if in_scope(c.scope_kind, c.scope_code, c.department_code,
                                                    scope_kind, scope_code, department_code)]


def in_scope(kind: str, code: str | None, department: str | None, scope_kind: str, scope_code: str | None,
             scope_department: str | None) -> bool:
    if scope_kind == "office":
        return True
    if scope_kind == "department":
        return department == scope_department
    return kind == "service_point" and code == scope_code


def settings() -> SignalSettings:
    return SignalSettings.from_config(current_app.config)


def office_name() -> str:
    return current_app.config.get("OPINIA_OFFICE_NAME", "")


def compute_office_state(now: datetime | None = None) -> OfficeState:
    now = now or utcnow()
    tz_name = current_app.config["OPINIA_TIMEZONE"]
    counts = office_counts(now, tz_name)
    if counts is None:
        return OfficeState([], [], None)
    objectives = analytics_queries.active_objectives()
    charts = build_charts(counts, office_name(), objectives, queries.rebases())
    findings = chart_findings(charts, tz_name) + objective_findings(counts, objectives) + burst_findings(counts, settings())
    return OfficeState(charts, findings, counts)


def sync_signals(findings: list[Finding], now: datetime | None = None) -> tuple[int, int]:
    """Open a signal for every new finding, refresh the details of those still holding, close the rest.

    Returns ``(opened, closed)``. Two processes refreshing at once cannot open a signal twice (``key`` is
    unique): the loser rolls back and leaves the work to the winner.
    """
    now = now or utcnow()
    open_hours = settings().burst_open_hours
    with _sync_lock:
        live = {s.key: s for s in queries.live_signals()}
        found = {f.key: f for f in findings}
        opened = [_new_signal(f, now) for key, f in found.items() if key not in live]
        for key, signal in live.items():
            if key in found and signal.details != found[key].details:
                signal.details, signal.updated_at = found[key].details, now
        closing = [s for key, s in live.items()
                   if key not in found and not burst_still_open(s.kind, s.details or {}, now, open_hours)]
        for signal in closing:
            signal.status, signal.closed_at, signal.updated_at = "closed", now, now
        db.session.add_all(opened)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return 0, 0
    return len(opened), len(closing)


def _new_signal(finding: Finding, now: datetime) -> Signal:
    return Signal(key=finding.key, chart_key=finding.chart_key, kind=finding.kind, rule=finding.rule,
                  scope_kind=finding.scope_kind, scope_code=finding.scope_code,
                  department_code=finding.department_code, indicator=finding.indicator,
                  question_code=finding.question_code, since=finding.since, status="open",
                  details=finding.details, detected_at=now, updated_at=now)


def refresh_signals(now: datetime | None = None) -> tuple[OfficeState, int, int]:
    state = compute_office_state(now)
    opened, closed = sync_signals(state.findings, now)
    state.synced = True
    return state, opened, closed


def _state_cache() -> DashboardCache:
    return current_app.extensions.setdefault("opinia_signals_cache", DashboardCache(max_entries=2))


def office_state() -> OfficeState:
    """The office's charts and findings, rebuilt when an answer arrives (or after the dashboards' max age);
    the stored signals are brought in step once per build."""
    rebase_version = tuple((r.id, r.starts_on) for r in queries.rebases())
    state = _state_cache().get_or_build(("office", rebase_version), ALL_TIME, compute_office_state, max_age())
    if not state.synced:
        sync_signals(state.findings)
        state.synced = True
    return state


def forget_computed_signals() -> None:
    """Empty the cached charts and every dashboard of this worker (other workers notice through the
    signals' version, which is part of the dashboards' cache keys)."""
    _state_cache().clear()
    app_cache().clear()


def rank(signals: list[Signal]) -> list[Signal]:
    """Concerns first, then objectives at risk, bursts, suspicious bursts and improvements; open before
    acknowledged; counters and departments before the office; newest first within that."""
    scope_rank = {"service_point": 0, "department": 1, "office": 2}
    return sorted(signals, key=lambda s: (s.status != "open", KIND_RANK.get(s.kind, 9), scope_rank.get(s.scope_kind, 3),
                                          -s.since.timestamp()))


def acknowledge(signal: Signal, user: User, comment: str) -> None:
    """Someone looked at the signal and says why or what is being done (audited); it stays until it closes."""
    text = " ".join((comment or "").split())
    if not text:
        raise SignalError("comment")
    if len(text) > MAX_COMMENT:
        raise SignalError("too_long")
    if signal.status == "closed":
        raise SignalError("closed")
    now = utcnow()
    signal.status, signal.acknowledged_at, signal.acknowledged_by_id = "acknowledged", now, user.id
    signal.acknowledgement, signal.updated_at = text, now
    audit(user, "acknowledge", "signal", signal.id, comment=text, kind=signal.kind, scope=signal.scope_code)
    db.session.commit()
    forget_computed_signals()


def add_rebase(scope_kind: str, scope_code: str | None, question_code: str | None, starts_on, reason: str,
               user: User | None) -> ChartRebase:
    """Start a new baseline for a chart (or all charts of a scope) from a local day; audited."""
    rebase = ChartRebase(scope_kind=scope_kind, scope_code=scope_code, question_code=question_code,
                         starts_on=starts_on, reason=reason, created_by_id=user.id if user else None)
    db.session.add(rebase)
    db.session.flush()
    audit(user, "rebase", "chart", rebase.id, scope=scope_code, question=question_code, starts_on=starts_on.isoformat())
    db.session.commit()
    forget_computed_signals()
    return rebase


def scope_names() -> dict[tuple[str, str | None], str]:
    names: dict[tuple[str, str | None], str] = {("office", None): office_name()}
    for code, name in analytics_queries.department_catalog()[["code", "name"]].itertuples(index=False):
        names[("department", code)] = name
    for code, name in analytics_queries.service_point_catalog()[["code", "name"]].itertuples(index=False):
        names[("service_point", code)] = name
    return names


def chart_until(chart: ChartSeries, period: Period | None) -> ChartSeries:
    """The chart as it stood at the end of ``period`` (points after it dropped, rules judged again)."""
    if period is None:
        return chart
    columns = chart.columns
    kept = np.flatnonzero(np.array([start <= period.last_day for start in columns["start"]], dtype=bool))
    if len(kept) == len(columns["start"]):
        return chart
    if len(kept) == 0:
        return replace(chart, columns={name: values[:0] for name, values in columns.items()})
    segment = columns["segment"][kept]
    rebases = sorted({columns["start"][kept][i] for i in np.flatnonzero(np.diff(segment) > 0) + 1})
    redrawn = spc.spc_columns(list(columns["start"][kept]), columns["count"][kept], columns["n"][kept], rebases)
    return replace(chart, columns=redrawn)
