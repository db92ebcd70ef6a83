"""How long a survey takes to answer, for the hint under its title ("5 pytań, ok. 30 sekund").

A resident decides whether to start from this hint, so it errs on the honest side: typical
seconds per kind of question (reading and tapping; a comment needs typing), rounded to 10 s.
"""
from __future__ import annotations

import math

from survey.models import SurveyVersion

SECONDS_PER_KIND = {"rating_5": 5, "nps": 6, "yes_no": 4, "single_choice": 6, "text": 10}
ROUND_TO_SECONDS = 10


def estimated_answer_seconds(version: SurveyVersion) -> int:
    seconds = sum(SECONDS_PER_KIND.get(question.kind, 10) for question in version.questions)
    return max(ROUND_TO_SECONDS, round(seconds / ROUND_TO_SECONDS) * ROUND_TO_SECONDS)


def estimated_answer_minutes(version: SurveyVersion) -> int:
    return math.ceil(estimated_answer_seconds(version) / 60)
