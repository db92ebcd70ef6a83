"""Confirmation pages of the dangerous actions: deactivating something and giving a counter a new code.

Each is a GET page of its own (no JavaScript needed) that says what will happen and posts to the action's
existing endpoint; the action itself still checks the role and the CSRF token.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from admin.blueprint import admin_required, bp, get_or_404, manager_required
from extensions import db
from survey.models import Department, QualityObjective, ServicePoint, Survey, User


def confirm_page(title: str, lead: str, consequences: list[str], action: str, button: str, cancel: str,
                 hidden: dict | None = None):
    return render_template(
        "admin/confirm.html", title=title, lead=lead, consequences=consequences, action=action, button=button,
        cancel=cancel, hidden=hidden,
    )


def _deactivate(title: str, lead: str, consequences: list[str], action: str, cancel: str):
    return confirm_page(title, lead, consequences, action, _("Tak, dezaktywuj"), cancel, {"active": "0"})


def _active_counters(department: Department) -> int:
    return sum(1 for p in department.service_points if p.active)


@bp.get("/departments/<int:department_id>/deactivate")
@manager_required
def department_deactivate_confirm(department_id: int):
    department = get_or_404(Department, department_id)
    counters = _active_counters(department)
    return _deactivate(
        _("Dezaktywować wydział?"),
        _("Wydział: %(name)s", name=department.name),
        [
            ngettext("Ankieta %(num)d aktywnego stanowiska tego wydziału przestanie przyjmować odpowiedzi: mieszkańcy zobaczą, że nie jest już aktywna.",
                     "Ankiety %(num)d aktywnych stanowisk tego wydziału przestaną przyjmować odpowiedzi: mieszkańcy zobaczą, że nie są już aktywne.",
                     counters),
            _("Zebrane odpowiedzi i wyniki zostają."),
            _("Możesz go później aktywować ponownie."),
        ],
        url_for("admin.department_active", department_id=department.id),
        url_for("admin.department", department_id=department.id),
    )


@bp.get("/service-points/<int:point_id>/deactivate")
@manager_required
def service_point_deactivate_confirm(point_id: int):
    point = get_or_404(ServicePoint, point_id)
    return _deactivate(
        _("Dezaktywować stanowisko?"),
        _("Stanowisko: %(name)s (%(department)s)", name=point.name, department=point.department.name),
        [
            _("Mieszkańcy, którzy zeskanują kod z plakatu tego stanowiska, zobaczą informację, że ankieta nie jest już aktywna, i nie będą mogli odpowiedzieć."),
            _("Zebrane odpowiedzi i wyniki zostają."),
            _("Możesz je później aktywować ponownie; wydrukowane plakaty znów zaczną działać."),
        ],
        url_for("admin.service_point_active", point_id=point.id),
        url_for("admin.service_point", point_id=point.id),
    )


@bp.get("/service-points/<int:point_id>/rotate-token")
@manager_required
def service_point_rotate_confirm(point_id: int):
    point = get_or_404(ServicePoint, point_id)
    return confirm_page(
        _("Nadać stanowisku nowy kod?"),
        _("Stanowisko: %(name)s (%(department)s)", name=point.name, department=point.department.name),
        [
            _("Wszystkie wydrukowane plakaty i stojaki tego stanowiska przestaną działać: ich kod QR i krótki adres pokażą informację, że kod nie jest już aktywny."),
            _("Trzeba będzie wydrukować i powiesić nowy plakat."),
            _("Tej zmiany nie można cofnąć. Zebrane odpowiedzi zostają."),
            _("Użyj tego, gdy plakat skopiowano lub powieszono w niewłaściwym miejscu."),
        ],
        url_for("admin.service_point_rotate", point_id=point.id),
        _("Tak, nadaj nowy kod"),
        url_for("admin.service_point", point_id=point.id),
    )


@bp.get("/surveys/<int:survey_id>/deactivate")
@manager_required
def survey_deactivate_confirm(survey_id: int):
    survey = get_or_404(Survey, survey_id)
    counters = db.session.scalar(
        sa.select(sa.func.count()).select_from(ServicePoint)
        .where(ServicePoint.survey_id == survey.id, ServicePoint.active.is_(True))
    )
    title = survey.current_version.title_pl if survey.current_version else survey.code
    return _deactivate(
        _("Dezaktywować ankietę?"),
        _("Ankieta: %(title)s", title=title),
        [
            ngettext("Ankietę pokazuje %(num)d aktywne stanowisko: przestanie ono przyjmować odpowiedzi, dopóki nie wybierzesz mu innej ankiety.",
                     "Ankietę pokazuje %(num)d aktywnych stanowisk: przestaną one przyjmować odpowiedzi, dopóki nie wybierzesz im innej ankiety.",
                     counters),
            _("Zebrane odpowiedzi i wyniki zostają."),
            _("Możesz ją później aktywować ponownie."),
        ],
        url_for("admin.survey_active", survey_id=survey.id),
        url_for("admin.survey", survey_id=survey.id),
    )


@bp.get("/objectives/<int:objective_id>/deactivate")
@manager_required
def objective_deactivate_confirm(objective_id: int):
    objective = get_or_404(QualityObjective, objective_id)
    return _deactivate(
        _("Dezaktywować cel jakości?"),
        _("Cel: %(name)s", name=objective.name),
        [
            _("Cel zniknie z pulpitów, raportów do przeglądu zarządzania i interfejsu API."),
            _("Możesz go później aktywować ponownie."),
        ],
        url_for("admin.objective_active", objective_id=objective.id),
        url_for("admin.objectives"),
    )


@bp.get("/users/<int:user_id>/deactivate")
@admin_required
def user_deactivate_confirm(user_id: int):
    user = get_or_404(User, user_id)
    return _deactivate(
        _("Dezaktywować konto?"),
        _("Konto: %(email)s", email=user.email),
        [
            _("Ta osoba nie zaloguje się więcej; jej wpisy w dzienniku zmian zostają."),
            _("Możesz je później aktywować ponownie."),
        ],
        url_for("admin.user_active", user_id=user.id),
        url_for("admin.users"),
    )
