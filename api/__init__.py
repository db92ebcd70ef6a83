"""The JSON interface ``/api/v1`` for scripts and dashboards: staff sessions or ``Authorization: Bearer <token>``."""
from api.views import bp
from api import actions as _actions  # noqa: E402,F401  (adds /api/v1/actions to the blueprint)

__all__ = ["bp"]
