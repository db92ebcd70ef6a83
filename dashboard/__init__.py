"""Staff dashboards (``/dashboard``): the office overview, one department, one counter."""
from dashboard.views import bp

__all__ = ["bp"]
