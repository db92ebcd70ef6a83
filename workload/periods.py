"""The longest period the web pages and the API compute: a year (366 days covers a leap year)."""
from __future__ import annotations

from flask import current_app

from analytics.periods import Period, PeriodError


class PeriodTooLong(PeriodError):
    """A period longer than the web allows; ``days`` and ``limit`` say by how much."""

    def __init__(self, days: int, limit: int):
        super().__init__(
            f"the period may be at most {limit} days long (this one has {days}); "
            "longer periods are available from the command line (flask report / export / indicators)"
        )
        self.days = days
        self.limit = limit


def longest_web_period_days() -> int:
    return int(current_app.config["OPINIA_MAX_PERIOD_DAYS"])


def refuse_long_period(period: Period) -> Period:
    """``period`` itself, or ``PeriodTooLong`` when it is longer than the web and the API compute."""
    limit = longest_web_period_days()
    if period.days > limit:
        raise PeriodTooLong(period.days, limit)
    return period


def too_long_message(error: PeriodTooLong) -> str:
    """The refusal in the page's language."""
    from flask_babel import gettext as _

    return _(
        "Okres może mieć najwyżej %(limit)d dni (wybrany ma %(days)d). Dłuższe zestawienia przygotujesz "
        "w wierszu poleceń: flask report, flask export, flask indicators.",
        limit=error.limit,
        days=error.days,
    )
