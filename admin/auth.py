"""Staff login and logout.

Failed logins are rate-limited (Flask-Limiter, in RATELIMIT_STORAGE_URI, so every process counts together)
per pair of client address and account typed, with a higher ceiling per address: on an office network that
is one address to the server, someone mistyping (or guessing) one colleague's password does not refuse the
right password of another. Successful logins never count."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from admin.forms import LoginForm
from admin.services import authenticate
from extensions import db, limiter
from survey.guards import hashed_remote_address
from survey.models import User
from survey.permissions import sees_whole_office

bp = Blueprint("auth", __name__)

FAILED_LOGIN_STATUS = 401


def failed_login_limit() -> str:
    """Failed logins per (client address, account): one person's typos never lock a colleague out."""
    return current_app.config["OPINIA_LOGIN_RATE_LIMIT"]


def failed_login_address_limit() -> str:
    """Failed logins per client address over all accounts: a higher ceiling (an office's NAT is one address)."""
    return current_app.config["OPINIA_LOGIN_ADDRESS_RATE_LIMIT"]


def address_and_account_key() -> str:
    """HMAC of the client address and the e-mail typed, under the day's key: neither is kept in the storage."""
    email = (request.form.get("email") or "").strip().lower()
    return hashed_remote_address(extra=email)


def login_failed(response) -> bool:
    return response.status_code == FAILED_LOGIN_STATUS


def is_safe_next(target: str | None) -> bool:
    """Only a local path (``/admin/...``): never another host, scheme or protocol-relative ``//host``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def start_page(user: User) -> str:
    """Where the role's work is: the dashboard for a department head (who manages nothing), the staff area
    for managers."""
    return url_for("admin.home") if sees_whole_office(user) else url_for("dashboard.office")


def after_login_target(user: User) -> str:
    """The page asked for, else the role's start page."""
    target = request.args.get("next")
    if is_safe_next(target):
        return target
    return start_page(user)


@bp.get("/")
def root():
    """The staff start page when logged in, else the login. Never a list of survey addresses: each of them is
    a capability that lets anyone answer for that counter."""
    if current_user.is_authenticated:
        return redirect(start_page(current_user), code=303)
    return redirect(url_for("auth.login"), code=303)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(failed_login_limit, key_func=address_and_account_key, methods=["POST"], deduct_when=login_failed,
               scope="login-account")
@limiter.limit(failed_login_address_limit, methods=["POST"], deduct_when=login_failed, scope="login-address")
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 400 if form.is_submitted() else 200
    user = authenticate(form.email.data, form.password.data)
    if user is None:
        form.password.errors.append(_("Nieprawidłowy adres e-mail lub hasło."))
        return render_template("auth/login.html", form=form), FAILED_LOGIN_STATUS
    session.permanent = True
    login_user(user)
    return redirect(after_login_target(user), code=303)


@bp.errorhandler(429)
def too_many_failed_logins(error):
    """The login page again, saying why it refuses for now (the limit counts failed attempts only)."""
    form = LoginForm(formdata=None)
    form.form_errors.append(_("Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za kilka minut."))
    return render_template("auth/login.html", form=form), 429


@bp.post("/logout")
def logout():
    """The global CSRF protection has already checked the token of this POST. Logging out ends every session
    of the account, so a copy of the session cookie (another browser, a stolen cookie) stops working too."""
    if current_user.is_authenticated:
        current_user.end_all_sessions()
        db.session.commit()
    logout_user()
    flash(_("Wylogowano."), "info")
    return redirect(url_for("auth.login"), code=303)
