"""Activity types (kept by admins) and presets (shared by admins, or a user's own).

Neither is ever deleted: a type or preset that is no longer wanted is deactivated, and
old records keep showing it.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from clientela.accounts.access import is_admin, require_admin
from clientela.accounts.models import User
from clientela.audit.models import Action
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.errors import FieldErrors
from clientela.core.versioning import lock_current, save_new_version

from .models import ICONS, ActivityType, Preset
from .services import clean_reminders, start_of_day

TYPE_FIELDS = ["slug", "name", "name_pt_br", "color", "icon", "is_active", "order"]
PRESET_FIELDS = [
    "name",
    "type",
    "text",
    "due_in_days",
    "business_days",
    "due_time",
    "all_day",
    "reminders",
    "shared",
    "is_active",
    "order",
]
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def _unknown(data: dict, allowed: list[str], errors: FieldErrors) -> None:
    for name in sorted(set(data) - set(allowed)):
        errors.add(name, _("Unknown field."))


def _small_number(data: dict, name: str, errors: FieldErrors, *, most: int) -> int | None:
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        errors.add(name, _("Enter a whole number from 0 to %(n)d.") % {"n": most})
        return None
    return value


def _boolean(data: dict, name: str, errors: FieldErrors) -> bool | None:
    if not isinstance(data[name], bool):
        errors.add(name, _("Enter true or false."))
        return None
    return data[name]


# --- types -----------------------------------------------------------------------------


def _apply_type(kind: ActivityType, data: dict, errors: FieldErrors) -> None:
    _unknown(data, TYPE_FIELDS, errors)
    for name in ("name", "name_pt_br"):
        if name in data:
            value = errors.text(data, name, max_length=60)
            if value is not None:
                setattr(kind, name, value)
    if "slug" in data:
        value = errors.text(data, "slug", max_length=40)
        if value is not None:
            if value != slugify(value) or not value:
                errors.add("slug", _("Use lowercase letters, digits and hyphens."))
            elif kind.pk and value != kind.slug:
                errors.add("slug", _("The code of a type cannot change: the API uses it."))
            else:
                kind.slug = value
    if not kind.slug and kind.name and "slug" not in errors:
        kind.slug = slugify(kind.name)[:40]
    if "color" in data:
        if isinstance(data["color"], str) and _COLOR.fullmatch(data["color"]):
            kind.color = data["color"].lower()
        else:
            errors.add("color", _("Enter a colour as #rrggbb."))
    if "icon" in data:
        if data["icon"] in dict(ICONS):
            kind.icon = data["icon"]
        else:
            errors.add(
                "icon", _("Choose one of: %(choices)s.") % {"choices": ", ".join(dict(ICONS))}
            )
    if "is_active" in data:
        value = _boolean(data, "is_active", errors)
        if value is not None:
            kind.is_active = value
    if "order" in data:
        value = _small_number(data, "order", errors, most=10000)
        if value is not None:
            kind.order = value
    for name in ("name", "name_pt_br"):
        if not getattr(kind, name) and name not in errors:
            errors.add(name, _("This field is required."))
    errors.raise_if_any()


def _save_type(kind: ActivityType, *, new_version: bool) -> None:
    try:
        with transaction.atomic():
            if new_version:
                save_new_version(kind)
            else:
                kind.save()
    except IntegrityError:
        raise ValidationError({"slug": [_("Another type already has this code.")]}) from None


@transaction.atomic
def type_create(*, actor: User, data: dict) -> ActivityType:
    require_admin(actor)
    kind = ActivityType()
    _apply_type(kind, data, FieldErrors())
    _save_type(kind, new_version=False)
    record_change(
        entity=ActivityType.history_entity,
        object_id=kind.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, snapshot(kind, TYPE_FIELDS)),
    )
    return kind


@transaction.atomic
def type_update(
    *, actor: User, kind: ActivityType, data: dict, version: int | None = None
) -> ActivityType:
    require_admin(actor)
    current = lock_current(kind, version)
    before = snapshot(current, TYPE_FIELDS)
    _apply_type(current, data, FieldErrors())
    changes = diff(before, snapshot(current, TYPE_FIELDS))
    if changes:
        _save_type(current, new_version=True)
        record_change(
            entity=ActivityType.history_entity,
            object_id=current.pk,
            action=Action.UPDATE,
            actor=actor,
            changes=changes,
        )
    return current


def active_types():
    return ActivityType.objects.filter(is_active=True)


# --- presets ---------------------------------------------------------------------------


def presets_for(user: User):
    """The presets a user may use: the shared ones and their own."""
    return Preset.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def visible_preset(user: User, preset_id: int) -> Preset:
    from django.http import Http404

    preset = presets_for(user).select_related("type").filter(pk=preset_id).first()
    if preset is None:
        raise Http404
    return preset


def _apply_preset(preset: Preset, data: dict, actor: User, errors: FieldErrors) -> None:
    _unknown(data, PRESET_FIELDS, errors)
    if "name" in data:
        value = errors.text(data, "name", max_length=60)
        if value is not None:
            preset.name = value
    if "text" in data:
        value = errors.text(data, "text", max_length=2000, multiline=True)
        if value is not None:
            preset.text = value
    if "type" in data:
        slug = data["type"]
        current = preset.type.slug if preset.type_id else None
        if slug != current:
            kind = ActivityType.objects.filter(slug=slug, is_active=True).first()
            if kind is None:
                errors.add("type", _("Choose one of the active types."))
            else:
                preset.type = kind
    if "due_in_days" in data:
        value = _small_number(data, "due_in_days", errors, most=365)
        if value is not None:
            preset.due_in_days = value
    for name in ("business_days", "all_day", "is_active"):
        if name in data:
            value = _boolean(data, name, errors)
            if value is not None:
                setattr(preset, name, value)
    if "due_time" in data:
        value = data["due_time"]
        if isinstance(value, str) and value.strip():
            try:
                value = datetime.time.fromisoformat(value.strip())
            except ValueError:
                value = "bad"
        if value in (None, ""):
            preset.due_time = None
        elif isinstance(value, datetime.time):
            preset.due_time = value.replace(second=0, microsecond=0, tzinfo=None)
        else:
            errors.add("due_time", _("Enter a time as HH:MM."))
    if "reminders" in data:
        preset.reminders = clean_reminders(data["reminders"], errors)
    if "order" in data:
        value = _small_number(data, "order", errors, most=10000)
        if value is not None:
            preset.order = value
    if "shared" in data:
        shared = _boolean(data, "shared", errors)
        if shared is not None and shared != preset.shared:
            if not is_admin(actor):
                errors.add("shared", _("Only administrators make presets for everyone."))
            else:
                preset.owner = None if shared else actor
    if not preset.name and "name" not in errors:
        errors.add("name", _("This field is required."))
    if preset.type_id is None and "type" not in errors:
        errors.add("type", _("Choose a type."))
    errors.raise_if_any()


def _preset_history(preset: Preset) -> dict:
    values = snapshot(
        preset,
        [
            "name",
            "text",
            "due_in_days",
            "business_days",
            "due_time",
            "all_day",
            "reminders",
            "owner",
            "is_active",
            "order",
        ],
    )
    values["type"] = preset.type.slug if preset.type_id else None
    return values


def require_preset_change(actor: User, preset: Preset) -> None:
    """A shared preset is for administrators to change; one's own, for oneself."""
    if preset.shared and not is_admin(actor):
        raise PermissionDenied(_("Only administrators change the presets for everyone."))
    if not preset.shared and preset.owner_id != actor.pk:
        raise PermissionDenied(_("This preset is someone else's."))


