"""The quarterly management-review report (ISO 9001 §9.3): what it says, as plain data, in Polish.

Every number is taken from ``compute_indicators`` for the same period and scope (the trend from
``report_data.quarterly_series``, built from the same counts and pure functions), so the report always agrees
with the ``indicators`` command, the API and the dashboards. This module only chooses and words the content;
``report.render`` draws it as HTML or PDF.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from babel.dates import format_date, format_datetime
from flask import current_app

from analytics import report_data
from analytics.indicators import SIGNIFICANCE_LEVEL
from analytics.objectives import INSUFFICIENT_DATA, MET, NOT_MET
from analytics.periods import Period
from analytics.report_words import (
    COMPARATOR_PL,
    COMPARATOR_SYMBOL,
    DASH,
    INDICATOR_PL,
    LOCALE,
    SCOPE_PL,
    STATUS_PL,
    counted,
    decimal,
    indicator_value_text,
    integer,
    interval,
    p_value_text,
    pct,
    period_text,
    plural,
    points,
    responses_text,
    signed,
)
from analytics.service import as_period, compute_indicators, resolve_scope

TOP_COMMENTS_PER_DEPARTMENT = 10
# Appendix A: per department and rating this many of the most frequent comments (``OPINIA_REPORT_COMMENTS_PER_RATING``).
DEFAULT_COMMENTS_PER_RATING = 3
TOP_THEMES = 6
QUOTES_PER_THEME = 2
DEFAULT_MIN_SAMPLE = 30


# ---- the report's content ----------------------------------------------------------------------------

def first_of_kind(questions: list[dict], kind: str) -> dict | None:
    return next((q for q in questions if q["kind"] == kind), None)


@dataclass
class Headline:
    """The main figures of one scope: CSAT (first rating question), NPS and the first yes/no question."""

    responses: int
    rating: dict | None
    nps: dict | None
    yes_no: dict | None

    @classmethod
    def of(cls, responses: int, questions: list[dict]) -> Headline:
        return cls(responses, first_of_kind(questions, "rating_5"), first_of_kind(questions, "nps"),
                   first_of_kind(questions, "yes_no"))


@dataclass
class DepartmentSection:
    code: str
    name: str
    headline: Headline
    questions: list[dict]
    counters: list[dict]
    trend: list[dict]
    csat_target: float | None
    objectives: list[dict]
    comments: list[dict]
    comments_total: int
    comment_groups: list[CommentGroup] = field(default_factory=list)


@dataclass
class CommentGroup:
    """Appendix A: one department's comments with one rating (``None``: without a rating) — the most frequent
    ``rows`` of ``total`` comments, and how many of them are not shown."""

    rating: int | None
    total: int
    rows: list[dict]

    @property
    def more(self) -> int:
        return self.total - sum(row["count"] for row in self.rows)


def comment_groups(rows: list[dict], per_rating: int) -> list[CommentGroup]:
    """One department's rows of ``report_data.grouped_comments`` as appendix A's groups, in the report's order."""
    groups: list[CommentGroup] = []
    for row in rows:
        if not groups or groups[-1].rating != row["rating"]:
            groups.append(CommentGroup(row["rating"], row["rating_total"], []))
        if row["rank_in_rating"] <= per_rating:
            groups[-1].rows.append(row)
    return groups


@dataclass
class ManagementReport:
    office_name: str
    period: Period
    scope: dict
    generated_at: datetime
    indicators: dict
    headline: Headline
    summary: list[str]
    objectives: list[dict]
    office_trend: list[dict]
    office_csat_target: float | None
    departments: list[DepartmentSection]
    comments_per_rating: int
    channels: dict[str, int]
    question_texts: dict[str, dict]
    min_samples: list[int] = field(default_factory=list)
    themes: dict = field(default_factory=dict)  # "Co piszą mieszkańcy": see ``themes_section``
    # Improvement actions and conclusions (``actions.review.ImprovementSection``), added by report.services.
    improvement: Any = None

    @property
    def has_data(self) -> bool:
        return self.indicators["responses"] > 0

    @property
    def title(self) -> str:
        scope = "" if self.scope["kind"] == "office" else f" – {self.scope['name']}"
        return f"Przegląd zarządzania: zadowolenie klientów {self.period.label}{scope}"

    @property
    def generated_text(self) -> str:
        return format_datetime(self.generated_at, "d MMMM y, HH:mm", locale=LOCALE)

    @property
    def period_text(self) -> str:
        return period_text(self.period)

    @property
    def department_names(self) -> dict[str, str]:
        return {d["code"]: d["name"] for d in self.indicators["by_department"]}

    @property
    def running(self) -> bool:
        return bool(self.indicators["period_info"].get("running"))

    @property
    def previous_label(self) -> str:
        """What changes are compared with, after "z" (instrumental): "okresem 2026-Q2" or, for a period
        that has not ended, "pierwszymi 57 dniami okresu 2026-Q3 (1 lipca 2026 – 26 sierpnia 2026)"."""
        return comparison_text(self.indicators["previous_period"])


