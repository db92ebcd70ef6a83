"""``/admin/served``: managers upload the queue system's files (up to 5 MB, a limit of this page alone that
keeps the request to a few seconds; larger files go through ``flask --app app import-served``) and see the
latest imports."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from served import queries
from served.services import import_served
from survey.importers import ImportFileError
from survey.permissions import MANAGERS, roles_required

bp = Blueprint("served", __name__, url_prefix="/admin/served")
manager_required = roles_required(*MANAGERS)


class UploadForm(FlaskForm):
    file = FileField(_l("Plik CSV z systemu kolejkowego"), validators=[FileRequired(_l("Wybierz plik."))])
    format = SelectField(_l("Format pliku"), choices=[
        ("hourly", _l("godzinowy: date,hour,service_point,served[,average_wait_minutes][,average_service_minutes][,utc_offset]")),
        ("visits", _l("wizyty: visit_id,service_point,entered_at,called_at,ended_at,outcome")),
    ])
    mapping = FileField(_l("Plik mapowania stanowisk (opcjonalny): queue_name,service_point"))


@bp.url_value_preprocessor
def _allow_large_upload(_endpoint, _values) -> None:
    """Runs before the CSRF check reads the form: only this page accepts bodies up to the upload limit."""
    if request.method == "POST" and request.endpoint == "served.upload":
        request.max_content_length = current_app.config["OPINIA_SERVED_UPLOAD_MAX_BYTES"]


@bp.route("/", methods=["GET", "POST"])
@manager_required
def upload():
    form = UploadForm()
    problems = []
    status = 200
    if form.validate_on_submit():
        mapping = form.mapping.data.stream if form.mapping.data else None
        try:
            summary = import_served(form.file.data.stream, form.format.data, mapping=mapping,
                                    file_name=form.file.data.filename or "", user_id=current_user.id)
        except ImportFileError as exc:
            problems, status = exc.problems, 400
        else:
            flash(_("Zaimportowano %(lines)d wierszy: %(hours)d godzin pracy stanowisk, obsłużonych klientów: %(served)d.",
                    lines=summary.lines, hours=summary.hours, served=summary.served), "success")
            return redirect(url_for(".upload"), code=303)
    elif request.method == "POST":
        status = 400
    limit_mb = current_app.config["OPINIA_SERVED_UPLOAD_MAX_BYTES"] // (1024 * 1024)
    return render_template("served/upload.html", form=form, problems=problems, imports=queries.recent_imports(),
                           limit_mb=limit_mb), status