@transaction.atomic
def preset_create(*, actor: User, data: dict) -> Preset:
    data = dict(data)
    # Admins' presets are for everyone unless they say otherwise; users' are their own.
    shared = data.pop("shared", None)
    preset = Preset(owner=actor)
    if shared is None:
        shared = is_admin(actor)
    _apply_preset(preset, {**data, "shared": shared}, actor, FieldErrors())
    preset.save()
    record_change(
        entity=Preset.history_entity,
        object_id=preset.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, _preset_history(preset)),
    )
    return preset


@transaction.atomic
def preset_update(*, actor: User, preset: Preset, data: dict, version: int | None = None) -> Preset:
    current = lock_current(preset, version)
    require_preset_change(actor, current)
    before = _preset_history(current)
    _apply_preset(current, data, actor, FieldErrors())
    changes = diff(before, _preset_history(current))
    if changes:
        save_new_version(current)
        record_change(
            entity=Preset.history_entity,
            object_id=current.pk,
            action=Action.UPDATE,
            actor=actor,
            changes=changes,
        )
    return current


def preset_due(preset: Preset, user: User, now: datetime.datetime | None = None):
    """The next contact a preset proposes for `user`: (due_at, all_day), in their zone.

    "+2 days" counts calendar days; with business_days, Saturdays and Sundays are
    skipped (holidays are not known). Without a time, the current time of day is kept.
    """
    zone = user.zone
    local = (now or timezone.now()).astimezone(zone)
    day = local.date()
    remaining = preset.due_in_days
    if preset.business_days:
        while remaining > 0 or day.weekday() >= 5:
            day += datetime.timedelta(days=1)
            if day.weekday() < 5:
                remaining -= 1
    else:
        day += datetime.timedelta(days=remaining)
    if preset.all_day:
        return start_of_day(day, zone), True
    wall = preset.due_time or local.time().replace(second=0, microsecond=0, tzinfo=None)
    moment = datetime.datetime.combine(day, wall).replace(tzinfo=zone)
    return moment.astimezone(datetime.UTC).astimezone(zone), False
