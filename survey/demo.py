"""Demo data: a county office's departments and counters, the demo survey and realistic answers.

Every generated response carries ``external_id = "demo-<n>"``, so seeding twice adds nothing twice.
Rows are written with bulk INSERTs (no ORM objects per row) to keep a million responses quick.
"""
from __future__ import annotations

import random
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from itertools import accumulate
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from config import DATA_DIR
from extensions import db
from survey.definitions import import_definition, load_definition_file
from survey.models import Answer, Department, Response, ServicePoint, SurveyVersion

DEMO_SURVEY_FILE = DATA_DIR / "demo_survey.yaml"
BATCH_SIZE = 5000

DEPARTMENTS = {
    "KM": ("Wydział Komunikacji", [
        ("KM-1", "Stanowisko 1 – rejestracja pojazdów", "parter, sala A"),
        ("KM-2", "Stanowisko 2 – rejestracja pojazdów", "parter, sala A"),
        ("KM-3", "Stanowisko 3 – prawa jazdy", "parter, sala A"),
        ("KM-4", "Stanowisko 4 – kasa i odbiór dokumentów", "parter, sala A"),
    ]),
    "AB": ("Wydział Architektury i Budownictwa", [
        ("AB-1", "Stanowisko 1 – pozwolenia na budowę", "I piętro, pokój 104"),
        ("AB-2", "Stanowisko 2 – zgłoszenia robót", "I piętro, pokój 105"),
    ]),
    "GK": ("Wydział Geodezji, Kartografii i Katastru", [
        ("GK-1", "Stanowisko 1 – wypisy i wyrysy", "II piętro, pokój 201"),
        ("GK-2", "Stanowisko 2 – mapy do celów projektowych", "II piętro, pokój 203"),
    ]),
    "OS": ("Wydział Ochrony Środowiska i Rolnictwa", [
        ("OS-1", "Stanowisko 1 – karty wędkarskie i rejestracja zwierząt", "II piętro, pokój 210"),
    ]),
    "KO": ("Kancelaria Ogólna", [
        ("KO-1", "Punkt podawczy", "parter, hol główny"),
    ]),
}

# How well each counter does: mean satisfaction shift; a couple are visibly worse.
COUNTER_QUALITY = {"KM-3": -0.6, "KM-4": -0.3, "AB-2": -0.4, "GK-1": 0.3, "KO-1": 0.4}
# The story the control charts find: over the last weeks one counter gets worse and one gets better
# (change of the mean rating, weeks before the seeding).
STORY = {"KM-2": (-1.6, 9), "AB-2": (1.2, 11)}
# How busy each counter is, relative to the others: vehicle registration and driving licences serve the most
# residents of a county office (and give the story's counter answers enough a month to show it on any day).
TRAFFIC = {"KM-1": 2, "KM-2": 2, "KM-3": 2, "KM-4": 2}
# Fifteen months of answers: the monthly control charts' baseline (their first 12 points) ends before the story.
HISTORY_DAYS = 457
# What `seed-demo` and `make run` seed: with 2,000 the story's concern was missed at 2 of 120 seeding moments.
DEMO_RESPONSES = 3000

GOOD_COMMENTS = [
    "Bardzo miła i kompetentna obsługa, dziękuję!",
    "Szybko i sprawnie, wszystko wyjaśnione.",
    "Pani przy okienku pomogła wypełnić wniosek.",
    "Wreszcie bez kolejki, brawo.",
    "Profesjonalnie i uprzejmie.",
]
BAD_COMMENTS = [
    "Za długo czekałem w kolejce, tylko jedno okienko czynne.",
    "Brak informacji, który numerek jest wywoływany.",
    "Trzeba było przyjść drugi raz po jeden podpis.",
    "Nieczynny terminal płatniczy, musiałam iść do banku.",
    "Mało miejsc siedzących w poczekalni.",
    "Niejasne formularze, przydałby się wzór wypełnienia.",
]


