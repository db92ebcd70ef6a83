"""The demo's story (KM-2 gets worse over the last weeks) is found whenever the demo is seeded: the demo's
answers are drawn relative to the moment of seeding, and a dashboard without the story's concern would show a
new user nothing to steer by. The moments are ones at which the story was once missed: the year of answers put the
bad weeks into the monthly chart's baseline (its first 12 months), or the running month's few answers ended
the concern (``analytics.spc.judged_length``), or KM-2 had too few answers a month to fall beyond the
limits again (``survey.demo.TRAFFIC``)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from signals.services import compute_office_state
from survey.demo import seed_demo


@pytest.mark.parametrize("moment", ["2026-11-26T22:25:00", "2026-11-09T12:19:00", "2026-10-05T04:49:00",
                                    "2026-11-27T01:25:00", "2026-11-03T02:19:00"])
def test_the_demo_s_falling_counter_is_a_concern_whenever_the_demo_is_seeded(app, db, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=timezone.utc)
    seed_demo(3000, app.config["OPINIA_TIMEZONE"], now=now)
    with app.test_request_context():
        state = compute_office_state(now=now)
    concerns = {finding.scope_code for finding in state.findings if finding.kind == "concern"}
    assert "KM-2" in concerns
