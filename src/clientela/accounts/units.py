"""The current business unit: a session choice that sets default filters and new records' unit."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Unit

SESSION_KEY = "current_unit_id"


def switchable_units(user) -> list[Unit]:
    if not hasattr(user, "_switchable_units"):
        if user.is_admin:
            units = Unit.objects.filter(is_active=True)
        else:
            units = Unit.objects.filter(is_active=True, pk__in=user.unit_ids())
        user._switchable_units = list(units.order_by("name"))
    return user._switchable_units


def current_unit(request) -> Unit | None:
    units = switchable_units(request.user)
    chosen = request.session.get(SESSION_KEY)
    for unit in units:
        if unit.pk == chosen:
            return unit
    # No (valid) choice yet: the user's first own unit, else the first they may use.
    own = request.user.unit_ids()
    for unit in units:
        if unit.pk in own:
            return unit
    return units[0] if units else None


def set_current_unit(request, unit_id) -> Unit:
    for unit in switchable_units(request.user):
        if str(unit.pk) == str(unit_id):
            request.session[SESSION_KEY] = unit.pk
            return unit
    raise ValidationError(_("Choose one of your business units."))


def default_unit_id(user, chosen: Unit | None = None) -> int | None:
    """The unit a new record takes when the caller names none: the page's current unit
    (`chosen`), else the user's only unit; None when that is ambiguous (then it is asked)."""
    if chosen is not None:
        return chosen.pk
    unit_ids = user.unit_ids()
    return unit_ids[0] if len(unit_ids) == 1 else None