def objective_reason(objective: dict) -> str:
    """Why an objective has its status, in words (the reason matters most for ``insufficient_data``)."""
    target = indicator_value_text(objective["indicator"], objective["target"])
    value = indicator_value_text(objective["indicator"], objective["value"])
    if objective["status"] == INSUFFICIENT_DATA:
        if objective["n"] == 0:
            return "brak odpowiedzi w tym okresie"
        return (f"za mała próba: n = {integer(objective['n'])}, wymagane co najmniej "
                f"{responses_text(objective['min_sample'])}")
    relation = "spełnia" if objective["status"] == MET else "nie spełnia"
    return f"wartość {value} {relation} warunku „{COMPARATOR_PL[objective['comparator']]} {target}”"


def describe_objectives(objectives: list[dict], scope_names: dict[tuple[str, str | None], str]) -> list[dict]:
    return [
        {
            **objective,
            "indicator_text": INDICATOR_PL.get(objective["indicator"], objective["indicator"]),
            "scope_text": scope_names.get((objective["scope"], objective["scope_code"]), SCOPE_PL[objective["scope"]]),
            "target_text": f"{COMPARATOR_SYMBOL[objective['comparator']]} {indicator_value_text(objective['indicator'], objective['target'])}",
            "value_text": indicator_value_text(objective["indicator"], objective["value"]),
            "status_text": STATUS_PL[objective["status"]],
            "reason": objective_reason(objective),
        }
        for objective in objectives
    ]


def comparison_text(previous: dict) -> str:
    """The comparison period after "z" (instrumental case)."""
    if previous.get("same_days_of"):
        days = previous["days"]
        first = "pierwszym" if days == 1 else "pierwszymi"
        return (f"{first} {counted(days, 'dniem', 'dniami', 'dniami')} okresu {previous['same_days_of']} "
                f"({period_text_of(previous)})")
    return f"okresem {previous['label']}"


def period_text_of(info: dict) -> str:
    first, last = date.fromisoformat(info["from"]), date.fromisoformat(info["to"])
    return f"{format_date(first, 'd MMMM y', locale=LOCALE)} – {format_date(last, 'd MMMM y', locale=LOCALE)}"


def _csat_change_sentence(rating: dict, previous_label: str) -> str:
    change = rating["change"]["csat"]
    if change["previous"] is None:
        return f"W porównaniu z {previous_label} nie ma z czym porównać wyniku: nie było wtedy ocen."
    direction = "wzrósł" if change["difference"] > 0 else "spadł" if change["difference"] < 0 else "nie zmienił się"
    amount = "" if change["difference"] == 0 else f" o {points(change['difference']).lstrip('+−')}"
    verdict = (
        f"zmiana jest istotna statystycznie ({p_value_text(change['p_value'])}, test z dla dwóch proporcji, "
        f"poziom istotności {pct(SIGNIFICANCE_LEVEL, 0)})"
        if change["significant"]
        else f"zmiana nie jest istotna statystycznie ({p_value_text(change['p_value'])}) i może wynikać z przypadku"
    )
    return f"W porównaniu z {previous_label} (CSAT {pct(change['previous'])}) CSAT {direction}{amount}; {verdict}."


def _previous_words(previous: dict) -> str:
    """"w poprzednim okresie (2026-Q2)" or "w tych samych 57 dniach okresu 2026-Q3"."""
    if previous.get("same_days_of"):
        days = previous["days"]
        return f"w {'tym samym' if days == 1 else 'tych samych'} {counted(days, 'dniu', 'dniach', 'dniach')} okresu {previous['same_days_of']}"
    return f"w poprzednim okresie ({previous['label']})"