@dataclass(frozen=True)
class DemoAnswerPlan:
    """Question ids of the demo survey version, looked up once."""

    version_id: int
    question_ids: dict[str, int]


def ensure_office_structure() -> dict[str, ServicePoint]:
    """Create the demo departments and counters that are missing; return counters by code."""
    counters: dict[str, ServicePoint] = {}
    for dept_code, (dept_name, points) in DEPARTMENTS.items():
        department = db.session.scalar(sa.select(Department).where(Department.code == dept_code))
        if department is None:
            department = Department(code=dept_code, name=dept_name)
            db.session.add(department)
        for code, name, location in points:
            point = db.session.scalar(sa.select(ServicePoint).where(ServicePoint.code == code))
            if point is None:
                point = ServicePoint(code=code, name=name, location_note=location, department=department)
                db.session.add(point)
            counters[code] = point
    db.session.flush()
    return counters


def ensure_demo_survey() -> SurveyVersion:
    version, _created, _warnings = import_definition(load_definition_file(DEMO_SURVEY_FILE))
    return version


def _office_hours_time(rng: random.Random, day: datetime, tz: ZoneInfo) -> datetime:
    """A moment during office hours (7:30–15:30 local, busier in the morning), returned in UTC."""
    minutes = int(min(max(rng.gauss(180, 120), 0), 479))
    local = datetime.combine(day.date(), time(7, 30), tzinfo=tz) + timedelta(minutes=minutes)
    return local.astimezone(timezone.utc)


def _random_workday(rng: random.Random, now: datetime, tz: ZoneInfo) -> datetime:
    while True:
        day = (now - timedelta(days=rng.uniform(0, HISTORY_DAYS))).astimezone(tz)
        if day.weekday() < 5:
            return day


def story_shift(counter_code: str, submitted_at: datetime, now: datetime) -> float:
    """How much better or worse the counter's ratings are at ``submitted_at`` in the demo's story."""
    shift, weeks = STORY.get(counter_code, (0.0, 0))
    return shift if submitted_at >= now - timedelta(weeks=weeks) else 0.0


def _past_office_hours_time(rng: random.Random, now: datetime, tz: ZoneInfo) -> datetime:
    """A moment of office hours on a workday of the last ``HISTORY_DAYS``, never later than ``now`` (today's
    office hours may still be ahead)."""
    while True:
        moment = _office_hours_time(rng, _random_workday(rng, now, tz), tz)
        if moment <= now:
            return moment


def generate_response(rng: random.Random, counter_code: str, shift: float = 0.0) -> dict[str, int | str]:
    """One resident's plausible answers; better counters get better answers."""
    quality = COUNTER_QUALITY.get(counter_code, 0.0) + shift
    satisfaction = int(min(5, max(1, round(rng.gauss(4.1 + quality, 1.0)))))
    answers: dict[str, int | str] = {"satisfaction": satisfaction}
    if rng.random() < 0.9:
        answers["recommend"] = int(min(10, max(0, round(rng.gauss(satisfaction * 2 - 0.5, 1.5)))))
    if rng.random() < 0.95:
        answers["settled"] = 1 if rng.random() < (0.55 + 0.09 * satisfaction) else 0
    if rng.random() < 0.9:
        waits = ["lt5", "5to15", "15to30", "gt30"]
        weights = [max(0.05, 0.25 + 0.1 * (satisfaction - 3)), 0.35, 0.2, max(0.05, 0.2 - 0.08 * (satisfaction - 3))]
        answers["waiting_time"] = rng.choices(waits, weights)[0]
    if rng.random() < 0.15:
        answers["comment"] = rng.choice(GOOD_COMMENTS if satisfaction >= 4 else BAD_COMMENTS)
    return answers


