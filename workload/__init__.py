"""Bounded work per request: what a logged-in user can ask the web server for is limited so that no request
keeps a worker busy for long and a burst of them leaves the public survey answering.

- ``periods``: custom ranges on the web and the API are at most ``OPINIA_MAX_PERIOD_DAYS`` (366) days long;
  the command line (``flask report``, ``flask export``, ``flask indicators``) may ask for more;
- ``downloads``: a data export (CSV/XLSX) of more responses than a worker handles in a few seconds is refused
  with a pointer to the ``export`` command;
- ``slots``: at most ``OPINIA_HEAVY_REQUESTS`` report or export downloads run at once on a host (file locks,
  so all worker processes and threads count together); the others get a 503 "try again in a minute".
"""