def summary_sentences(indicators: dict, headline: Headline, objectives: list[dict], scope_name: str,
                      question_texts: dict[str, dict]) -> list[str]:
    """The summary in plain sentences; says so plainly when the period has no answers."""
    label = indicators["period"]
    previous = indicators["previous_period"]
    if headline.responses == 0:
        return [
            f"W okresie {label} nie zebrano żadnej odpowiedzi ({scope_name}). Brak danych: wskaźników zadowolenia "
            f"nie da się obliczyć, a celów jakości nie można ocenić.",
            f"Dla porównania – {_previous_words(previous)} zebrano {responses_text(previous['responses'])}.",
        ]
    running = " (okres jeszcze trwa)" if indicators["period_info"].get("running") else ""
    sentences = [
        f"W okresie {label}{running} mieszkańcy wypełnili {counted(headline.responses, 'ankietę', 'ankiety', 'ankiet')} "
        f"({scope_name}); {_previous_words(previous)} – {integer(previous['responses'])}."
    ]
    rating = headline.rating
    if rating and rating["n"]:
        question = question_texts.get(rating["code"], {}).get("text", rating["code"])
        sentences.append(
            f"Zadowolonych z obsługi (ocena 4 lub 5 w pytaniu „{question}”) było {pct(rating['csat'])} "
            f"odpowiadających (CSAT, n = {integer(rating['n'])}; 95% przedział ufności {interval(rating['csat_ci_low'], rating['csat_ci_high'])}). "
            f"Średnia ocena wyniosła {decimal(rating['mean'])} w skali 1–5."
        )
        sentences.append(_csat_change_sentence(rating, comparison_text(previous)))
        if rating["n"] < DEFAULT_MIN_SAMPLE:
            sentences.append(f"Próba jest mniejsza niż {DEFAULT_MIN_SAMPLE} ocen – wyniki należy traktować ostrożnie.")
    if headline.nps and headline.nps["n"]:
        nps = headline.nps
        before = nps["change"]["nps"]["previous"]
        sentences.append(
            f"NPS wyniósł {signed(nps['nps'])} (promotorzy {pct(nps['promoters'])}, krytycy {pct(nps['detractors'])}, "
            f"n = {integer(nps['n'])})" + (f"; w poprzednim okresie {signed(before)}." if before is not None else ".")
        )
    if headline.yes_no and headline.yes_no["n"]:
        yes_no = headline.yes_no
        question = question_texts.get(yes_no["code"], {}).get("text", yes_no["code"])
        sentences.append(f"Na pytanie „{question}” {pct(yes_no['yes_share'])} odpowiadających odpowiedziało „tak” "
                         f"(n = {integer(yes_no['n'])}).")
    if objectives:
        counts = {status: sum(o["status"] == status for o in objectives) for status in STATUS_PL}
        total = len(objectives)
        sentences.append(
            f"Z {integer(total)} {plural(total, 'celu', 'celów', 'celów')} jakości osiągnięto {integer(counts[MET])}, "
            f"nie osiągnięto {integer(counts[NOT_MET])}, a dla {integer(counts[INSUFFICIENT_DATA])} zabrakło danych."
        )
    return sentences


def trimmed_trend(series: list[dict]) -> list[dict]:
    """Drop leading quarters without answers, keeping at least ``MIN_TREND_QUARTERS``."""
    first = next((i for i, entry in enumerate(series) if entry["responses"]), len(series))
    return series[min(first, len(series) - report_data.MIN_TREND_QUARTERS):]


def csat_target(objectives: list[dict], scope: str, code: str | None) -> float | None:
    """The target of the scope's CSAT objective, else the office's."""
    for wanted in ((scope, code), ("office", None)):
        for objective in objectives:
            if objective["indicator"] == "csat" and (objective["scope"], objective["scope_code"]) == wanted:
                return objective["target"]
    return None


def department_sections(indicators: dict, trend: dict, comments: list[dict], objectives: list[dict],
                        per_rating: int = DEFAULT_COMMENTS_PER_RATING) -> list[DepartmentSection]:
    sections = []
    for department in indicators["by_department"]:
        code = department["code"]
        counters = [p for p in indicators["by_service_point"] if p["department"] == code]
        counter_codes = {p["code"] for p in counters}
        own_comments = [c for c in comments if c["department"] == code]
        sections.append(DepartmentSection(
            code=code,
            name=department["name"],
            headline=Headline.of(department["responses"], department["questions"]),
            questions=department["questions"],
            counters=[{**p, "headline": Headline.of(p["responses"], p["questions"])} for p in counters],
            trend=trimmed_trend(trend["departments"].get(code, [])),
            csat_target=csat_target(objectives, "department", code),
            objectives=[o for o in objectives if (o["scope"] == "department" and o["scope_code"] == code)
                        or (o["scope"] == "service_point" and o["scope_code"] in counter_codes)],
            comments=[c for c in own_comments if c["rank_in_department"] <= TOP_COMMENTS_PER_DEPARTMENT],
            comments_total=own_comments[0]["department_total"] if own_comments else 0,
            comment_groups=comment_groups(own_comments, per_rating),
        ))
    return sections


