"""Who a record belongs to and where: the owner (or assignee) and business unit a service
sets on any record, by one rule.

A value sent back unchanged is no change, even when the actor could not choose it now (an
owner in another unit, a deactivated unit), so GET -> PATCH round-trips and an untouched
form field changes nothing. A new value must be one the actor may assign
(accounts.access). Empty means: the actor, for the person; for the unit, an error.
"""

from django.utils.translation import gettext as _

from clientela.core.converters import parse_whole_number
from clientela.core.errors import FieldErrors

from .access import assignable_owners_q, assignable_units_q
from .models import Unit, User


def record_id(value, field: str, errors: FieldErrors) -> int | None:
    """An id from the API or a form: None when empty; an error when not a number or < 1."""
    if value is None or value == "":
        return None
    number = parse_whole_number(value)
    if number is None:
        errors.add(field, _("Enter a number."))
    elif number < 1:
        errors.add(field, _("No such record."))
        return None
    return number


def assign_person_and_unit(
    record, data: dict, actor: User, errors: FieldErrors, *, person: str, refusal: str
) -> None:
    """Apply data[f"{person}_id"] and data["unit_id"] to `record` (see the module's doc);
    `refusal` is the sentence for a person the actor may not assign."""
    field = f"{person}_id"
    if field in data:
        person_id = record_id(data[field], field, errors)
        if person_id is not None and person_id != getattr(record, field):
            chosen = User.objects.filter(assignable_owners_q(actor), pk=person_id).first()
            if chosen is None:
                errors.add(field, refusal)
            else:
                setattr(record, person, chosen)
    if getattr(record, field) is None:
        setattr(record, person, actor)
    if "unit_id" in data:
        unit_id = record_id(data["unit_id"], "unit_id", errors)
        if unit_id is not None and unit_id != record.unit_id:
            unit = Unit.objects.filter(assignable_units_q(actor), pk=unit_id).first()
            if unit is None:
                errors.add("unit_id", _("Choose one of the business units you may use."))
            else:
                record.unit = unit
    if record.unit_id is None and "unit_id" not in errors:
        errors.add("unit_id", _("Choose a business unit."))
