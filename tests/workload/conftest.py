"""The report tests' small office (40 answers in 2026-Q3) for the bounded-work tests."""
from tests.report.conftest import report_office  # noqa: F401 — a fixture, used by name
