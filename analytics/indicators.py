"""Satisfaction indicators as pure functions over answer counts (no database here).

The input everywhere is a distribution: how many answers had each value. Definitions (the contract):

- ``rating_5``: ``mean``; ``distribution`` of 1–5; ``csat`` = share of answers 4 or 5, with its 95 % Wilson
  score interval ``csat_ci_low`` / ``csat_ci_high``.
- ``nps`` (0–10): shares of ``promoters`` (9–10), ``passives`` (7–8), ``detractors`` (0–6) and
  ``nps`` = 100 × (promoters − detractors) / n, from −100 to 100.
- ``yes_no`` (1 = yes, 0 = no): ``yes_share`` with its Wilson interval.
- ``single_choice``: ``counts`` and ``shares`` per option.
- ``text``: only ``n``.

With n = 0 every value is ``None`` (JSON null), never a division error. Changes against a previous period
give the difference; proportions (``csat``, ``yes_share``) also get a two-proportion z-test at 5 %.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from statistics import NormalDist

import pandas as pd

CONFIDENCE = 0.95
SIGNIFICANCE_LEVEL = 0.05
Z_95 = NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)  # 1.959963984540054

RATING_VALUES = range(1, 6)
NPS_VALUES = range(0, 11)
SATISFIED = (4, 5)
PROMOTERS, PASSIVES = (9, 10), (7, 8)

Distribution = Mapping[int | str, int]


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def wilson_interval(successes: int, n: int, z: float = Z_95) -> tuple[float | None, float | None]:
    """The Wilson score interval of a proportion; ``(None, None)`` without observations."""
    if n == 0:
        return None, None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def two_proportion_z_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, float | None]:
    """Pooled two-proportion z-test of x1/n1 against x2/n2; returns ``(z, two-sided p-value)``.

    ``(None, None)`` when a sample is empty; when both samples are all-successes or all-failures the
    proportions are equal and the p-value is 1.
    """
    if n1 == 0 or n2 == 0:
        return None, None
    pooled = (x1 + x2) / (n1 + n2)
    standard_error = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if standard_error == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / standard_error
    return z, 2 * (1 - NormalDist().cdf(abs(z)))


def _counts(distribution: Distribution, values: Iterable[int]) -> dict[int, int]:
    return {value: int(distribution.get(value, 0)) for value in values}


def rating_5_indicators(distribution: Distribution) -> dict:
    counts = _counts(distribution, RATING_VALUES)
    n = sum(counts.values())
    satisfied = sum(counts[v] for v in SATISFIED)
    low, high = wilson_interval(satisfied, n)
    return {
        "n": n,
        "mean": sum(v * c for v, c in counts.items()) / n if n else None,
        "distribution": {str(v): c for v, c in counts.items()},
        "satisfied": satisfied,
        "csat": share(satisfied, n),
        "csat_ci_low": low,
        "csat_ci_high": high,
    }


def nps_indicators(distribution: Distribution) -> dict:
    counts = _counts(distribution, NPS_VALUES)
    n = sum(counts.values())
    promoters = sum(counts[v] for v in PROMOTERS)
    passives = sum(counts[v] for v in PASSIVES)
    detractors = n - promoters - passives
    return {
        "n": n,
        "distribution": {str(v): c for v, c in counts.items()},
        "promoters_count": promoters,
        "passives_count": passives,
        "detractors_count": detractors,
        "promoters": share(promoters, n),
        "passives": share(passives, n),
        "detractors": share(detractors, n),
        "nps": 100 * (promoters - detractors) / n if n else None,
    }


def yes_no_indicators(distribution: Distribution) -> dict:
    yes, no = int(distribution.get(1, 0)), int(distribution.get(0, 0))
    n = yes + no
    low, high = wilson_interval(yes, n)
    return {"n": n, "yes": yes, "no": no, "yes_share": share(yes, n), "yes_share_ci_low": low, "yes_share_ci_high": high}


def single_choice_indicators(distribution: Distribution, options: Iterable[str] = ()) -> dict:
    """Counts and shares per option, in the survey's order; values no longer offered follow at the end."""
    ordered = list(options) + sorted(str(v) for v in distribution if str(v) not in set(options))
    counts = {value: int(distribution.get(value, 0)) for value in ordered}
    n = sum(counts.values())
    return {"n": n, "counts": counts, "shares": {value: share(c, n) for value, c in counts.items()}}


def text_indicators(distribution: Distribution) -> dict:
    return {"n": int(sum(distribution.values()))}


