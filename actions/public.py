"""``/zglosiliscie-zrobilismy`` ("you said, we did"): the office's public page, no login, no JavaScript.

It shows the satisfaction indicators of the last completed quarters per department — nothing computed from
fewer answers than the minimum sample, no comments, no survey addresses — and the actions staff chose to
publish, each with its measured effect in plain words. The content is built once per language and kept in
the dashboards' cache (emptied by any change to an action or the set-up, or by a new answer in the quarters
shown); browsers and proxies may keep the page for ``PUBLIC_MAX_AGE`` seconds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Blueprint, current_app, make_response, render_template
from flask_babel import get_locale

from actions import queries
from actions.measure import measure
from actions.models import ImprovementAction
from actions.wording import public_sentence
from analytics.periods import Period, last_quarters
from analytics.service import compute_indicators, office_timezone
from dashboard.cache import app_cache, max_age
from dashboard.content import DEFAULT_MIN_SAMPLE, first_question

bp = Blueprint("public_actions", __name__)
QUARTERS_SHOWN = 4
PUBLIC_MAX_AGE = 300


@dataclass(frozen=True)
class PublicAction:
    title: str
    description: str
    where: str
    effective_date: str
    effect: str


@dataclass(frozen=True)
class PublicPage:
    quarters: list[str]
    departments: list[dict]  # name, values: [share or None per quarter]
    actions: list[PublicAction]
    min_sample: int


def completed_quarters() -> list[Period]:
    """The last ``QUARTERS_SHOWN`` quarters that have ended, oldest first."""
    return last_quarters(QUARTERS_SHOWN + 1, office_timezone())[:-1]


def _csat_or_none(questions: list[dict], min_sample: int) -> float | None:
    rating = first_question(questions, "rating_5")
    if rating is None or rating["n"] < min_sample:
        return None
    return rating["csat"]


def _department_rows(quarters: list[Period], min_sample: int) -> list[dict]:
    """Every department with its CSAT per quarter (None where the quarter had fewer answers than ``min_sample``)."""
    by_quarter = [{d["code"]: d for d in compute_indicators(q)["by_department"]} for q in quarters]
    rows = []
    for code, department in by_quarter[-1].items():
        values = [_csat_or_none(quarter[code]["questions"], min_sample) if code in quarter else None
                  for quarter in by_quarter]
        rows.append({"name": department["name"], "values": values})
    return rows


def _where(action: ImprovementAction) -> str:
    if action.service_point is not None:
        return f"{action.service_point.department.name}, {action.service_point.name}"
    if action.department is not None:
        return action.department.name
    return current_app.config["OPINIA_OFFICE_NAME"]


def _public_action(action: ImprovementAction) -> PublicAction:
    return PublicAction(action.title, action.description, _where(action), action.effective_date.isoformat(),
                        public_sentence(measure(action), action.indicator))


def build_page() -> PublicPage:
    quarters = completed_quarters()
    min_sample = DEFAULT_MIN_SAMPLE
    return PublicPage([q.label for q in quarters], _department_rows(quarters, min_sample),
                      [_public_action(a) for a in queries.published_actions()], min_sample)


def _window(quarters: list[Period]) -> tuple[datetime, datetime]:
    """The answers a cached page depends on: from the first quarter shown on (published effects keep growing)."""
    return quarters[0].start, quarters[-1].end + timedelta(days=3650)


@bp.get("/zglosiliscie-zrobilismy")
def you_said_we_did():
    lang = get_locale().language
    quarters = completed_quarters()
    page = app_cache().get_or_build(("public_actions", lang, quarters[-1].label),
                                    _window(quarters), build_page, max_age())
    response = make_response(render_template("actions/public.html", page=page, lang=lang))
    response.cache_control.public = True
    response.cache_control.max_age = PUBLIC_MAX_AGE
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response
