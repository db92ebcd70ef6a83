"""The dashboards' number filters give exactly what Flask-Babel's own formatting gives, in both languages."""
from __future__ import annotations

import flask_babel
import numpy as np
import pytest

from dashboard import formatting

VALUES = [0, 1, -1, 0.5, 0.6385, -0.0949, 1234567, 12.345, 0.00049, np.float64(0.8125), np.int64(42), 1e-9]
PATTERNS = ["0.0%", "+0.0;−0.0", "0.00", "+0.00;−0.00", "#,##0", "+#,##0;−#,##0", "0.000"]


@pytest.mark.parametrize("language, share", [("pl", "63,9%"), ("en", "63.9%")])
def test_filters_match_flask_babel(app, language, share):
    with app.test_request_context(f"/?lang={language}"):
        assert str(flask_babel.get_locale()) == language
        for pattern in PATTERNS:
            for value in VALUES:
                expected = (flask_babel.format_percent(value, pattern) if "%" in pattern
                            else flask_babel.format_decimal(value, pattern))
                assert formatting.format_decimal(value, pattern) == expected, (language, pattern, value)
        assert formatting.percent(0.6386) == share
        assert formatting.integer(None) == formatting.MISSING
