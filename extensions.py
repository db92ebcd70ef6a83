"""Flask extensions, created once here and bound to an app in ``create_app``."""
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from survey.guards import hashed_remote_address, is_public_survey_request


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()

login_manager = LoginManager()
# Keyed by an HMAC of the client address under a daily key (see survey.guards): no raw address is kept.
limiter = Limiter(key_func=hashed_remote_address)
limiter.request_filter(is_public_survey_request)
