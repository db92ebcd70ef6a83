"""``/comments``: thin views. The comments of a theme (any staff, in their scope), one comment's themes with
manual tags, the codebook and the suggested themes (quality manager and admin)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from admin.auth import is_safe_next
from analytics.periods import PeriodError, parse_period
from analytics.service import ScopeError
from comments import codebook, queries, services
from comments.forms import DecisionForm, RefreshSuggestionsForm, TagForm, ThemeForm
from comments.models import ThemeSuggestion
from dashboard.filters import FilterError, parse_filters
from extensions import db
from survey.models import Department, ServicePoint
from survey.permissions import MANAGERS, can_see_department, roles_required, sees_whole_office

bp = Blueprint("comments", __name__, url_prefix="/comments")


def _scope_or_refuse() -> tuple[str | None, str | None]:
    """``department`` / ``service_point`` from the query, limited to what the user may see."""
    department = request.args.get("department") or None
    point_code = request.args.get("service_point") or None
    if point_code:
        point = db.session.scalar(db.select(ServicePoint).where(ServicePoint.code == point_code))
        if point is None:
            abort(404 if sees_whole_office(current_user) else 403)
        department = point.department.code
    if department is None and not sees_whole_office(current_user):
        own = sorted(d.code for d in current_user.departments)
        if len(own) != 1:
            abort(400, description=_("Wybierz jeden ze swoich wydziałów."))
        department = own[0]
    if department is not None:
        found = db.session.scalar(db.select(Department).where(Department.code == department))
        if found is None:
            abort(404 if sees_whole_office(current_user) else 403)
        if not can_see_department(current_user, found):
            abort(403)
    return department, point_code


@bp.get("/")
@login_required
def index():
    """Comments of a scope and period raising one theme (the office dashboard's themes link here)."""
    try:
        filters = parse_filters(request.args, current_app.config["OPINIA_TIMEZONE"])
    except FilterError as exc:
        abort(400, description=str(exc))
    department, point = _scope_or_refuse()
    if filters.theme and filters.theme not in services.theme_codes():
        abort(400, description=_("Nieznany temat komentarzy."))
    summary = services.theme_summary(filters.period, department, point, get_locale().language)
    theme = next((t for t in summary.themes if t["code"] == filters.theme), None)
    page = services.comments_with_theme(summary, filters.theme, text=filters.query or None, ratings=filters.ratings,
                                        page=filters.page) if theme else None
    return render_template("comments/index.html", filters=filters, summary=summary, theme=theme, page=page,
                           department=department, service_point=point)


def _comment_or_refuse(answer_id: int):
    found = queries.comment_answer(answer_id)
    if found is None:
        abort(404)
    answer, response = found
    if not can_see_department(current_user, response.service_point.department):
        abort(403)
    return answer, response


@bp.route("/<int:answer_id>", methods=["GET", "POST"])
@login_required
def comment(answer_id: int):
    """One comment: its themes (from the codebook and by hand) and a form to add or take off a theme."""
    answer, response = _comment_or_refuse(answer_id)
    themes = codebook.current_codebook().themes
    form = TagForm()
    form.theme.choices = [(t.code, t.name(get_locale().language)) for t in themes]
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        added = {"add": True, "remove": False, "reset": None}[form.action.data]
        services.set_tag(answer_id, form.theme.data, added, current_user)
        flash(_("Zapisano tematy komentarza."), "success")
        target = form.next.data if is_safe_next(form.next.data) else url_for(".comment", answer_id=answer_id)
        return redirect(target, code=303)
    if request.method == "POST":
        return render_template("comments/comment.html", answer=answer, response=response, form=form,
                               current=services.themes_of_comment(answer_id, answer.value_text), themes=themes,
                               tags=queries.tags_of(answer_id)), 400
    return render_template("comments/comment.html", answer=answer, response=response, form=form,
                           current=services.themes_of_comment(answer_id, answer.value_text), themes=themes,
                           tags=queries.tags_of(answer_id))


# ---- the codebook (quality manager) -------------------------------------------------------------------


@bp.route("/codebook", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def codebook_page():
    codebook.ensure_codebook()
    form = ThemeForm()
    status = 200
    if form.validate_on_submit():
        try:
            change = codebook.ThemeChange(form.code.data, form.name_pl.data, form.name_en.data or "",
                                          codebook.parse_words(form.words.data), form.active.data)
            codebook.save_theme(change, current_user)
        except codebook.CodebookError as exc:
            form.words.errors.append(str(exc))
            status = 400
        else:
            flash(_("Zapisano temat „%(name)s”.", name=change.name_pl), "success")
            return redirect(url_for(".codebook_page"), code=303)
    elif request.method == "POST":
        status = 400
    return render_template("comments/codebook.html", form=form, themes=queries.codebook_rows()), status


@bp.route("/suggestions", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def suggestions():
    form = RefreshSuggestionsForm()
    status = 200
    if form.validate_on_submit():
        try:
            period = parse_period(form.period.data.strip(), current_app.config["OPINIA_TIMEZONE"])
        except PeriodError as exc:
            form.period.errors.append(str(exc))
            status = 400
        else:
            created = codebook.refresh_suggestions(period.start, period.end, current_user)
            flash(_("Nowe propozycje tematów: %(n)d.", n=len(created)), "success")
            return redirect(url_for(".suggestions"), code=303)
    elif request.method == "POST":
        status = 400
    items = codebook.open_suggestions()
    examples = {s.id: [queries.comment_answer(i) for i in s.examples] for s in items}
    return render_template("comments/suggestions.html", form=form, suggestions=items, examples=examples,
                           decision_form=DecisionForm), status


@bp.post("/suggestions/<int:suggestion_id>")
@roles_required(*MANAGERS)
def decide(suggestion_id: int):
    suggestion = db.session.get(ThemeSuggestion, suggestion_id) or abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400, description=_("Formularz jest niepełny."))
    accept = None
    try:
        if form.decision.data == "accept":
            words = codebook.parse_words(form.words.data or ", ".join(suggestion.words))
            accept = codebook.ThemeChange((form.code.data or "").strip(), form.name_pl.data or "", form.name_en.data or "",
                                          words)
        codebook.decide_suggestion(suggestion, accept, current_user)
    except codebook.CodebookError as exc:
        db.session.rollback()
        abort(400, description=str(exc))
    flash(_("Przyjęto nowy temat.") if accept else _("Odrzucono propozycję."), "success")
    return redirect(url_for(".suggestions"), code=303)


@bp.errorhandler(ScopeError)
def scope_error(exc: ScopeError):
    abort(400, description=str(exc))
