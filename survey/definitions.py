"""Survey definition files (YAML or JSON): parsing, validation and import as a new survey version.

A definition is plain data; ``parse_definition`` turns it into checked dataclasses (or raises
``DefinitionError`` naming every problem), ``import_definition`` stores it, creating a new
``SurveyVersion`` only when the questions or texts actually changed.

Survey files come from people, so they are read defensively: YAML aliases are refused (an "alias bomb"
expands a few lines into gigabytes), files over ``MAX_FILE_BYTES`` are not read, codes must match their
pattern as a whole, texts have the same length limits as the survey editor and no characters that cannot be
stored or exported (``survey.text_safety``), and numbers must be finite and within sane bounds.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml

from extensions import db
from survey.models import (
    COMPARATORS,
    INDICATORS,
    QUESTION_KINDS,
    SCOPES,
    Department,
    QualityObjective,
    Question,
    ServicePoint,
    Survey,
    SurveyVersion,
)
from survey.text_safety import describe_character, first_forbidden_character

CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # always matched whole (re.fullmatch)
DEFAULT_TEXT_MAX_LENGTH = 1000
PERIOD_KINDS = ("month", "quarter", "year")
MAX_FILE_BYTES = 1_000_000
# The survey editor's limits (admin.forms), so a file cannot store what the editor could not show.
MAX_TITLE = 300
MAX_INTRO = 2000
MAX_QUESTION_TEXT = 1000
MAX_OPTION_VALUE = 64
MAX_OPTION_LABEL = 300
MAX_OBJECTIVE_NAME = 200
MAX_MIN_SAMPLE = 100_000
TARGET_RANGES = {"csat": (0, 1), "yes_share": (0, 1), "mean": (1, 5), "nps": (-100, 100), "responses": (0, 10**9)}


class _NoAliasLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing aliases (``*name``): no survey needs them and they can multiply a
    small file into gigabytes (the "billion laughs" attack)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in survey files", event.start_mark
            )
        return super().compose_node(parent, index)


class DefinitionError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class QuestionDef:
    code: str
    kind: str
    text_pl: str
    text_en: str
    required: bool = False
    options: tuple[dict[str, str], ...] = ()
    max_length: int | None = None


@dataclass(frozen=True)
class ObjectiveDef:
    name: str
    indicator: str
    target: float
    scope: str = "office"
    department: str | None = None
    service_point: str | None = None
    question: str | None = None
    comparator: str = ">="
    min_sample: int = 30
    period: str = "quarter"


@dataclass(frozen=True)
class SurveyDef:
    code: str
    title_pl: str
    title_en: str
    intro_pl: str = ""
    intro_en: str = ""
    questions: tuple[QuestionDef, ...] = ()
    objectives: tuple[ObjectiveDef, ...] = field(default=(), compare=False)


def load_definition_file(path: str | Path) -> SurveyDef:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DefinitionError([f"{path} is larger than {MAX_FILE_BYTES // 1_000_000} MB; a survey file is much smaller"])
        raw_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([f"cannot read {path}: {exc}"]) from exc
    try:
        data = json.loads(raw_text) if path.suffix.lower() == ".json" else yaml.load(raw_text, Loader=_NoAliasLoader)
    except (json.JSONDecodeError, RecursionError, yaml.YAMLError) as exc:
        raise DefinitionError([f"{path} is not valid {path.suffix.lstrip('.').upper() or 'YAML'}: {exc}"]) from exc
    return parse_definition(data)


def _matches_code(value: Any) -> bool:
    """A whole-string match: ``re.match`` with ``$`` would let "abc\\n" through."""
    return isinstance(value, str) and CODE_PATTERN.fullmatch(value) is not None


def _text_problems(data: Any, where: str = "") -> list[str]:
    """Every string (keys too) in the loaded data holding a character that cannot be stored, by its place."""
    if isinstance(data, str):
        character = first_forbidden_character(data)
        if character is None:
            return []
        return [f"{where or 'the file'}: contains a control character or another character that cannot be stored "
                f"({describe_character(character)})"]
    if isinstance(data, dict):
        return [p for key, value in data.items()
                for p in _text_problems(key, where) + _text_problems(value, f"{where}.{key}" if where else str(key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in _text_problems(value, f"{where}[{i}]")]
    return []


def _length_problem(texts: tuple[str, str], limit: int, where: str) -> list[str]:
    return [f"{where}: at most {limit} characters (got {max(len(t) for t in texts)})"] if max(map(len, texts)) > limit else []


def _texts(value: Any, where: str, problems: list[str], limit: int) -> tuple[str, str]:
    if isinstance(value, str) and value.strip():
        texts = value, value
    elif isinstance(value, dict) and isinstance(value.get("pl"), str) and value["pl"].strip():
        texts = value["pl"], str(value.get("en") or value["pl"])
    else:
        problems.append(f"{where}: needs a Polish text (a string or {{pl: ..., en: ...}})")
        return "", ""
    problems.extend(_length_problem(texts, limit, where))
    return texts


def _parse_options(where: str, raw_options: Any, problems: list[str]) -> list[dict[str, str]]:
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        problems.append(f"{where}: a single_choice question needs at least two options")
        return []
    options: list[dict[str, str]] = []
    for index, option in enumerate(raw_options):
        place = f"{where}.options[{index}]"
        if not isinstance(option, dict) or not isinstance(option.get("value"), str) or not option.get("pl"):
            problems.append(f"{place}: needs 'value' and 'pl'")
            continue
        value, pl, en = option["value"].strip(), str(option["pl"]), str(option.get("en") or option["pl"])
        if not value or len(value) > MAX_OPTION_VALUE:
            problems.append(f"{place}: value must be 1 to {MAX_OPTION_VALUE} characters (not only spaces)")
            continue
        problems.extend(_length_problem((pl, en), MAX_OPTION_LABEL, place))
        options.append({"value": value, "pl": pl, "en": en})
    if len({o["value"] for o in options}) != len(options):
        problems.append(f"{where}: option values must be unique")
    return options


def _parse_question(index: int, raw: Any, problems: list[str]) -> QuestionDef | None:
    where = f"questions[{index}]"
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a mapping")
        return None
    code, kind = raw.get("code"), raw.get("kind")
    if not _matches_code(code):
        problems.append(f"{where}: code must be lowercase letters, digits, '-' or '_', at most 64 (got {code!r})")
    if kind not in QUESTION_KINDS:
        problems.append(f"{where}: kind must be one of {', '.join(QUESTION_KINDS)} (got {kind!r})")
    text_pl, text_en = _texts(raw.get("text"), f"{where}.text", problems, MAX_QUESTION_TEXT)
    options = _parse_options(where, raw.get("options"), problems) if kind == "single_choice" else []
    max_length = raw.get("max_length", DEFAULT_TEXT_MAX_LENGTH if kind == "text" else None)
    if max_length is not None and (type(max_length) is not int or not 1 <= max_length <= 10000):
        problems.append(f"{where}: max_length must be a whole number between 1 and 10000")
    return QuestionDef(
        code=code if isinstance(code, str) else "",
        kind=kind if isinstance(kind, str) else "",
        text_pl=text_pl,
        text_en=text_en,
        required=bool(raw.get("required", False)),
        options=tuple(options),
        max_length=max_length,
    )


def _is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _target_problem(indicator: Any, target: Any) -> str | None:
    if not _is_number(target):
        return "target must be a finite number"
    low, high = TARGET_RANGES.get(indicator, (-(10**9), 10**9))
    if not low <= target <= high:
        return f"target of {indicator} must be between {low} and {high}"
    return None


def _parse_objective(index: int, raw: Any, problems: list[str]) -> ObjectiveDef | None:
    where = f"objectives[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"].strip():
        problems.append(f"{where}: needs a name")
        return None
    min_sample = raw.get("min_sample", 30)
    question = raw.get("question")
    checks = [
        (len(raw["name"]) <= MAX_OBJECTIVE_NAME, f"name: at most {MAX_OBJECTIVE_NAME} characters"),
        (raw.get("indicator") in INDICATORS, f"indicator must be one of {', '.join(INDICATORS)}"),
        (raw.get("scope", "office") in SCOPES, f"scope must be one of {', '.join(SCOPES)}"),
        (raw.get("comparator", ">=") in COMPARATORS, f"comparator must be one of {' '.join(COMPARATORS)}"),
        (_target_problem(raw.get("indicator"), raw.get("target")) is None,
         _target_problem(raw.get("indicator"), raw.get("target"))),
        (raw.get("period", "quarter") in PERIOD_KINDS, f"period must be one of {', '.join(PERIOD_KINDS)}"),
        (type(min_sample) is int and 1 <= min_sample <= MAX_MIN_SAMPLE,
         f"min_sample must be a whole number from 1 to {MAX_MIN_SAMPLE}"),
        (question is None or _matches_code(question), "question must be a question code"),
        (all(raw.get(k) is None or isinstance(raw.get(k), str) for k in ("department", "service_point")),
         "department and service_point must be codes"),
    ]
    failed = [message for ok, message in checks if not ok]
    problems.extend(f"{where}: {message}" for message in failed)
    if failed:
        return None
    return ObjectiveDef(
        name=str(raw["name"]),
        indicator=raw["indicator"],
        target=float(raw["target"]),
        scope=raw.get("scope", "office"),
        department=raw.get("department"),
        service_point=raw.get("service_point"),
        question=raw.get("question"),
        comparator=raw.get("comparator", ">="),
        min_sample=raw.get("min_sample", 30),
        period=raw.get("period", "quarter"),
    )


def parse_definition(data: Any) -> SurveyDef:
    if not isinstance(data, dict):
        raise DefinitionError(["the definition must be a mapping with code, title and questions"])
    problems: list[str] = _text_problems(data)
    code = data.get("code")
    if not _matches_code(code):
        problems.append(f"code must be lowercase letters, digits, '-' or '_', at most 64 (got {code!r})")
    title_pl, title_en = _texts(data.get("title"), "title", problems, MAX_TITLE)
    intro_pl, intro_en = _texts(data["intro"], "intro", problems, MAX_INTRO) if data.get("intro") else ("", "")
    raw_questions = data.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append("questions: at least one question is needed")
        raw_questions = []
    questions = [q for i, raw in enumerate(raw_questions) if (q := _parse_question(i, raw, problems))]
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes):
        problems.append("questions: codes must be unique within a survey")
    raw_objectives = data.get("objectives") or []
    if not isinstance(raw_objectives, list):
        problems.append("objectives: must be a list")
        raw_objectives = []
    objectives = [o for i, raw in enumerate(raw_objectives) if (o := _parse_objective(i, raw, problems))]
    if problems:
        raise DefinitionError(problems)
    return SurveyDef(
        code=code,
        title_pl=title_pl,
        title_en=title_en,
        intro_pl=intro_pl,
        intro_en=intro_en,
        questions=tuple(questions),
        objectives=tuple(objectives),
    )


def definition_of_version(version: SurveyVersion) -> SurveyDef:
    """The definition a stored version was made from, to tell whether an import changes anything."""
    return SurveyDef(
        code=version.survey.code,
        title_pl=version.title_pl,
        title_en=version.title_en,
        intro_pl=version.intro_pl,
        intro_en=version.intro_en,
        questions=tuple(
            QuestionDef(
                code=q.code,
                kind=q.kind,
                text_pl=q.text_pl,
                text_en=q.text_en,
                required=q.required,
                options=tuple(q.options or ()),
                max_length=q.max_length,
            )
            for q in version.questions
        ),
    )


def save_survey_version(definition: SurveyDef) -> tuple[SurveyVersion, bool]:
    """Store ``definition`` as the survey's newest version unless it equals the current one.

    Returns the current version and whether it was newly created. Does not commit.
    """
    survey = db.session.scalar(sa.select(Survey).where(Survey.code == definition.code))
    if survey is None:
        survey = Survey(code=definition.code)
        db.session.add(survey)
    current = survey.current_version
    if current is not None and definition_of_version(current) == definition:
        return current, False
    version = SurveyVersion(
        survey=survey,
        number=(current.number + 1) if current else 1,
        title_pl=definition.title_pl,
        title_en=definition.title_en,
        intro_pl=definition.intro_pl,
        intro_en=definition.intro_en,
    )
    for position, q in enumerate(definition.questions):
        version.questions.append(
            Question(
                position=position,
                code=q.code,
                kind=q.kind,
                text_pl=q.text_pl,
                text_en=q.text_en,
                required=q.required,
                options=[dict(o) for o in q.options],
                max_length=q.max_length,
            )
        )
    db.session.add(version)
    db.session.flush()
    return version, True


def save_objectives(objectives: tuple[ObjectiveDef, ...]) -> list[str]:
    """Create or update objectives by name. Returns warnings for objectives whose scope is unknown."""
    warnings: list[str] = []
    for obj in objectives:
        department = service_point = None
        if obj.scope == "department":
            department = db.session.scalar(sa.select(Department).where(Department.code == obj.department))
            if department is None:
                warnings.append(f"objective {obj.name!r}: unknown department {obj.department!r}, skipped")
                continue
        if obj.scope == "service_point":
            service_point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == obj.service_point))
            if service_point is None:
                warnings.append(f"objective {obj.name!r}: unknown service point {obj.service_point!r}, skipped")
                continue
        stored = db.session.scalar(sa.select(QualityObjective).where(QualityObjective.name == obj.name))
        if stored is None:
            stored = QualityObjective(name=obj.name)
            db.session.add(stored)
        stored.scope = obj.scope
        stored.department = department
        stored.service_point = service_point
        stored.indicator = obj.indicator
        stored.question_code = obj.question
        stored.comparator = obj.comparator
        stored.target = obj.target
        stored.min_sample = obj.min_sample
        stored.period_kind = obj.period
    return warnings


def import_definition(definition: SurveyDef) -> tuple[SurveyVersion, bool, list[str]]:
    """Import a survey and its objectives in one transaction."""
    version, created = save_survey_version(definition)
    warnings = save_objectives(definition.objectives)
    db.session.commit()
    return version, created, warnings

