"""The quality manager's overview: every signal that holds, ranked, and the departments and counters ranked
by their worst signal (a department head sees their own departments only)."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from signals import queries
from signals.section import AttentionItem, attention_items, scope_url
from signals.services import KIND_RANK, office_state, scope_names
from survey.models import User
from survey.permissions import sees_whole_office


@dataclass
class ScopeRow:
    name: str
    kind_label: str
    url: str
    concerns: int
    objectives: int
    bursts: int
    improvements: int
    worst: str


@dataclass
class Overview:
    items: list[AttentionItem]
    ranking: list[ScopeRow]


def _kind_label(kind: str) -> str:
    return {"office": _("urząd"), "department": _("wydział"), "service_point": _("stanowisko")}[kind]


def rank_scopes(items: list[AttentionItem], names: dict) -> list[ScopeRow]:
    by_scope: dict[tuple, list[AttentionItem]] = {}
    for item in items:
        by_scope.setdefault((item.scope_kind, item.scope_code), []).append(item)
    rows = []
    for (kind, code), found in by_scope.items():
        kinds = [i.kind for i in found]
        rows.append(ScopeRow(
            name=names.get((kind, code), code or ""), kind_label=_kind_label(kind), url=scope_url(kind, code),
            concerns=kinds.count("concern"), objectives=kinds.count("objective_at_risk"),
            bursts=kinds.count("burst") + kinds.count("suspicious_burst"), improvements=kinds.count("improvement"),
            worst=min(kinds, key=lambda k: KIND_RANK.get(k, 9)),
        ))
    return sorted(rows, key=lambda r: (KIND_RANK.get(r.worst, 9), -r.concerns, -r.objectives, -r.bursts, r.name))


def overview(user: User, today: str) -> Overview:
    office_state()
    names = scope_names()
    signals = queries.live_signals()
    if not sees_whole_office(user):
        own = {d.code for d in user.departments}
        signals = [s for s in signals if s.department_code in own]
    items = attention_items(signals, names, today)
    return Overview(items, rank_scopes(items, names))
