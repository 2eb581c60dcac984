"""Turning stored values into what people read: history lines, phones, tax ids."""

from django.utils.translation import gettext as _

from clientela.accounts.models import Unit, User

from .brazil import format_phone, format_tax_id
from .models import Kind, Party


def _label(name: str) -> str:
    try:
        return str(Party._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - fields recorded by an older version
        return name


def describe_history(records, user) -> list[tuple]:
    """[(record, [(label, old, new), ...]), ...] with users, units and parties named.

    `records` come from selectors.history_visible_to, so companies the user may not see
    are already masked. Names are looked up in one query per kind, whatever the number.
    """
    user_ids, unit_ids, party_ids = set(), set(), set()
    for record in records:
        for name, values in record.changes.items():
            target = {"owner": user_ids, "unit": unit_ids, "employer": party_ids}.get(name)
            if target is not None:
                target.update(v for v in values if isinstance(v, int))
    names = {
        "owner": {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids)},
        "unit": dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")),
        "employer": dict(
            Party.objects.restrict(user).filter(pk__in=party_ids).values_list("pk", "name")
        ),
    }
    result = []
    for record in records:
        lines = []
        hidden = getattr(record, "hidden", set())
        for name, (old, new) in record.changes.items():
            shown = [
                _("a company you cannot see") if (name, i) in hidden else _show(name, v, names)
                for i, v in enumerate((old, new))
            ]
            lines.append((_label(name), *shown))
        result.append((record, lines))
    return result


def _show(name: str, value, names: dict) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if name in names and isinstance(value, int):
        return names[name].get(value, f"#{value}")
    if name == "phones" and isinstance(value, list):
        return ", ".join(format_phone(v) if isinstance(v, str) else str(v) for v in value)
    if name == "tax_id" and isinstance(value, str):
        return format_tax_id(value)
    if name == "kind":
        return str(dict(Kind.choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def address_lines(party: Party) -> list[str]:
    """The postal address as the lines people write it, leaving out whatever is empty."""
    street = party.street
    if street and party.number:
        street += f", {party.number}"
    if street and party.complement:
        street += f" – {party.complement}"
    place = party.city
    if place and party.state:
        place += f" – {party.state}"
    elif party.state:
        place = party.state
    postal = [_("CEP %(zip)s") % {"zip": party.zip_code}] if party.zip_code else []
    if party.country and party.country != "BR":
        postal.append(party.country)
    lines = [street, " · ".join(p for p in (party.district, place) if p), " · ".join(postal)]
    return [line for line in lines if line]
