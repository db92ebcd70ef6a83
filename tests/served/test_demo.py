"""The demo office's queue data: busier on Mondays and mornings, the longest waits at the busiest counter,
and lower CSAT where waits are longer."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa

from analytics.periods import custom_period
from analytics.service import compute_indicators
from served.demo import seed_served_demo
from served.models import ServedHour
from survey.demo import seed_demo
from survey.models import ServicePoint


def test_demo_queue_data_is_plausible(app, db, office):
    seed_demo(1500, "Europe/Warsaw")
    now = datetime.now(timezone.utc)
    assert seed_served_demo("Europe/Warsaw", now) > 20_000
    rows = db.session.execute(sa.select(ServicePoint.code, ServedHour.hour, ServedHour.served, ServedHour.average_wait_minutes)
                              .join(ServicePoint, ServicePoint.id == ServedHour.service_point_id)).all()
    frame = pd.DataFrame(rows, columns=["code", "hour", "served", "wait"])
    local = pd.to_datetime(frame["hour"], utc=True).dt.tz_convert("Europe/Warsaw")
    by_weekday = frame.groupby(local.dt.weekday)["served"].mean()
    assert by_weekday[0] == by_weekday.max() and by_weekday[0] > 1.5 * by_weekday[4]
    by_hour = frame.groupby(local.dt.hour)["served"].mean()
    assert by_hour[9] > 1.5 * by_hour[15]
    totals = frame.groupby("code")["served"].sum()
    waits = (frame["wait"] * frame["served"]).groupby(frame["code"]).sum() / totals
    assert totals.idxmax() == waits.idxmax() == "KM-1"

    today = now.astimezone(pd.Timestamp(now).tz_convert("Europe/Warsaw").tz).date()
    year = custom_period(today.replace(year=today.year - 1), today, "Europe/Warsaw")
    result = compute_indicators(year)
    assert result["served"] > 100_000 and result["coverage"] > 0.95
    assert 0.002 < result["response_rate"] < 0.05
    bands = [b for b in result["queue"]["csat_by_wait_band"] if b["n"] >= 30]
    assert len(bands) >= 3
    assert [b["csat"] for b in bands] == sorted((b["csat"] for b in bands), reverse=True)
    assert seed_served_demo("Europe/Warsaw", now) == db.session.scalar(sa.select(sa.func.count()).select_from(ServedHour))
