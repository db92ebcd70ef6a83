"""Opinia: customer-satisfaction surveys and analytics for public offices.

``create_app(config)`` builds the Flask application from small steps: configuration,
extensions, blueprints (one per audience), error pages and CLI commands.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from flask import Flask, jsonify, render_template, request, session
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from config import PROJECT_ROOT, Config, engine_options
from extensions import babel, csrf, db, limiter, login_manager, migrate
from security import STAFF_BLUEPRINTS, register_security, register_url_converters
from survey.guards import register_guards


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(Config().as_dict())
    app.config.from_mapping(config or {})
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_commands(app)
    register_security(app)
    return app


def select_locale() -> str:
    """Language from ``?lang=``, then the form's hidden field, the session, the browser; Polish by default."""
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or _posted_language()
    if chosen in languages:
        if session.get("lang") != chosen:  # every survey post names its language: re-sign the cookie only on a change
            session["lang"] = chosen
        return chosen
    if session.get("lang") in languages:
        return session["lang"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _posted_language() -> str | None:
    """The form's ``lang`` field; a body over MAX_CONTENT_LENGTH has none (its 413 page needs a locale too)."""
    try:
        return request.form.get("lang")
    except RequestEntityTooLarge:
        return None


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories=str(PROJECT_ROOT / "translations"))
    app.jinja_env.globals["get_locale"] = get_locale
    login_manager.init_app(app)
    from survey.accounts import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Zaloguj się, aby zobaczyć tę stronę.")
    login_manager.login_message_category = "info"
    limiter.init_app(app)
    if db_url_is_sqlite(app.config["SQLALCHEMY_DATABASE_URI"]):
        from survey.sqlite import tune_sqlite

        with app.app_context():
            tune_sqlite(db.engine)


def db_url_is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def register_blueprints(app: Flask) -> None:
    from survey.public import bp as public_bp

    # The survey form checks its own CSRF token (FlaskForm) after the counter's token is resolved,
    # so an unknown counter answers 404 rather than a CSRF error.
    csrf.exempt(public_bp)
    app.register_blueprint(public_bp)
    register_guards(app)

    from survey.pages import register_pages

    register_pages(app)

    from admin.auth import bp as auth_bp
    from admin.display import register_display
    from admin.routes import bp as admin_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    register_display(app)

    from api import bp as api_bp

    # Scripts with a bearer token send no CSRF token; every API endpoint only reads (GET).
    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)

    from dashboard import bp as dashboard_bp

    app.register_blueprint(dashboard_bp)

    from report.views import bp as reports_bp

    app.register_blueprint(reports_bp)

    from signals import register as register_signals

    register_signals(app)

    import served

    served.init_app(app)

    from comments.views import bp as comments_bp

    app.register_blueprint(comments_bp)

    from actions import review_views  # noqa: F401  (adds /actions/review to the actions blueprint)
    from actions.public import bp as public_actions_bp
    from actions.views import bp as actions_bp

    app.register_blueprint(actions_bp)
    app.register_blueprint(public_actions_bp)

    from actions.services import answer_ids_linked_to_open_actions
    from comments.retention import register_protected_comments

    # Comments selected on open improvement actions keep their text past the retention period.
    register_protected_comments(app, answer_ids_linked_to_open_actions)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    titles = {
        400: _l("Nieprawidłowe dane"),
        403: _l("Brak dostępu"),
        404: _l("Nie znaleziono"),
        405: _l("Niedozwolona operacja"),
        413: _l("Za dużo danych"),
        429: _l("Zbyt wiele prób"),
        500: _l("Błąd serwera"),
        503: _l("Serwer jest zajęty"),
    }

    messages = {
        400: _l("Żądanie zawiera nieprawidłowe dane."),
        401: _l("Zaloguj się, aby zobaczyć tę stronę."),
        403: _l("Nie masz dostępu do tej strony. Jeśli jest Ci potrzebna, poproś administratora o uprawnienia."),
        404: _l("Nie ma takiej strony. Sprawdź adres albo wróć do strony startowej."),
        405: _l("Tej operacji nie można wykonać w ten sposób."),
    }

    def render_error(status: int, message: str):
        if _wants_json():
            return jsonify(error=message, status=status), status
        return render_template("errors/error.html", status=status, title=titles.get(status, ""), message=message), status

    def own_message(error: HTTPException) -> str:
        """The view's own message, else ours in the page's language (never werkzeug's English default)."""
        if error.description and error.description != type(error).description:
            return error.description
        return str(messages.get(error.code or 500, _("Coś poszło nie tak. Spróbuj ponownie za chwilę.")))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, _("Formularz wygasł lub jest niepełny. Odśwież stronę i spróbuj ponownie."))

    @app.errorhandler(413)
    def too_large(error):
        if request.blueprint in STAFF_BLUEPRINTS:
            limit_kb = app.config["OPINIA_STAFF_MAX_CONTENT_LENGTH"] // 1024
            return render_error(413, _("Formularz jest za duży (najwyżej %(kb)d kB). Skróć teksty i spróbuj ponownie.", kb=limit_kb))
        return render_error(413, _("Przesłano za dużo danych. Skróć komentarz i spróbuj ponownie."))

    @app.errorhandler(429)
    def too_many_requests(error):
        return render_error(429, _("Z tej sieci przyszło w krótkim czasie zbyt wiele zgłoszeń. Odczekaj chwilę i spróbuj ponownie."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        message = _("Coś poszło nie tak. Spróbuj ponownie za chwilę.") if error.code == 500 else own_message(error)
        body, status = render_error(error.code or 500, message)
        return body, status, [(name, value) for name, value in error.get_headers() if name == "Retry-After"]

    @app.errorhandler(sa.exc.OperationalError)
    def database_busy(error: sa.exc.OperationalError):
        """A database locked beyond the busy timeout (SQLite while a long write runs) or out of reach: the
        request can be repeated, nothing was stored half-way (the transaction is rolled back)."""
        app.logger.warning("database busy or unavailable: %s", error.orig)
        db.session.rollback()
        body, status = render_error(503, _("Baza danych jest chwilowo zajęta. Spróbuj ponownie za kilka sekund."))
        return body, status, [("Retry-After", "5")]

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_error(500, _("Coś poszło nie tak. Spróbuj ponownie za chwilę."))


def register_commands(app: Flask) -> None:
    from survey.cli import register_commands as register_survey_commands

    register_survey_commands(app)

    from analytics.cli import indicators_command, rebuild_indicator_counts_command
    from api.cli import create_api_token_command
    from survey.import_cli import import_responses_command

    for command in (indicators_command, rebuild_indicator_counts_command, import_responses_command, create_api_token_command):
        app.cli.add_command(command)

    from actions.cli import send_action_reminders_command

    app.cli.add_command(send_action_reminders_command)

    from report.cli import register_commands as register_report_commands

    register_report_commands(app)

    from comments.cli import COMMANDS as comment_commands

    for command in comment_commands:
        app.cli.add_command(command)

    from survey.cli import require_schema_for_commands

    require_schema_for_commands(app)
