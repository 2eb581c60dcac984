"""Business rules for parties: create, change, trash, restore, purge.

Pages, API, imports and commands all call these functions, which validate the
whole record first (nothing is stored half), check scope, bump the version
and record the change.
"""

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.access import (
    can_delete_records,
    require_admin,
)
from clientela.accounts.assignment import assign_person_and_unit, record_id
from clientela.accounts.models import User
from clientela.accounts.throttle import Limit, count_refusal, refusals_exhausted
from clientela.audit.models import Action
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.errors import FieldErrors
from clientela.core.text import clean_text
from clientela.core.versioning import lock_current, save_new_version

from . import brazil
from .models import Kind, Party

# The fields a caller may set, in the API's names: the one list the schemas,
# the form and the history derive theirs from.
EDITABLE_FIELDS = [
    "kind",
    "name",
    "trade_name",
    "tax_id",
    "state_registration",
    "municipal_registration",
    "birth_date",
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
RELATION_FIELDS = {"owner_id", "unit_id", "employer_id"}
HISTORY_FIELDS = [
    name.removesuffix("_id") if name in RELATION_FIELDS else name for name in EDITABLE_FIELDS
]
# Plain text columns, checked against the column's own length.
LINE_FIELDS = [
    "name",
    "trade_name",
    "street",
    "number",
    "complement",
    "district",
    "city",
    "job_title",
]
MULTILINE_FIELDS = ["notes"]
BOOLEAN_FIELDS = ["is_customer", "is_supplier", "is_active"]
MAX_PHONES = 10
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# An agent who keeps hitting CPF/CNPJs registered outside their scope is probing.
TAX_ID_PROBING = Limit(refusals=10, window=datetime.timedelta(hours=1))


def max_length(name: str) -> int | None:
    return Party._meta.get_field(name).max_length


class Errors(FieldErrors):
    """FieldErrors whose text fields are limited by the Party columns' own lengths."""

    def text(self, data: dict, name: str, *, multiline: bool = False) -> str | None:
        return super().text(data, name, max_length=max_length(name), multiline=multiline)


def _clean_list(
    value, field: str, errors: Errors, *, separators: str, most: int, too_many, not_a_list, item
) -> list[str]:
    """A list of strings (or one string of separated items), each cleaned by `item(raw)`
    (a ValidationError refuses it), without blanks and repeats, at most `most` long."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        for separator in separators[1:]:
            value = value.replace(separator, separators[0])
        value = value.split(separators[0])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors.add(field, not_a_list)
        return []
    if len(value) > most * 2:  # not worth cleaning each of a thousand
        errors.add(field, too_many)
        return []
    result = []
    for raw in value:
        if not raw.strip():
            continue
        try:
            cleaned = item(raw)
        except ValidationError as exc:
            errors.absorb(exc, field)
            continue
        if cleaned and cleaned not in result:
            result.append(cleaned)
    if len(result) > most:
        errors.add(field, too_many)
    return result


def _clean_phones(value, region: str, errors: Errors, notices: list[str]) -> list[str]:
    def phone(raw: str) -> str:
        number, notice = brazil.normalize_phone_with_notice(raw, region)
        if notice:
            notices.append(notice)
        return number

    return _clean_list(
        value,
        "phones",
        errors,
        separators=",;\n",
        most=MAX_PHONES,
        too_many=_("At most %(n)d phone numbers.") % {"n": MAX_PHONES},
        not_a_list=_("Enter a list of phone numbers."),
        item=phone,
    )


def _clean_tags(value, errors: Errors) -> list[str]:
    return _clean_list(
        value,
        "tags",
        errors,
        separators=",",
        most=MAX_TAGS,
        too_many=_("At most %(n)d tags.") % {"n": MAX_TAGS},
        not_a_list=_("Enter a list of tags."),
        item=lambda raw: clean_text(raw, field="tags", max_length=MAX_TAG_LENGTH),
    )


def _clean_birth_date(value, errors: Errors) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            errors.add("birth_date", _("Enter a date as YYYY-MM-DD."))
            return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors.add("birth_date", _("Enter a date as YYYY-MM-DD."))
        return None
    if not EARLIEST_BIRTH_DATE <= value <= timezone.localdate():
        errors.add("birth_date", _("Enter a date of birth between 1900 and today."))
        return None
    return value


def _apply(party: Party, data: dict, actor: User) -> list[str]:
    """Validate `data` onto `party`, raising one ValidationError with every field's problems.

    Returns notices for the user (e.g. an old 8-digit mobile stored with its 9).
    """
    errors = Errors()
    notices: list[str] = []
    for name in sorted(set(data) - set(EDITABLE_FIELDS)):
        errors.add(name, _("Unknown field."))

    if "kind" in data:
        if data["kind"] in Kind.values:
            party.kind = data["kind"]
        else:
            errors.add("kind", _("Choose person or company."))
    for name in LINE_FIELDS + MULTILINE_FIELDS:
        if name in data:
            value = errors.text(data, name, multiline=name in MULTILINE_FIELDS)
            if value is not None:
                setattr(party, name, value)
    for name in BOOLEAN_FIELDS:
        if name in data:
            if isinstance(data[name], bool):
                setattr(party, name, data[name])
            else:
                errors.add(name, _("Enter true or false."))
    if "country" in data:
        country = errors.text(data, "country")
        if country is not None:
            party.country = country.upper() or "BR"
            if (
                len(party.country) != 2
                or not party.country.isascii()
                or not party.country.isalpha()
            ):
                errors.add("country", _("Enter a two-letter country code."))
    country = party.country
    if "email" in data:
        email = errors.text(data, "email")
        if email is not None:
            party.email = email.lower()
            if party.email:
                try:
                    validate_email(party.email)
                except ValidationError:
                    errors.add("email", _("Enter a valid e-mail address."))
    if "phones" in data:
        party.phones = _clean_phones(data["phones"], country, errors, notices)
    if "tags" in data:
        party.tags = _clean_tags(data["tags"], errors)
    for name, normalize in (
        ("zip_code", brazil.normalize_zip),
        ("state", brazil.normalize_state),
        ("state_registration", brazil.normalize_registration),
        ("municipal_registration", brazil.normalize_registration),
    ):
        if name in data:
            value = errors.text(data, name) if data[name] is not None else ""
            if value is not None:
                try:
                    setattr(party, name, normalize(value, country))
                except ValidationError as exc:
                    errors.absorb(exc, name)
    if "birth_date" in data:
        party.birth_date = _clean_birth_date(data["birth_date"], errors)
    if "tax_id" in data or "kind" in data:
        raw = data.get("tax_id", party.tax_id)
        if raw is not None and not isinstance(raw, str):
            errors.add("tax_id", _("Enter text."))
        elif party.kind in Kind.values:
            try:
                party.tax_id = brazil.normalize_tax_id(raw, party.kind)
            except ValidationError as exc:
                errors.absorb(exc, "tax_id")

    _apply_owner_and_unit(party, data, actor, errors)
    _apply_employer(party, data, actor, errors)
    _check_kind_rules(party, errors)
    if not party.name and "name" not in errors:
        errors.add("name", _("This field is required."))
    if errors:
        raise ValidationError(dict(errors))
    return notices


def _apply_owner_and_unit(party: Party, data: dict, actor: User, errors: Errors) -> None:
    assign_person_and_unit(
        party,
        data,
        actor,
        errors,
        person="owner",
        refusal=_("Choose an owner among the users you may assign."),
    )


def _apply_employer(party: Party, data: dict, actor: User, errors: Errors) -> None:
    if "employer_id" not in data:
        return
    employer_id = record_id(data["employer_id"], "employer_id", errors)
    if party.pk and employer_id == party.employer_id:
        # Unchanged: keep it even when the company is outside the editor's scope.
        return
    if employer_id is None:
        party.employer = None
        return
    employer = Party.objects.restrict(actor).filter(pk=employer_id).first()
    if employer is None or employer.kind != Kind.COMPANY or employer.pk == party.pk:
        errors.add("employer_id", _("Choose a company you can see."))
    elif party.kind != Kind.PERSON:
        errors.add("employer_id", _("Only people work at a company."))
    else:
        party.employer = employer


def _check_kind_rules(party: Party, errors: Errors) -> None:
    """Only people work at a company or have a date of birth; only companies have people."""
    if party.kind == Kind.COMPANY:
        if party.employer_id is not None and "employer_id" not in errors:
            errors.add(
                "kind",
                _(
                    "A person who works at a company cannot become a company: "
                    "remove the company they work at first."
                ),
            )
        if party.birth_date is not None:
            errors.add("birth_date", _("Only people have a date of birth."))
        if party.job_title:
            errors.add(
                "job_title",
                _("Only people who work at a company have a job title: clear it first."),
            )
    elif party.pk and Party.objects.contact_people_of(party).exists():
        errors.add(
            "kind",
            _(
                "This company has contact people (perhaps in the trash), so it cannot "
                "become a person: move them to another company or detach them first."
            ),
        )


def _check_tax_id_free(party: Party, actor: User) -> None:
    """Unique among parties not in the trash, without revealing a record the actor cannot see.

    A clash the actor can see is named (with its id, so the page links to it); one they
    cannot see is only "cannot be used", and repeated refusals of that kind are throttled,
    so nobody can probe which CPFs are customers anywhere.
    """
    if not party.tax_id:
        return
    if refusals_exhausted(_probe_key(actor), TAX_ID_PROBING):
        raise ValidationError(
            {"tax_id": [_("Too many CPF/CNPJs refused in a short time. Try again in an hour.")]},
            code="throttled",
        )
    clash = Party.objects.alive().filter(tax_id=party.tax_id).exclude(pk=party.pk).first()
    if clash is None:
        return
    raise tax_id_refusal(clash, actor)


def tax_id_refusal(clash: Party, actor: User) -> ValidationError:
    if Party.objects.restrict(actor).filter(pk=clash.pk).exists():
        error = ValidationError(
            _("This CPF/CNPJ is already registered for “%(name)s” (#%(id)d).")
            % {"name": clash.name, "id": clash.pk},
            code="tax_id_taken",
            params={"party_id": clash.pk},
        )
    else:
        error = ValidationError(
            _(
                "This CPF/CNPJ cannot be used: it belongs to a record you cannot see. "
                "Ask a manager or an administrator."
            ),
            code="tax_id_unavailable",
        )
    return ValidationError({"tax_id": [error]})


def _probe_key(actor: User) -> str:
    return f"taxid:{actor.pk}"


def _counting_probes(func):
    """Count a refusal of a CPF/CNPJ the actor cannot see, after the refused transaction
    rolled back (counted inside it, the count would roll back too)."""

    @functools.wraps(func)
    def wrapper(*, actor: User, **kwargs):
        try:
            return func(actor=actor, **kwargs)
        except ValidationError as exc:
            errors = getattr(exc, "error_dict", {}).get("tax_id", [])
            if any(error.code == "tax_id_unavailable" for error in errors):
                count_refusal(_probe_key(actor), TAX_ID_PROBING)
            raise

    return wrapper


def _save(party: Party, actor: User, *, new_version: bool = False) -> None:
    party.refresh_search_columns()
    try:
        with transaction.atomic():
            if new_version:
                save_new_version(party)
            else:
                party.save()
    except IntegrityError:
        # Another request registered the same CPF/CNPJ between our check and our insert.
        clash = Party.objects.alive().filter(tax_id=party.tax_id).exclude(pk=party.pk).first()
        if clash is None:
            raise
        raise tax_id_refusal(clash, actor) from None


def _history(party: Party) -> dict:
    return snapshot(party, HISTORY_FIELDS)


@_counting_probes
@transaction.atomic
def party_create(*, actor: User, data: dict, default_unit_id: int | None = None) -> Party:
    party = Party(owner=actor)
    data = dict(data)
    if data.get("unit_id") is None and default_unit_id is not None:
        data["unit_id"] = default_unit_id
    if data.get("is_customer") is None:
        # Contact people of a company are neither customers nor suppliers by default.
        data["is_customer"] = not data.get("employer_id")
    party.notices = _apply(party, data, actor)
    _check_tax_id_free(party, actor)
    _save(party, actor)
    record_change(
        entity=Party.history_entity,
        object_id=party.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, _history(party)),
    )
    return party


@_counting_probes
@transaction.atomic
def party_update(*, actor: User, party: Party, data: dict, version: int | None = None) -> Party:
    """Change a party the actor can see (the caller fetched it through the scope)."""
    current = lock_current(party, version)
    if current.in_trash:
        raise ValidationError(_("This record is in the trash."))
    before = _history(current)
    current.notices = _apply(current, data, actor)
    if current.tax_id != before["tax_id"]:
        # Only a new CPF/CNPJ is checked (and counted against probing), never a kept one.
        _check_tax_id_free(current, actor)
    changes = diff(before, _history(current))
    if changes:
        _save(current, actor, new_version=True)
        record_change(
            entity=Party.history_entity,
            object_id=current.pk,
            action=Action.UPDATE,
            actor=actor,
            changes=changes,
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
    save_new_version(party, update_fields=["deleted_at", "deleted_by"])
    record_change(
        entity=Party.history_entity,
        object_id=party.pk,
        action=Action.DELETE if to_trash else Action.RESTORE,
        actor=actor,
    )
    return party


@transaction.atomic
def party_restore(*, actor: User, party: Party) -> Party:
    require_admin(actor)
    current = lock_current(party, None)
    if not current.in_trash:
        return current
    if current.tax_id:
        clash = Party.objects.alive().filter(tax_id=current.tax_id).first()
        if clash is not None:
            raise ValidationError(
                _(
                    "“%(name)s” cannot be restored: its CPF/CNPJ is now registered for "
                    "“%(other)s” (#%(id)d). Change or remove the CPF/CNPJ of one of them, "
                    "or merge them by hand, then restore again."
                )
                % {"name": current.name, "other": clash.name, "id": clash.pk},
                code="tax_id_taken",
                params={"party_id": clash.pk},
            )
    return _move(current, to_trash=False, actor=actor)


@transaction.atomic
def party_purge(*, actor: User, party: Party) -> None:
    """Delete for good, from the trash only. Its history stays, with a purge record."""
    require_admin(actor)
    current = lock_current(party, None)
    if not current.in_trash:
        raise ValidationError(_("Only records in the trash can be purged."))
    # Its contact people stay, no longer attached to it; each change is recorded.
    for contact in Party.objects.contact_people_of(current).select_for_update():
        contact.employer = None
        save_new_version(contact, update_fields=["employer"])
        record_change(
            entity=Party.history_entity,
            object_id=contact.pk,
            action=Action.UPDATE,
            actor=actor,
            changes={"employer": [current.pk, None]},
        )
    pk = current.pk
    current.delete()
    record_change(entity=Party.history_entity, object_id=pk, action=Action.PURGE, actor=actor)
