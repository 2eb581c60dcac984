"""Admins' pages for activity types, and everyone's presets: fetch, call catalogue, render.

Types are never deleted (deactivated instead, and old records keep them); presets are
shared (made by admins) or a user's own. Every rule is catalogue.py's.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from clientela.accounts.access import require_admin, require_crm_access
from clientela.accounts.models import User
from clientela.audit.services import last_change
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors, keep_input_after_conflict

from . import catalogue
from .catalogue_forms import (
    NEW_TYPE_INITIAL,
    PresetForm,
    TypeForm,
    delay_in_words,
    new_preset_initial,
    preset_initial,
    reminders_in_words,
    type_initial,
)
from .models import ActivityType, Preset


def _crm(request) -> User:
    require_crm_access(request.user)
    return request.user


def _admin(request) -> User:
    user = _crm(request)
    require_admin(user)
    return user


# --- types (admins) --------------------------------------------------------------------


def types(request):
    _admin(request)
    return render(
        request,
        "activities/types.html",
        {"types": ActivityType.objects.all(), "nav_active": "activity_types"},
    )


def save_type(form: TypeForm, actor: User, kind: ActivityType | None):
    """Send a valid form to the service: (the saved type or None, the conflict notice).

    Refusals land on the form: the service's errors next to their fields, a stale version
    as a conflict that keeps the user's input.
    """
    try:
        if kind is None:
            return catalogue.type_create(actor=actor, data=form.service_data()), None
        saved = catalogue.type_update(
            actor=actor,
            kind=kind,
            data=form.service_data(),
            version=form.cleaned_data.get("version"),
        )
        return saved, None
    except EditConflict as exc:
        notice = keep_input_after_conflict(
            form, exc, type_initial(exc.current), user=actor, last_change=last_change(exc.current)
        )
        return None, notice
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, None


def type_edit(request, pk: int | None = None):
    user = _admin(request)
    kind = get_object_or_404(ActivityType, pk=pk) if pk else None
    form = TypeForm(
        request.POST or None,
        initial=type_initial(kind) if kind else dict(NEW_TYPE_INITIAL),
        kind=kind,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = save_type(form, user, kind)
        if saved is not None:
            messages.success(
                request, _("The activity type “%(name)s” was saved.") % {"name": saved.label}
            )
            return redirect("activities:types")
    return render(
        request,
        "activities/type_form.html",
        {"form": form, "edited": kind, "conflict": conflict, "nav_active": "activity_types"},
    )


# --- presets (every CRM user) ------------------------------------------------------------


def may_change(user: User, preset: Preset) -> bool:
    """Whether the preset's edit page is open to the user (the rule is the service's)."""
    try:
        catalogue.require_preset_change(user, preset)
    except PermissionDenied:
        return False
    return True


def presets(request):
    user = _crm(request)
    rows = [
        {
            "preset": preset,
            "editable": may_change(user, preset),
            "delay": delay_in_words(preset),
            "reminders": reminders_in_words(preset.reminders),
        }
        for preset in catalogue.presets_for(user).select_related("type")
    ]
    return render(request, "activities/presets.html", {"rows": rows, "nav_active": "presets"})


def save_preset(form: PresetForm, actor: User, preset: Preset | None):
    """Send a valid form to the service: (the saved preset or None, the conflict notice).

    A PermissionDenied (a shared preset and a user who is not an admin) is left to Django:
    a 403.
    """
    try:
        if preset is None:
            return catalogue.preset_create(actor=actor, data=form.service_data()), None
        saved = catalogue.preset_update(
            actor=actor,
            preset=preset,
            data=form.service_data(),
            version=form.cleaned_data.get("version"),
        )
        return saved, None
    except EditConflict as exc:
        current = catalogue.visible_preset(actor, exc.current.pk)
        notice = keep_input_after_conflict(
            form, exc, preset_initial(current), user=actor, last_change=last_change(current)
        )
        return None, notice
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None, None


def preset_edit(request, pk: int | None = None):
    user = _crm(request)
    preset = catalogue.visible_preset(user, pk) if pk else None
    if preset is not None and not may_change(user, preset):
        raise PermissionDenied(_("Only administrators change the presets for everyone."))
    form = PresetForm(
        request.POST or None,
        initial=preset_initial(preset) if preset else new_preset_initial(user),
        actor=user,
        preset=preset,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved, conflict = save_preset(form, user, preset)
        if saved is not None:
            messages.success(request, _("The preset “%(name)s” was saved.") % {"name": saved.name})
            return redirect("activities:presets")
    return render(
        request,
        "activities/preset_form.html",
        {"form": form, "edited": preset, "conflict": conflict, "nav_active": "presets"},
    )
