"""``/actions/review``: the quality manager edits the drafted conclusions of a quarter's management review,
downloads the final report (kept as the review's record) and finds earlier records."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from actions import review
from actions.views import bp
from analytics.periods import PeriodError
from analytics.report import describe_objectives
from analytics.service import as_period, compute_indicators
from dashboard.filters import local_today
from report.services import management_report
from report.views import default_report_period
from survey.permissions import MANAGERS, roles_required

manager_required = roles_required(*MANAGERS)


class ConclusionsForm(FlaskForm):
    conclusions = TextAreaField(_l("Wnioski z przeglądu (jeden w wierszu)"), validators=[Length(max=20000)])


def _quarter():
    text = request.args.get("period") or default_report_period()
    try:
        period = as_period(text)
    except PeriodError as exc:
        abort(400, description=str(exc))
    if period.kind != "quarter":
        abort(400, description=_("Przegląd zarządzania dotyczy kwartału, np. 2026-Q3."))
    return period


@bp.route("/review", methods=["GET", "POST"])
@manager_required
def review_page():
    period = _quarter()
    form = ConclusionsForm()
    if form.validate_on_submit():
        review.save_conclusions(current_user, period.label, (form.conclusions.data or "").splitlines())
        flash(_("Zapisano wnioski."), "success")
        return redirect(url_for(".review_page", period=period.label), code=303)
    if not form.is_submitted():
        described = describe_objectives(compute_indicators(period)["objectives"], {})
        section = review.improvement_section(period, None, described, local_today(period.tz_name))
        form.conclusions.data = "\n".join(section.conclusions)
        saved = section.conclusions_saved
    else:
        saved = False
    return render_template("actions/review.html", form=form, period=period, saved=saved,
                           records=review.review_records()), 400 if form.is_submitted() else 200


@bp.post("/review/final")
@manager_required
def review_final():
    period = _quarter()
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    pdf = management_report(period, None, "pdf")
    review.keep_final_report(current_user, period.label, pdf)
    return _pdf(pdf, period.label)


@bp.get("/review/<label>.pdf")
@manager_required
def review_record(label: str):
    record = review.saved_record(label)
    if record is None or record.final_pdf is None:
        abort(404)
    return _pdf(record.final_pdf, label)


def _pdf(content: bytes, label: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="przeglad-zarzadzania-{label}-final.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response
