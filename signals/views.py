"""``/signals``: thin views — the ranked overview, one signal with its chart, acknowledging, mail settings."""
from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from admin.services import audit
from analytics.exports import safe_csv_value
from dashboard.filters import local_today
from extensions import db
from signals import bp, queries
from signals.forms import AcknowledgeForm, PreferenceForm
from signals.models import NotificationPreference, Signal
from signals.overview import overview
from signals.section import chart_anchor, chart_table, signal_page, signals_section
from signals.services import SignalError, acknowledge, office_state
from survey.models import Department, ServicePoint, utcnow
from survey.permissions import can_see_department, sees_whole_office

ACKNOWLEDGE_ERRORS = {
    "comment": _l("Wpisz komentarz."),
    "too_long": _l("Komentarz jest za długi."),
    "closed": _l("Ten sygnał jest już zamknięty: reguła przestała obowiązywać."),
}


@bp.record_once
def _setup(state) -> None:
    state.app.jinja_env.globals.update(signals_section=signals_section, signals_today=_today,
                                       signal_chart_anchor=chart_anchor)


def _today() -> str:
    return local_today(current_app.config["OPINIA_TIMEZONE"]).isoformat()


def can_see_signal(signal: Signal) -> bool:
    if sees_whole_office(current_user):
        return True
    if signal.department_code is None:
        return False
    department = db.session.scalar(sa.select(Department).where(Department.code == signal.department_code))
    return department is not None and can_see_department(current_user, department)


def _visible_signal_or_refuse(signal_id: int) -> Signal:
    signal = queries.signal_by_id(signal_id)
    if signal is None:
        abort(404 if sees_whole_office(current_user) else 403)
    if not can_see_signal(signal):
        abort(403)
    return signal


@bp.get("/")
@login_required
def index():
    return render_template("signals/overview.html", overview=overview(current_user, _today()))


@bp.get("/<int:signal_id>")
@login_required
def signal(signal_id: int):
    found = _visible_signal_or_refuse(signal_id)
    return render_template("signals/signal.html", page=signal_page(found, _today()), form=AcknowledgeForm())


@bp.post("/<int:signal_id>/acknowledge")
@login_required
def acknowledge_signal(signal_id: int):
    found = _visible_signal_or_refuse(signal_id)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return render_template("signals/signal.html", page=signal_page(found, _today()), form=form), 400
    try:
        acknowledge(found, current_user, form.comment.data)
    except SignalError as exc:
        form.comment.errors = [str(ACKNOWLEDGE_ERRORS[str(exc)])]
        return render_template("signals/signal.html", page=signal_page(found, _today()), form=form), 400
    flash(_("Sygnał przyjęty do wiadomości. Zamknie się sam, gdy reguła przestanie obowiązywać."), "success")
    return redirect(url_for(".signal", signal_id=found.id))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    preference = queries.preference_of(current_user.id)
    form = PreferenceForm(data={"mode": preference.mode if preference else "immediate"})
    if form.validate_on_submit():
        if preference is None:
            preference = NotificationPreference(user_id=current_user.id)
            db.session.add(preference)
        audit(current_user, "notification_preference", "user", current_user.id,
              mode=[preference.mode, form.mode.data])
        preference.mode, preference.updated_at = form.mode.data, utcnow()
        db.session.commit()
        flash(_("Zapisano ustawienia powiadomień."), "success")
        return redirect(url_for(".settings"))
    status = 400 if form.is_submitted() else 200
    return render_template("signals/settings.html", form=form), status


def csv_response(table, filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.csv_header())
    for row in table.csv_rows():
        writer.writerow([safe_csv_value(value) for value in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _may_see_scope(kind: str, code: str | None) -> bool:
    if kind == "office":
        return sees_whole_office(current_user)
    model = Department if kind == "department" else ServicePoint
    found = db.session.scalar(sa.select(model).where(model.code == code))
    if found is None:
        abort(404 if sees_whole_office(current_user) else 403)
    return can_see_department(current_user, found if kind == "department" else found.department)


@bp.get("/chart.csv")
@login_required
def chart_csv():
    """A control chart's points as CSV (``scope`` office|department|service_point, ``code``, ``question``)."""
    kind, code, question = request.args.get("scope", ""), request.args.get("code") or None, request.args.get("question", "")
    if kind not in ("office", "department", "service_point") or (kind != "office" and not code):
        abort(400, description=_("Nieprawidłowy zakres wykresu."))
    if not _may_see_scope(kind, code):
        abort(403)
    chart = next((c for c in office_state().charts
                  if c.scope_kind == kind and c.scope_code == code and c.question_code == question), None)
    if chart is None:
        abort(404)
    table = chart_table(chart, question)
    filename = re.sub(r"[^A-Za-z0-9_-]+", "_", f"opinia-karta-{code or 'urzad'}-{question}") + ".csv"
    return csv_response(table, filename)
