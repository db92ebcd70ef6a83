"""Answering the public survey the way a phone does: open the form, keep its hidden fields, post."""
from __future__ import annotations

import sqlalchemy as sa

from survey.models import Answer, Response
from tests.conftest import csrf_token_from, hidden_value

VALID_ANSWERS = {"satisfaction": "4", "recommend": "9", "settled": "yes", "waiting_time": "5to15", "comment": "Dobrze."}


def open_form(client, counter, path: str = "s") -> dict[str, str]:
    """The hidden fields (CSRF token, one-time submission id) of a freshly opened survey form."""
    page = client.get(f"/{path}/{counter.token}")
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    return {"csrf_token": csrf_token_from(html), "submission_id": hidden_value(html, "submission_id")}


def answer(client, counter, path: str = "s", **answers):
    hidden = open_form(client, counter, path)
    return client.post(f"/{path}/{counter.token}", data={**hidden, **(answers or VALID_ANSWERS)})


def count(db, model=Response) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def incomplete_responses(db) -> int:
    """Responses stored without their required rating: what a half-written submission would leave."""
    from survey.models import Question

    db.session.expire_all()
    required = (
        sa.select(Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.response_id == Response.id, Question.required.is_(True))
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response).where(~sa.exists(required)))
