"""Quality objectives as staff read and type them: shares in percent (85 %, stored as 0.85), the question by
its text (stored by its code), the condition in words ("co najmniej 85 % w kwartale")."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from admin.display import comparator_symbol, comparator_text
from admin.forms import INDICATOR_LABELS, PERIOD_LABELS
from analytics.objectives import INDICATOR_QUESTION_KINDS, INDICATOR_RANGES, PERCENT_INDICATORS, target_problem
from extensions import db
from survey.models import Question, QualityObjective, Survey, SurveyVersion


@dataclass(frozen=True)
class QuestionChoice:
    code: str
    kind: str
    text_pl: str
    text_en: str

    def text(self) -> str:
        return self.text_en if get_locale().language == "en" and self.text_en else self.text_pl


def measurable_questions() -> list[QuestionChoice]:
    """The questions an objective can be measured on (ratings, NPS, yes/no) in the active surveys' current
    versions, one per code, in survey order."""
    versions = db.session.scalars(
        sa.select(SurveyVersion)
        .join(Survey, Survey.id == SurveyVersion.survey_id)
        .where(Survey.active.is_(True))
        .order_by(Survey.code, SurveyVersion.number.desc())
    )
    newest: dict[int, SurveyVersion] = {}
    for version in versions:
        newest.setdefault(version.survey_id, version)
    choices: dict[str, QuestionChoice] = {}
    kinds = set(INDICATOR_QUESTION_KINDS.values())
    for version in newest.values():
        for q in version.questions:
            if q.kind in kinds and q.code not in choices:
                choices[q.code] = QuestionChoice(q.code, q.kind, q.text_pl, q.text_en)
    return list(choices.values())


def question_text(code: str | None) -> str | None:
    """The newest text of the question with this code (in the page's language), None if none has it."""
    if not code:
        return None
    question = db.session.scalar(sa.select(Question).where(Question.code == code).order_by(Question.id.desc()).limit(1))
    if question is None:
        return None
    return question.text(get_locale().language)


def target_for_input(indicator: str, target: float) -> str:
    """The stored target as staff type it: 0.85 -> "85" for shares, 4.2 -> "4,2" for a mean."""
    value = target * 100 if indicator in PERCENT_INDICATORS else target
    return format_decimal(round(value, 4), "0.##")


def target_from_input(indicator: str, number: float) -> float:
    return number / 100 if indicator in PERCENT_INDICATORS else number


def target_text(indicator: str, target: float) -> str:
    """85 %, 4,20, +30, 500 — as the dashboards show the same indicator."""
    if indicator in PERCENT_INDICATORS:
        return format_decimal(target * 100, "0.#") + " %"
    if indicator == "responses":
        return format_decimal(target, "#,##0")
    return format_decimal(target, "0.0#")


def target_refusal(indicator: str, comparator: str, target: float) -> str | None:
    """A message for a target no period could meet or miss, in the page's language; None when it is sound."""
    problem = target_problem(indicator, comparator, target)
    if problem is None:
        return None
    low, high = INDICATOR_RANGES[indicator]
    if problem == "out_of_range":
        if indicator in PERCENT_INDICATORS:
            return _("Podaj odsetek w procentach, od 0 do 100 (np. 85).")
        if indicator == "mean":
            return _("Średnia ocena jest w skali od 1 do 5 — podaj wartość z tego zakresu (np. 4,2).")
        if indicator == "nps":
            return _("NPS przyjmuje wartości od −100 do 100.")
        return _("Liczba odpowiedzi nie może być ujemna.")
    shown = target_text(indicator, low if comparator in ("<", ">=") else high)
    if problem == "never_met":
        return _("Tego celu nie da się osiągnąć: wskaźnik nigdy nie będzie %(condition)s.",
                 condition=f"{comparator_symbol(comparator)} {shown}")
    return _("Ten cel jest zawsze spełniony (%(condition)s) — wybierz wartość, która coś mierzy.",
             condition=f"{comparator_symbol(comparator)} {shown}")


def question_kind_refusal(indicator: str, question_code: str | None) -> str | None:
    """The chosen question must be of the kind the indicator is measured on."""
    if not question_code:
        return None
    wanted = INDICATOR_QUESTION_KINDS.get(indicator)
    if wanted is None:
        return _("Liczba odpowiedzi nie dotyczy jednego pytania — wybierz „pierwsze pasujące pytanie”.")
    kinds = {c.code: c.kind for c in measurable_questions()}
    if kinds.get(question_code) != wanted:
        return _("To pytanie nie pasuje do wskaźnika: wybierz pytanie z oceną 1–5 (CSAT, średnia), z NPS albo tak/nie.")
    return None


def condition_text(objective: QualityObjective) -> str:
    """The condition in words: "co najmniej 85 %"."""
    return f"{comparator_text(objective.comparator)} {target_text(objective.indicator, objective.target)}"


def indicator_text(objective: QualityObjective) -> str:
    return str(INDICATOR_LABELS.get(objective.indicator, objective.indicator))


def period_text(period_kind: str) -> str:
    return str(PERIOD_LABELS.get(period_kind, period_kind))