def _scope_names(indicators: dict, office_name: str) -> dict[tuple[str, str | None], str]:
    names: dict[tuple[str, str | None], str] = {("office", None): f"cały urząd ({office_name})"}
    names |= {("department", d["code"]): f"{d['name']} ({d['code']})" for d in indicators["by_department"]}
    names |= {("service_point", p["code"]): f"{p['name']} ({p['code']})" for p in indicators["by_service_point"]}
    return names


Progress = Callable[[str], None]


def build_report(period: Period | str, department_code: str | None = None, progress: Progress = lambda step: None,
                 now: datetime | None = None) -> ManagementReport:
    """Everything the report shows for a period and scope (the office, or one department).

    Raises ``PeriodError`` / ``ScopeError`` (``ValueError``) for an unknown period or department.
    """
    period = as_period(period)
    office_name = current_app.config["OPINIA_OFFICE_NAME"]
    progress("wskaźniki okresu")
    indicators = compute_indicators(period, department_code)
    scope = resolve_scope(department_code)
    progress("trend kwartalny")
    trend = report_data.quarterly_series(report_data.trend_quarters(period), scope)
    progress("komentarze mieszkańców")
    per_rating = max(0, int(current_app.config.get("OPINIA_REPORT_COMMENTS_PER_RATING", DEFAULT_COMMENTS_PER_RATING)))
    comments = report_data.grouped_comments(period, scope, TOP_COMMENTS_PER_DEPARTMENT, per_rating)
    channels = report_data.channel_counts(period, scope)
    texts = report_data.question_texts()
    from comments.services import theme_summary

    themes = themes_section(theme_summary(period, department_code).as_dict())

    objectives = describe_objectives(indicators["objectives"], _scope_names(indicators, office_name))
    headline = Headline.of(indicators["responses"], indicators["questions"])
    scope_name = "cały urząd" if scope.kind == "office" else f"{scope.name}"
    generated_at = (now or datetime.now(timezone.utc)).astimezone(period.tz)
    return ManagementReport(
        office_name=office_name,
        period=period,
        scope=indicators["scope"],
        generated_at=generated_at,
        indicators=indicators,
        headline=headline,
        summary=summary_sentences(indicators, headline, objectives, scope_name, texts),
        objectives=objectives,
        office_trend=trimmed_trend(trend["office"]),
        office_csat_target=csat_target(objectives, "department" if department_code else "office", department_code),
        departments=department_sections(indicators, trend, comments, objectives, per_rating),
        comments_per_rating=per_rating,
        channels=channels,
        question_texts=texts,
        min_samples=sorted({o["min_sample"] for o in objectives} | {DEFAULT_MIN_SAMPLE}),
        themes=themes,
    )


def themes_section(summary: dict) -> dict:
    """The report's "Co piszą mieszkańcy": the most frequent themes with their change and a few quotes
    (lowest ratings first), worded in Polish, from ``comments.services.compute_theme_summary``."""
    rows = []
    for theme in [t for t in summary["themes"] if t["comments"]][:TOP_THEMES]:
        rows.append({
            "name": theme["name"],
            "comments": integer(theme["comments"]),
            "share": pct(theme["share"]),
            "mean": decimal(theme["mean_rating"]),
            "ratio": DASH if theme["low_high_ratio"] is None else decimal(theme["low_high_ratio"], 1) + "×",
            "change": points(theme["change"]),
            "quotes": [{"text": e["text"], "rating": DASH if e["rating"] is None else str(e["rating"])}
                       for e in theme["examples"][:QUOTES_PER_THEME]],
        })
    return {"comments": integer(summary["comments"]), "previous_label": summary["previous_period"], "rows": rows}


def labelled_counts(question: dict, texts: dict) -> list[tuple[str, int]]:
    """How many answers each value of a question got, labelled in Polish (for the data appendix)."""
    if question["kind"] == "yes_no":
        return [("tak", question["yes"]), ("nie", question["no"])]
    counts = question.get("distribution") or question.get("counts") or {}
    labels = texts.get("options", {})
    return [(labels.get(value, value), count) for value, count in counts.items()]