def question_indicators(code: str, kind: str, distribution: Distribution, options: Iterable[str] = ()) -> dict:
    """All indicators of one question, as in the JSON contract (``code``, ``kind``, ``n`` and the kind's fields)."""
    if kind == "rating_5":
        values = rating_5_indicators(distribution)
    elif kind == "nps":
        values = nps_indicators(distribution)
    elif kind == "yes_no":
        values = yes_no_indicators(distribution)
    elif kind == "single_choice":
        values = single_choice_indicators(distribution, options)
    else:
        values = text_indicators(distribution)
    return {"code": code, "kind": kind, **values}


def _difference(current: float | None, previous: float | None) -> float | None:
    return None if current is None or previous is None else current - previous


def _proportion_change(current: dict, previous: dict, successes_key: str, share_key: str) -> dict:
    z, p_value = two_proportion_z_test(current[successes_key], current["n"], previous[successes_key], previous["n"])
    return {
        "previous": previous[share_key],
        "difference": _difference(current[share_key], previous[share_key]),
        "z": z,
        "p_value": p_value,
        "significant": p_value is not None and p_value < SIGNIFICANCE_LEVEL,
    }


def question_change(current: dict, previous: dict | None) -> dict:
    """How a question's indicators moved against the previous period's (``previous`` may be missing)."""
    previous = previous or question_indicators(current["code"], current["kind"], {})
    change: dict = {"previous_n": previous["n"]}
    kind = current["kind"]
    if kind == "rating_5":
        change["mean"] = {"previous": previous["mean"], "difference": _difference(current["mean"], previous["mean"])}
        change["csat"] = _proportion_change(current, previous, "satisfied", "csat")
    elif kind == "nps":
        change["nps"] = {"previous": previous["nps"], "difference": _difference(current["nps"], previous["nps"])}
    elif kind == "yes_no":
        change["yes_share"] = _proportion_change(current, previous, "yes", "yes_share")
    elif kind == "single_choice":
        change["shares"] = {
            value: _difference(current["shares"][value], previous.get("shares", {}).get(value))
            for value in current["shares"]
        }
    return change


def with_changes(current: list[dict], previous: list[dict]) -> list[dict]:
    previous_by_code = {q["code"]: q for q in previous}
    return [{**q, "change": question_change(q, previous_by_code.get(q["code"]))} for q in current]


# ---- over DataFrames ---------------------------------------------------------------------------------

COUNT_COLUMNS = ("code", "kind", "value", "count")


def questions_from_distributions(by_code: Mapping[str, Distribution], questions: list[dict]) -> list[dict]:
    """Indicators of every question in ``questions`` (``code``, ``kind``, ``options``), in order, from the
    distribution of each code's answers (a code without answers gets n = 0 and null values)."""
    return [
        question_indicators(q["code"], q["kind"], by_code.get(q["code"], {}), q.get("options", ()))
        for q in questions
    ]


def questions_from_counts(counts: pd.DataFrame, questions: list[dict]) -> list[dict]:
    """Indicators of every question from a frame of ``code, kind, value, count`` rows.

    ``questions`` lists the questions to report (``code``, ``kind``, ``options``) in order; a question
    without answers still appears, with n = 0 and null values.
    """
    by_code: dict[str, dict] = {}
    if len(counts):
        for (code, value), count in counts.groupby(["code", "value"], sort=False, dropna=False)["count"].sum().items():
            by_code.setdefault(code, {})[value] = int(count)
    return questions_from_distributions(by_code, questions)


def grouped_questions(counts: pd.DataFrame, key: str, questions: list[dict]) -> dict:
    """``questions_from_counts`` for every value of ``key`` (a department, a counter, a month), in one pass."""
    nested: dict = {}
    if len(counts):
        totals = counts.groupby([key, "code", "value"], sort=False, dropna=False)["count"].sum()
        for (group, code, value), count in totals.items():
            nested.setdefault(group, {}).setdefault(code, {})[value] = int(count)
    return {group: questions_from_distributions(by_code, questions) for group, by_code in nested.items()}


def indicator_value(questions: list[dict], responses: int, indicator: str, question_code: str | None) -> tuple[float | None, int]:
    """The value and sample size of one indicator (``csat``, ``mean``, ``nps``, ``yes_share``, ``responses``).

    The question is the one named, or else the first of the kind the indicator belongs to.
    """
    if indicator == "responses":
        return float(responses), responses
    kind = {"csat": "rating_5", "mean": "rating_5", "nps": "nps", "yes_share": "yes_no"}[indicator]
    for q in questions:
        if (question_code is None and q["kind"] == kind) or q["code"] == question_code:
            return q.get(indicator), q["n"]
    return None, 0
