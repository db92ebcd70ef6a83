"""Satisfaction indicators for ISO 9001 §9.1.2: pure functions over counts, and one database-facing module.

Public functions (names are stable; dashboards and reports build on them):

- ``analytics.periods``: ``Period`` (``label``, ``kind``, ``start``/``end`` aware UTC, ``previous()``,
  ``months()``, ``as_dict()``), ``parse_period(text, tz_name)`` raising ``PeriodError``,
  ``custom_period(first_day, last_day, tz_name)``, ``period_containing(moment, kind, tz_name)``,
  ``current_period(kind, tz_name)``, ``last_periods(kind, k, tz_name)``, ``last_quarters(k, tz_name)``,
  ``last_months(k, tz_name)``.
- ``analytics.indicators`` (pure): ``wilson_interval``, ``two_proportion_z_test``, ``rating_5_indicators``,
  ``nps_indicators``, ``yes_no_indicators``, ``single_choice_indicators``, ``question_indicators``,
  ``question_change``, ``with_changes``, ``questions_from_counts``, ``grouped_questions``,
  ``questions_from_distributions``, ``indicator_value``.
- ``analytics.tally`` (pure): ``tally(layout, answer_rows, response_rows, question_codes, periods)`` sums count
  rows into ``GroupCounts`` per period (``OFFICE``, ``department(code)``, ``service_point(code)``, ``month(start)``).
- ``analytics.objectives`` (pure): ``ObjectiveSpec``, ``objective_status``, ``evaluate_objective``.
- ``analytics.spc`` (pure): Laney p′ charts — ``laney_limits(counts, n, baseline=slice)`` → ``Limits``
  (``center``, ``sigma_z``, ``trial``, ``at(n, sigmas)``), ``rebase_from(starts, dates)``, ``mark_points``,
  ``spc_chart(frame, rebase_dates=)``, ``latest_run``, ``choose_grain``, ``assurance``.
- ``analytics.bursts`` (pure): ``low_rating_bursts``, ``suspicious_bursts``, ``usual_rate_per_hour``.
- ``analytics.service`` (needs an app context): ``compute_indicators(period, department_code=None,
  service_point_code=None) -> dict`` (the JSON of the CLI and the API), ``indicators_by_month(period, ...)``
  (one entry per month, for CSAT-by-month charts with intervals), ``weekday_hour_counts(period, scope=None)``
  (``weekday_hour_cells(rows, tz_name)``: the same from ``(moment, count)`` rows),
  ``comments_page(period=None, department_code=None, service_point_code=None, text=, ratings=, page=,
  per_page=)``, ``resolve_scope(department_code, service_point_code)`` raising ``ScopeError``.
- ``analytics.queries``: the only module issuing SQL (``answer_counts``, ``response_counts``,
  ``responses_by_utc_hour``, ``comments`` ...).
"""
