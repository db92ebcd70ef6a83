"""The quarterly management-review report and raw-data exports: the CLI commands (``report``, ``export``),
the staff download pages under ``/reports`` and the rendering of the report as HTML and PDF.

What the report says is assembled in ``analytics.report``; the exported data in ``analytics.exports``.
"""
