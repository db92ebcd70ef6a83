"""The survey editor: a list of questions changed one at a time in a draft, a preview of the phone survey in
both languages, and publishing the draft as a new version (refused while a translation is missing)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from admin import drafts, services
from admin.blueprint import INVALID, bp, get_or_404, manager_required, saved
from admin.editor_forms import (
    NewSurveyForm,
    QuestionForm,
    SurveyTextsForm,
    add_spare_choice_rows,
    error_messages,
    fill_question_form,
)
from admin.forms import QUESTION_KIND_LABELS
from admin.preview import preview_form, preview_version
from extensions import db
from survey.models import Survey


def _draft_or_404(draft_id: int) -> drafts.SurveyDraft:
    return get_or_404(drafts.SurveyDraft, draft_id)


def _editor_url(draft: drafts.SurveyDraft) -> str:
    return url_for("admin.survey_draft", draft_id=draft.id)


def _question_index_or_404(draft: drafts.SurveyDraft, index: int) -> int:
    if not 0 <= index < len(draft.questions):
        abort(404)
    return index


@bp.get("/surveys/<int:survey_id>/edit")
@manager_required
def survey_edit(survey_id: int):
    """Editing starts (or continues) the survey's draft."""
    draft = drafts.draft_of_survey(get_or_404(Survey, survey_id), current_user.id)
    return saved(_("Zmiany zapisują się w szkicu; mieszkańcy widzą obecną wersję, dopóki jej nie opublikujesz."),
                 _editor_url(draft))


@bp.route("/surveys/new", methods=["GET", "POST"])
@manager_required
def survey_new():
    form = NewSurveyForm()
    title = _("Nowa ankieta")
    if form.validate_on_submit():
        code = form.code.data.strip()
        taken = db.session.scalar(db.select(Survey.id).where(Survey.code == code)) or db.session.scalar(
            db.select(drafts.SurveyDraft.id).where(drafts.SurveyDraft.survey_code == code))
        if not taken:
            draft = drafts.new_survey_draft(code, form.title_pl.data.strip(), (form.title_en.data or "").strip(), current_user.id)
            return saved(_("Utworzono szkic ankiety. Dodaj pytania."), _editor_url(draft))
        form.code.errors.append(_("Ankieta o tym kodzie już istnieje."))
    status = INVALID if form.is_submitted() else 200
    return render_template("admin/form.html", form=form, title=title, cancel=url_for("admin.surveys")), status


@bp.get("/survey-drafts/<int:draft_id>")
@manager_required
def survey_draft(draft_id: int):
    draft = _draft_or_404(draft_id)
    texts = SurveyTextsForm(data=_texts_data(draft))
    return _editor_page(draft, texts, [])


def _texts_data(draft: drafts.SurveyDraft) -> dict:
    data = draft.definition
    return {"title_pl": data["title"]["pl"], "title_en": data["title"]["en"],
            "intro_pl": data["intro"]["pl"], "intro_en": data["intro"]["en"]}


def _editor_page(draft: drafts.SurveyDraft, texts: SurveyTextsForm, problems: list[str], status: int = 200):
    return render_template(
        "admin/survey_editor.html",
        draft=draft,
        survey=draft.survey,
        texts=texts,
        problems=problems,
        text_errors=error_messages(texts),
        untranslated=drafts.missing_translations(draft.definition),
        kind_labels=QUESTION_KIND_LABELS,
    ), status


@bp.post("/survey-drafts/<int:draft_id>/texts")
@manager_required
def survey_draft_texts(draft_id: int):
    draft = _draft_or_404(draft_id)
    texts = SurveyTextsForm()
    if not texts.validate_on_submit():
        return _editor_page(draft, texts, [], INVALID)
    drafts.set_texts(
        draft,
        {"pl": texts.title_pl.data.strip(), "en": (texts.title_en.data or "").strip()},
        {"pl": (texts.intro_pl.data or "").strip(), "en": (texts.intro_en.data or "").strip()},
        current_user.id,
    )
    return saved(_("Zapisano tytuł i wstęp w szkicu."), _editor_url(draft))


def _position_choices(draft: drafts.SurveyDraft, editing: int | None) -> list[tuple[int, str]]:
    questions = draft.questions
    if editing is not None:
        return [(editing, _("bez zmian"))]
    default = drafts.default_position(questions)
    choices = [(default, _("na końcu, przed komentarzem") if default < len(questions) else _("na końcu"))]
    choices.append((0, _("na początku")))
    choices += [(i + 1, _("po pytaniu %(number)d: %(text)s", number=i + 1, text=q["text"]["pl"][:60]))
                for i, q in enumerate(questions) if i + 1 != default]
    return choices


