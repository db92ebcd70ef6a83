"""Quality objectives (ISO 9001 §6.2): is an indicator on target for a period?

``objective_status`` is the one rule: ``insufficient_data`` while the sample is below the objective's
minimum (or there is no value), otherwise ``met`` / ``not_met`` by the comparator. For the ``responses``
indicator the count itself is the measure, so the minimum sample does not apply to it.
"""
from __future__ import annotations

import math
import operator
from dataclasses import dataclass

from analytics.indicators import indicator_value

MET, NOT_MET, INSUFFICIENT_DATA = "met", "not_met", "insufficient_data"
COMPARE = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
# The values an indicator can take; shares are fractions (0.85), shown to staff as percent (85 %).
INDICATOR_RANGES = {
    "csat": (0.0, 1.0),
    "yes_share": (0.0, 1.0),
    "mean": (1.0, 5.0),
    "nps": (-100.0, 100.0),
    "responses": (0.0, float("inf")),
}
PERCENT_INDICATORS = ("csat", "yes_share")
# The question kind each indicator is measured on (``responses`` counts whole responses).
INDICATOR_QUESTION_KINDS = {"csat": "rating_5", "mean": "rating_5", "nps": "nps", "yes_share": "yes_no"}


def target_problem(indicator: str, comparator: str, target: float) -> str | None:
    """Why no value of ``indicator`` could ever meet (or ever miss) the target, or None when it can.

    ``"out_of_range"``: the target lies outside the indicator's values (a share of 85 instead of 0.85);
    ``"never_met"``: e.g. "> 100 %" or "< 0 %"; ``"always_met"``: e.g. "≥ 0 %" or "≤ 5" for a mean.
    """
    low, high = INDICATOR_RANGES[indicator]
    if target != target or not low <= target <= high:
        return "out_of_range"
    if (comparator == ">" and target >= high) or (comparator == "<" and target <= low):
        return "never_met"
    if (comparator == ">=" and target <= low) or (comparator == "<=" and target >= high):
        return "always_met"
    return None


@dataclass(frozen=True)
class ObjectiveSpec:
    """An objective as plain data, whether it came from the database or a survey file."""

    name: str
    indicator: str
    target: float
    comparator: str = ">="
    min_sample: int = 30
    scope: str = "office"
    department_code: str | None = None
    service_point_code: str | None = None
    question_code: str | None = None
    period_kind: str = "quarter"

    @property
    def scope_code(self) -> str | None:
        return {"department": self.department_code, "service_point": self.service_point_code}.get(self.scope)


def finite_target(target: float | None) -> float | None:
    """The target, or None when it is not a finite number (PostgreSQL could store ``NaN`` from a survey file
    before files were checked; JSON has no NaN, and nothing can be judged against it)."""
    return target if target is not None and math.isfinite(target) else None


def objective_status(value: float | None, n: int, comparator: str, target: float, min_sample: int, indicator: str = "") -> str:
    if value is None or finite_target(target) is None or (indicator != "responses" and n < min_sample):
        return INSUFFICIENT_DATA
    return MET if COMPARE[comparator](value, target) else NOT_MET


def evaluate_objective(spec: ObjectiveSpec, questions: list[dict], responses: int) -> dict:
    """The objective's value, sample and status, given the indicators of its scope for the period."""
    value, n = indicator_value(questions, responses, spec.indicator, spec.question_code)
    return {
        "name": spec.name,
        "scope": spec.scope,
        "scope_code": spec.scope_code,
        "indicator": spec.indicator,
        "question": spec.question_code,
        "comparator": spec.comparator,
        "target": finite_target(spec.target),
        "min_sample": spec.min_sample,
        "period_kind": spec.period_kind,
        "value": value,
        "n": n,
        "status": objective_status(value, n, spec.comparator, spec.target, spec.min_sample, spec.indicator),
    }
