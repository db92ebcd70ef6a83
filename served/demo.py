"""Demo queue data: plausible tickets per counter and opening hour over the demo answers' history
(``survey.demo.HISTORY_DAYS``), so every period with answers has its customers served.

More customers on Mondays and in the mornings, the most at vehicle registration (KM-1, KM-2), whose waits are
the longest; an hour whose residents rated the counter worse gets a longer wait (so CSAT falls as waits
grow, as offices observe). Stored as one import named ``demo``, replacing the same hours when run again.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from analytics.served import opening_slots
from extensions import db
from served import queries
from served.models import ServedImport
from served.services import opening_hours
from survey.demo import HISTORY_DAYS

SEED = 20261126
# Customers per hour on an average day, and the usual wait in minutes, per counter.
COUNTER_LOAD = {"KM-1": (14, 16), "KM-2": (13, 14), "KM-3": (9, 11), "KM-4": (11, 6), "AB-1": (3, 9), "AB-2": (3, 8),
                "GK-1": (4, 7), "GK-2": (3, 9), "OS-1": (2, 4), "KO-1": (10, 3)}
DEFAULT_LOAD = (4, 6)
WEEKDAY_FACTOR = np.array([1.45, 1.05, 1.1, 0.95, 0.7, 0.3, 0.3])
SERVICE_MINUTES = 6.0


def _hour_factor(local_hours: np.ndarray) -> np.ndarray:
    """A morning peak around 9 o'clock and a quieter afternoon."""
    return 0.55 + 0.9 * np.exp(-((local_hours - 9.0) ** 2) / 4.5)


def demo_hours(counters: dict[str, int], ratings: pd.DataFrame, tz_name: str, now: datetime) -> dict:
    """``{(counter id, UTC hour): figures}`` for every opening hour of the demo's history (pure but for the clock)."""
    rng = np.random.default_rng(SEED)
    end = pd.Timestamp(now).floor("h")
    slots = opening_slots(end - pd.Timedelta(days=HISTORY_DAYS), end, tz_name, opening_hours())
    local = slots.tz_convert(tz_name)
    busy = WEEKDAY_FACTOR[local.weekday] * _hour_factor(np.asarray(local.hour, dtype=float))
    mean_rating = ratings.set_index(["service_point_id", "hour"])["mean_rating"] if len(ratings) else pd.Series(dtype=float)
    hours: dict = {}
    for code, counter in counters.items():
        per_hour, usual_wait = COUNTER_LOAD.get(code, DEFAULT_LOAD)
        served = rng.poisson(per_hour * busy)
        rated = mean_rating.get(counter, pd.Series(dtype=float)).reindex(slots).to_numpy(dtype=float)
        mood = np.exp(0.35 * (4.0 - np.nan_to_num(rated, nan=4.0)))
        wait = usual_wait * (0.6 + 0.5 * busy) * mood * rng.lognormal(0, 0.25, len(slots))
        walked = rng.binomial(np.maximum(served, 0), np.clip(wait / 400, 0, 0.3))
        service = SERVICE_MINUTES * rng.lognormal(0, 0.2, len(slots))
        for hour, s, w, a, t in zip(slots.to_pydatetime(), served, wait, walked, service):
            hours[(counter, hour)] = {"served": int(s), "walked_away": int(a),
                                      "average_wait_minutes": round(float(w), 1) if s else None,
                                      "average_service_minutes": round(float(t), 1) if s else None}
    return hours


def seed_served_demo(tz_name: str, now: datetime | None = None) -> int:
    """Store the demo office's queue data; returns how many counter-hours were written."""
    now = now or datetime.now(timezone.utc)
    counters = queries.counter_ids_by_code()
    ratings = queries.mean_rating_by_hour(now - timedelta(days=HISTORY_DAYS + 1), now)
    hours = demo_hours(counters, ratings, tz_name, now)
    batch = ServedImport(file_name="demo", format="hourly", hours=len(hours),
                         served=sum(f["served"] for f in hours.values()),
                         first_hour=min((h for _c, h in hours), default=None), last_hour=max((h for _c, h in hours), default=None))
    db.session.add(batch)
    db.session.flush()
    queries.replace_hours(batch.id, hours)
    db.session.commit()
    return len(hours)