def _question_page(draft: drafts.SurveyDraft, form: QuestionForm, index: int | None, status: int = 200):
    if request.form.get("more_rows") or len(form.choices) < 2 or not any(not (r.pl.data or "") for r in form.choices):
        add_spare_choice_rows(form)
    return render_template(
        "admin/question_form.html", draft=draft, form=form, index=index, errors=error_messages(form),
        choice_errors=[m for m in form.choices.errors if not isinstance(m, dict)],
    ), status


def _question_form(draft: drafts.SurveyDraft, index: int | None):
    form = QuestionForm()
    form.position.choices = _position_choices(draft, index)
    if request.method == "GET":
        if index is not None:
            fill_question_form(form, draft.questions[index])
        form.position.data = form.position.choices[0][0]
        return _question_page(draft, form, index)
    if request.form.get("more_rows"):
        return _question_page(draft, form, index)
    if not (form.validate_on_submit() and form.check_choices()):
        return _question_page(draft, form, index, INVALID)
    if index is None:
        drafts.add_question(draft, form.question_data(), form.position.data, current_user.id)
    else:
        drafts.replace_question(draft, index, form.question_data(), current_user.id)
    message = _("Zapisano pytanie w szkicu.")
    if not form.text_en.data.strip():
        message += " " + _("Brakuje tłumaczenia na angielski — bez niego ankiety nie da się opublikować.")
        flash(message, "warning")
        return redirect(_editor_url(draft), code=303)
    return saved(message, _editor_url(draft))


@bp.route("/survey-drafts/<int:draft_id>/questions/new", methods=["GET", "POST"])
@manager_required
def survey_draft_question_new(draft_id: int):
    return _question_form(_draft_or_404(draft_id), None)


@bp.route("/survey-drafts/<int:draft_id>/questions/<int:index>", methods=["GET", "POST"])
@manager_required
def survey_draft_question_edit(draft_id: int, index: int):
    draft = _draft_or_404(draft_id)
    return _question_form(draft, _question_index_or_404(draft, index))


@bp.post("/survey-drafts/<int:draft_id>/questions/<int:index>/move")
@manager_required
def survey_draft_question_move(draft_id: int, index: int):
    draft = _draft_or_404(draft_id)
    step = -1 if request.form.get("direction") == "up" else 1
    drafts.move_question(draft, _question_index_or_404(draft, index), step, current_user.id)
    return saved(_("Przesunięto pytanie."), _editor_url(draft) + f"#question-{index + step + 1}")


@bp.post("/survey-drafts/<int:draft_id>/questions/<int:index>/remove")
@manager_required
def survey_draft_question_remove(draft_id: int, index: int):
    draft = _draft_or_404(draft_id)
    drafts.remove_question(draft, _question_index_or_404(draft, index), current_user.id)
    return saved(_("Usunięto pytanie ze szkicu. Zebrane odpowiedzi na nie zostają przy starszych wersjach."),
                 _editor_url(draft))


@bp.get("/survey-drafts/<int:draft_id>/preview/<any(pl, en):language>")
@manager_required
def survey_draft_preview(draft_id: int, language: str):
    """The draft as a resident's phone shows it, in Polish or English (nothing can be sent from here)."""
    draft = _draft_or_404(draft_id)
    version = preview_version(draft.definition)
    with force_locale(language):
        form = preview_form(version, language)
        body = Markup(render_template("admin/_preview_body.html", version=version, form=form, lang=language))
    return render_template("admin/survey_preview.html", draft=draft, preview_body=body, preview_lang=language)


@bp.post("/survey-drafts/<int:draft_id>/publish")
@manager_required
def survey_draft_publish(draft_id: int):
    draft = _draft_or_404(draft_id)
    problems = drafts.publish_problems(draft.definition)
    if not problems:
        try:
            definition = drafts.draft_definition(draft)
            version, created = services.save_survey(current_user, definition, draft.survey)
        except (drafts.DefinitionError, services.ChangeRejected) as error:
            problems = [getattr(error, "message", None) or _("Ankieta zawiera błędy: %(detail)s", detail=str(error))]
    if problems:
        return _editor_page(draft, SurveyTextsForm(data=_texts_data(draft)), problems, INVALID)
    drafts.discard(draft)
    message = _("Opublikowano nową wersję ankiety (%(number)d).", number=version.number) if created else _(
        "Szkic nie różnił się od opublikowanej wersji; nic nie zmieniono.")
    return saved(message, url_for("admin.survey", survey_id=version.survey_id))


@bp.post("/survey-drafts/<int:draft_id>/discard")
@manager_required
def survey_draft_discard(draft_id: int):
    draft = _draft_or_404(draft_id)
    survey = draft.survey
    drafts.discard(draft)
    target = url_for("admin.survey", survey_id=survey.id) if survey else url_for("admin.surveys")
    return saved(_("Odrzucono szkic; ankieta została bez zmian."), target)