def _demo_rows(
    plan: DemoAnswerPlan, counters: list[ServicePoint], start: int, count: int, first_id: int, tz: ZoneInfo,
    now: datetime,
) -> Iterator[tuple[dict, list[dict]]]:
    rng = random.Random(20261125 + start)
    cum_weights = list(accumulate(TRAFFIC.get(counter.code, 1) for counter in counters))
    for offset in range(count):
        counter = rng.choices(counters, cum_weights=cum_weights)[0]
        response_id = first_id + offset
        submitted_at = _past_office_hours_time(rng, now, tz)
        response = {
            "id": response_id,
            "service_point_id": counter.id,
            "survey_version_id": plan.version_id,
            "submitted_at": submitted_at,
            "language": "en" if rng.random() < 0.03 else "pl",
            "channel": "kiosk" if rng.random() < 0.1 else "web",
            "external_id": f"demo-{start + offset}",
        }
        answers = [
            {
                "response_id": response_id,
                "question_id": plan.question_ids[code],
                "value_int": value if isinstance(value, int) else None,
                "value_text": value if isinstance(value, str) else None,
            }
            for code, value in generate_response(rng, counter.code, story_shift(counter.code, submitted_at, now)).items()
        ]
        yield response, answers


def seed_demo(responses: int, tz_name: str, progress: Callable[[int], None] = lambda n: None,
              now: datetime | None = None) -> int:
    """Ensure the demo office exists and holds ``responses`` demo responses of the ``HISTORY_DAYS`` before
    ``now`` (default: this moment). Returns how many were added."""
    counters = ensure_office_structure()
    version = ensure_demo_survey()
    for counter in counters.values():
        if counter.survey_id is None:
            counter.survey_id = version.survey_id
    db.session.commit()

    demo = Response.external_id.like("demo-%")
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(demo))
    # New demo keys continue after the highest one, so deleted demo rows never cause a key clash.
    highest_key = db.session.scalar(
        sa.select(sa.func.max(sa.cast(sa.func.substr(Response.external_id, 6), sa.Integer))).where(demo)
    )
    next_key = 0 if highest_key is None else highest_key + 1
    missing = max(0, responses - existing)
    if not missing:
        return 0
    plan = DemoAnswerPlan(version.id, {q.code: q.id for q in version.questions})
    first_id = (db.session.scalar(sa.select(sa.func.max(Response.id))) or 0) + 1
    response_batch: list[dict] = []
    answer_batch: list[dict] = []
    rows = _demo_rows(plan, list(counters.values()), next_key, missing, first_id, ZoneInfo(tz_name),
                      now or datetime.now(timezone.utc))
    for response, answers in rows:
        response_batch.append(response)
        answer_batch.extend(answers)
        if len(response_batch) >= BATCH_SIZE:
            _insert_batch(response_batch, answer_batch)
            progress(len(response_batch))
            response_batch, answer_batch = [], []
    if response_batch:
        _insert_batch(response_batch, answer_batch)
        progress(len(response_batch))
    _reset_postgres_sequences()
    return missing


def _insert_batch(responses: list[dict], answers: list[dict]) -> None:
    db.session.execute(sa.insert(Response), responses)
    db.session.execute(sa.insert(Answer), answers)
    db.session.commit()


def _reset_postgres_sequences() -> None:
    """Responses were inserted with explicit ids; move PostgreSQL's sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(
        sa.text("SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT MAX(id) FROM responses))")
    )
    db.session.commit()


DEMO_STAFF = (
    ("admin@opinia.local", "admin", ()),
    ("jakosc@opinia.local", "quality_manager", ()),
    ("kierownik.km@opinia.local", "department_head", ("KM",)),
)


def create_demo_staff() -> list[tuple[str, str, str]]:
    """Demo staff accounts with fresh random passwords, only while no staff account exists at all.

    Returns ``(email, role, password)`` for each created account so the caller can show the passwords once.
    """
    from survey.accounts import create_user
    from survey.models import User

    if db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        return []
    created = []
    for email, role, departments in DEMO_STAFF:
        password = secrets.token_urlsafe(12)
        create_user(email, role, password, departments)
        created.append((email, role, password))
    return created
