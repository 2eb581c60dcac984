"""Business rules for parties: create, change, trash, restore, purge.

Pages, API, imports and commands all call these functions, which validate the
whole record first (nothing is stored half), check scope, bump the version
and record the change.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.access import (
    assignable_owners_q,
    assignable_units_q,
    can_delete_records,
    require_admin,
)
from clientela.accounts.models import Unit, User
from clientela.audit.models import Action
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.converters import MAX_ID
from clientela.core.versioning import lock_current

from . import brazil
from .models import Kind, Party

# The fields a caller may set, in the API's names.
EDITABLE_FIELDS = [
    "kind",
    "name",
    "trade_name",
    "tax_id",
    "is_customer",
    "is_supplier",
    "email",
    "phones",
    "street",
    "number",
    "complement",
    "district",
    "zip_code",
    "city",
    "state",
    "country",
    "tags",
    "notes",
    "is_active",
    "employer_id",
    "job_title",
    "owner_id",
    "unit_id",
]
HISTORY_FIELDS = [
    name.removesuffix("_id") if name in {"owner_id", "unit_id", "employer_id"} else name
    for name in EDITABLE_FIELDS
]
MAX_PHONES = 10
MAX_TAGS = 20
NOTES_MAX_LENGTH = Party._meta.get_field("notes").max_length


def _text(value, field: str, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.setdefault(field, []).append(_("Enter text."))
        return ""
    if "\x00" in value:
        errors.setdefault(field, []).append(_("Null characters are not allowed."))
        return ""
    return value.strip()


def _clean_phones(value, region: str, errors: dict) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").replace("\n", ",").split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault("phones", []).append(_("Enter a list of phone numbers."))
        return []
    result = []
    for raw in value:
        if not raw.strip():
            continue
        try:
            number = brazil.normalize_phone(raw, region)
        except ValidationError as exc:
            errors.setdefault("phones", []).extend(exc.messages)
            continue
        if number not in result:
            result.append(number)
    if len(result) > MAX_PHONES:
        errors.setdefault("phones", []).append(
            _("At most %(n)d phone numbers.") % {"n": MAX_PHONES}
        )
    return result


def _clean_tags(value, errors: dict) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.setdefault("tags", []).append(_("Enter a list of tags."))
        return []
    if any("\x00" in t for t in value):
        errors.setdefault("tags", []).append(_("Null characters are not allowed."))
        return []
    tags = list(dict.fromkeys(t.strip() for t in value if t.strip()))
    if len(tags) > MAX_TAGS or any(len(t) > 40 for t in tags):
        errors.setdefault("tags", []).append(
            _("At most %(n)d tags of up to 40 characters each.") % {"n": MAX_TAGS}
        )
    return tags


def _apply(party: Party, data: dict, actor: User) -> None:
    """Validate `data` onto `party`, raising one ValidationError with every field's problems."""
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(EDITABLE_FIELDS)
    for name in sorted(unknown):
        errors[name] = [_("Unknown field.")]

    if "kind" in data:
        party.kind = data["kind"]
    if party.kind not in Kind.values:
        errors.setdefault("kind", []).append(_("Choose person or company."))
    for name in [
        "name",
        "trade_name",
        "street",
        "number",
        "complement",
        "district",
        "city",
        "notes",
        "job_title",
    ]:
        if name in data:
            setattr(party, name, _text(data[name], name, errors))
    for name in ["is_customer", "is_supplier", "is_active"]:
        if name in data:
            if not isinstance(data[name], bool):
                errors.setdefault(name, []).append(_("Enter true or false."))
            else:
                setattr(party, name, data[name])
    if "country" in data:
        party.country = _text(data["country"], "country", errors).upper() or "BR"
        if len(party.country) != 2 or not party.country.isalpha():
            errors.setdefault("country", []).append(_("Enter a two-letter country code."))
    country = party.country
    if "email" in data:
        party.email = _text(data["email"], "email", errors).lower()
        if party.email:
            try:
                validate_email(party.email)
            except ValidationError:
                errors.setdefault("email", []).append(_("Enter a valid e-mail address."))
    if "phones" in data:
        party.phones = _clean_phones(data["phones"], country, errors)
    if "tags" in data:
        party.tags = _clean_tags(data["tags"], errors)
    if "zip_code" in data:
        try:
            party.zip_code = brazil.normalize_zip(
                _text(data["zip_code"], "zip_code", errors), country
            )
        except ValidationError as exc:
            errors.setdefault("zip_code", []).extend(exc.messages)
    if "state" in data:
        try:
            party.state = brazil.normalize_state(_text(data["state"], "state", errors), country)
        except ValidationError as exc:
            errors.setdefault("state", []).extend(exc.messages)
    if "tax_id" in data or "kind" in data:
        raw = data.get("tax_id", party.tax_id)
        if raw is not None and not isinstance(raw, str):
            errors.setdefault("tax_id", []).append(_("Enter text."))
        elif party.kind in Kind.values:
            try:
                party.tax_id = brazil.normalize_tax_id(raw, party.kind)
            except ValidationError as exc:
                errors.setdefault("tax_id", []).extend(exc.messages)

    _apply_owner_and_unit(party, data, actor, errors)
    _apply_employer(party, data, actor, errors)

    if not party.name and "name" not in errors:
        errors.setdefault("name", []).append(_("This field is required."))
    if len(party.notes) > NOTES_MAX_LENGTH:
        errors.setdefault("notes", []).append(
            _("Use at most %(n)d characters.") % {"n": NOTES_MAX_LENGTH}
        )
    try:
        party.full_clean(
            exclude=[
                "owner",
                "unit",
                "employer",
                "deleted_by",
                "tax_id",
                "state",
                "zip_code",
                "email",
                "phones",
                "tags",
                "kind",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(
                m for m in messages if m not in errors.get(field, [])
            )
    if errors:
        raise ValidationError(errors)


def _as_id(value, field: str, errors: dict):
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    try:
        number = int(value)
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not 1 <= number <= MAX_ID:
        errors.setdefault(field, []).append(_("No such record."))
        return None
    return number


def _apply_owner_and_unit(party: Party, data: dict, actor: User, errors: dict) -> None:
    if "owner_id" in data:
        owner_id = _as_id(data["owner_id"], "owner_id", errors)
        if owner_id is not None:
            owner = User.objects.filter(assignable_owners_q(actor), pk=owner_id).first()
            if owner is None:
                errors.setdefault("owner_id", []).append(
                    _("Choose an owner among the users you may assign.")
                )
            else:
                party.owner = owner
    if party.owner_id is None:
        party.owner = actor
    if "unit_id" in data:
        unit_id = _as_id(data["unit_id"], "unit_id", errors)
        if unit_id is not None:
            unit = Unit.objects.filter(assignable_units_q(actor), pk=unit_id).first()
            if unit is None:
                errors.setdefault("unit_id", []).append(
                    _("Choose one of the business units you may use.")
                )
            else:
                party.unit = unit
    if party.unit_id is None and "unit_id" not in errors:
        errors["unit_id"] = [_("Choose a business unit.")]


def _apply_employer(party: Party, data: dict, actor: User, errors: dict) -> None:
    if "employer_id" not in data:
        return
    employer_id = _as_id(data["employer_id"], "employer_id", errors)
    if party.pk and employer_id == party.employer_id:
        # Unchanged: keep it even when the company is outside the editor's scope.
        return
    if employer_id is None:
        party.employer = None
        return
    employer = Party.objects.visible_to(actor).filter(pk=employer_id).first()
    if employer is None or employer.kind != Kind.COMPANY or employer.pk == party.pk:
        errors.setdefault("employer_id", []).append(_("Choose a company you can see."))
    elif party.kind != Kind.PERSON:
        errors.setdefault("employer_id", []).append(_("Only people work at a company."))
    else:
        party.employer = employer


def _check_tax_id_free(party: Party) -> None:
    """Unique among parties not in the trash; the message says nothing about the other party."""
    if not party.tax_id:
        return
    clash = Party.objects.alive().filter(tax_id=party.tax_id)
    if party.pk:
        clash = clash.exclude(pk=party.pk)
    if clash.exists():
        raise ValidationError({"tax_id": [_("This CPF/CNPJ is already registered.")]})


def _save(party: Party) -> None:
    party.refresh_search_columns()
    try:
        with transaction.atomic():
            party.save()
    except IntegrityError:
        # Another request registered the same CPF/CNPJ between our check and our insert.
        raise ValidationError({"tax_id": [_("This CPF/CNPJ is already registered.")]}) from None


def _history(party: Party) -> dict:
    return snapshot(party, HISTORY_FIELDS)


@transaction.atomic
def party_create(*, actor: User, data: dict, default_unit_id: int | None = None) -> Party:
    party = Party(owner=actor)
    if "unit_id" not in data and default_unit_id is not None:
        data = {**data, "unit_id": default_unit_id}
    _apply(party, data, actor)
    _check_tax_id_free(party)
    _save(party)
    record_change(
        entity="party",
        object_id=party.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, _history(party)),
    )
    return party


@transaction.atomic
def party_update(*, actor: User, party: Party, data: dict, version: int | None = None) -> Party:
    """Change a party the actor can see (the caller fetched it through the scope)."""
    current = lock_current(party, version)
    if current.in_trash:
        raise ValidationError(_("This record is in the trash."))
    before = _history(current)
    _apply(current, data, actor)
    _check_tax_id_free(current)
    changes = diff(before, _history(current))
    if changes:
        current.version += 1
        _save(current)
        record_change(
            entity="party", object_id=current.pk, action=Action.UPDATE, actor=actor, changes=changes
        )
    return current


@transaction.atomic
def party_trash(*, actor: User, party: Party, version: int | None = None) -> Party:
    if not can_delete_records(actor):
        raise PermissionDenied(_("Your role does not allow moving records to the trash."))
    current = lock_current(party, version)
    if current.in_trash:
        return current
    return _move(current, to_trash=True, actor=actor)


def _move(party: Party, *, to_trash: bool, actor: User) -> Party:
    """Into or out of the trash, with a new version and a history record."""
    party.deleted_at = timezone.now() if to_trash else None
    party.deleted_by = actor if to_trash else None
    party.version += 1
    party.save(update_fields=["deleted_at", "deleted_by", "version", "updated_at"])
    action = Action.DELETE if to_trash else Action.RESTORE
    record_change(entity="party", object_id=party.pk, action=action, actor=actor)
    return party


@transaction.atomic
def party_restore(*, actor: User, party: Party) -> Party:
    require_admin(actor)
    current = lock_current(party, None)
    if not current.in_trash:
        return current
    _check_tax_id_free(current)
    return _move(current, to_trash=False, actor=actor)


@transaction.atomic
def party_purge(*, actor: User, party: Party) -> None:
    """Delete for good, from the trash only. Its history stays, with a purge record."""
    require_admin(actor)
    current = lock_current(party, None)
    if not current.in_trash:
        raise ValidationError(_("Only records in the trash can be purged."))
    # Its contact people stay, no longer attached to it; each change is recorded.
    for contact in Party.objects.filter(employer=current).select_for_update():
        contact.employer = None
        contact.version += 1
        contact.save(update_fields=["employer", "version", "updated_at"])
        record_change(
            entity="party",
            object_id=contact.pk,
            action=Action.UPDATE,
            actor=actor,
            changes={"employer": [current.pk, None]},
        )
    pk = current.pk
    current.delete()
    record_change(entity="party", object_id=pk, action=Action.PURGE, actor=actor)
