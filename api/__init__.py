"""The JSON interface ``/api/v1`` for scripts and dashboards: staff sessions or ``Authorization: Bearer <token>``."""
from api.views import bp

__all__ = ["bp"]
