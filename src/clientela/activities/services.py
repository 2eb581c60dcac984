"""Business rules of the relationship log: record, change, complete, trash, restore, bulk.

Pages, API, commands and the worker call these. Each validates the whole record first
(nothing is stored half), checks scope, bumps the version, records the change and keeps
the (party, assignee) links that widen scope "own".
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.access import (
    assignable_owners_q,
    can_delete_records,
    require_admin,
)
from clientela.accounts.assignment import assign_person_and_unit, record_id
from clientela.accounts.models import User
from clientela.audit.models import Action, ChangeRecord
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.converters import parse_whole_number
from clientela.core.errors import FieldErrors
from clientela.core.versioning import lock_current, save_new_version
from clientela.parties.models import Party

from .models import Activity, ActivityType, Channel, PartyAssignment, Status

EDITABLE_FIELDS = [
    "party_id",
    "type",
    "description",
    "complaint",
    "internal_note",
    "contacted_at",
    "due_at",
    "all_day",
    "assignee_id",
    "unit_id",
    "status",
    "outcome",
    "reminders",
]
HISTORY_FIELDS = [
    "party",
    "type",
    "description",
    "complaint",
    "internal_note",
    "contacted_at",
    "due_at",
    "all_day",
    "assignee",
    "unit",
    "status",
    "done_at",
    "done_by",
    "outcome",
    "reminders",
]
TEXT_FIELDS = ["description", "complaint", "internal_note", "outcome"]
MAX_REMINDERS = 5
SYNC_BATCH = 500
MAX_MINUTES_BEFORE = 60 * 24 * 30  # a month ahead
# Contacts written down a little later than the clock of the device that sends them.
CLOCK_SLACK = datetime.timedelta(minutes=10)
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)


def _max_length(name: str) -> int | None:
    return Activity._meta.get_field(name).max_length


def _as_moment(
    value, field: str, errors: FieldErrors, *, as_written: bool = False
) -> datetime.datetime | None:
    """An aware date-time (or ISO 8601 text with an offset) within 2000–2099, in UTC (or
    `as_written`, in the offset it came with)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.strip())
        except ValueError:
            errors.add(field, _("Enter a date-time in ISO 8601, e.g. 2026-03-01T14:30:00-03:00."))
            return None
    if not isinstance(value, datetime.datetime):
        errors.add(field, _("Enter a date-time in ISO 8601, e.g. 2026-03-01T14:30:00-03:00."))
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        errors.add(field, _("Enter a date-time with a UTC offset, e.g. 2026-03-01T14:30:00-03:00."))
        return None
    try:
        if not EARLIEST <= value < LATEST:
            errors.add(field, _("Enter a date between 2000 and 2099."))
            return None
    except OverflowError:
        errors.add(field, _("Enter a date between 2000 and 2099."))
        return None
    return value if as_written else value.astimezone(datetime.UTC)


def _now() -> datetime.datetime:
    # Whole seconds: what JSON clients send back compares equal (they keep milliseconds).
    return timezone.now().replace(microsecond=0)


def _same_instant(a, b) -> bool:
    """Within a millisecond: a value read from the API and sent back is no change."""
    return a is not None and b is not None and abs((a - b).total_seconds()) < 0.001


def start_of_day(day: datetime.date, zone) -> datetime.datetime:
    """The first instant of `day` in `zone` (midnight, or later where a DST change skips
    it), in UTC as the database keeps it."""
    naive = datetime.datetime.combine(day, datetime.time())
    # Through UTC: a wall time inside a DST gap comes out as the next real one.
    return naive.replace(tzinfo=zone).astimezone(datetime.UTC)


def clean_reminders(value, errors: FieldErrors) -> list[dict]:
    """[{"channel": …, "minutes_before": N}], without repeats, soonest-before last."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors.add("reminders", _("Enter a list of reminders."))
        return []
    if len(value) > MAX_REMINDERS:
        errors.add("reminders", _("At most %(n)d reminders.") % {"n": MAX_REMINDERS})
        return []
    result = []
    for item in value:
        if not isinstance(item, dict) or set(item) - {"channel", "minutes_before"}:
            errors.add(
                "reminders",
                _('Each reminder is {"channel": …, "minutes_before": N}.'),
            )
            continue
        channel = item.get("channel")
        if channel not in Channel.values:
            errors.add(
                "reminders",
                _("Choose the channel of each reminder among: %(choices)s.")
                % {"choices": ", ".join(Channel.values)},
            )
            continue
        minutes = item.get("minutes_before", 0)
        number = parse_whole_number(minutes) if not isinstance(minutes, bool) else None
        if number is None or number > MAX_MINUTES_BEFORE:
            errors.add(
                "reminders",
                _("A reminder comes 0 to %(n)d minutes before the due time.")
                % {"n": MAX_MINUTES_BEFORE},
            )
            continue
        reminder = {"channel": channel, "minutes_before": number}
        if reminder not in result:
            result.append(reminder)
    result.sort(key=lambda r: (-r["minutes_before"], r["channel"]))
    return result


def _apply(activity: Activity, data: dict, actor: User) -> None:
    """Validate `data` onto `activity`, raising one ValidationError with every problem."""
    errors = FieldErrors()
    for name in sorted(set(data) - set(EDITABLE_FIELDS)):
        errors.add(name, _("Unknown field."))
    creating = activity.pk is None

    if "party_id" in data:
        party_id = record_id(data["party_id"], "party_id", errors)
        if party_id is None and "party_id" not in errors:
            errors.add("party_id", _("Choose a customer or supplier."))
        elif party_id is not None and party_id != activity.party_id:
            # Unknown, trashed or outside the actor's scope: the same words for all three.
            party = Party.objects.restrict(actor).filter(pk=party_id).first()
            if party is None:
                errors.add("party_id", _("Choose a customer or supplier you can see."))
            else:
                activity.party = party
    elif creating:
        errors.add("party_id", _("Choose a customer or supplier."))

    if "type" in data:
        slug = data["type"]
        if not isinstance(slug, str) or not slug.strip():
            errors.add("type", _("Choose a type."))
        elif activity.type_id is None or slug != activity.type.slug:
            kind = ActivityType.objects.filter(slug=slug.strip(), is_active=True).first()
            if kind is None:
                errors.add("type", _("Choose one of the active types."))
            else:
                activity.type = kind
    elif creating:
        errors.add("type", _("Choose a type."))

    for name in TEXT_FIELDS:
        if name in data:
            value = errors.text(data, name, max_length=_max_length(name), multiline=True)
            if value is not None:
                setattr(activity, name, value)

    if "contacted_at" in data:
        moment = _as_moment(data["contacted_at"], "contacted_at", errors)
        if moment is not None:
            if not _same_instant(moment, activity.contacted_at):
                activity.contacted_at = moment
        elif "contacted_at" not in errors:
            activity.contacted_at = _now()
    if activity.contacted_at is None:
        activity.contacted_at = _now()
    elif "contacted_at" in data and activity.contacted_at > timezone.now() + CLOCK_SLACK:
        errors.add(
            "contacted_at",
            _("A contact cannot be in the future: set the next contact's date instead."),
        )

    if "all_day" in data:
        if isinstance(data["all_day"], bool):
            activity.all_day = data["all_day"]
        else:
            errors.add("all_day", _("Enter true or false."))
    due_written = activity.due_at
    if "due_at" in data:
        due_written = _as_moment(data["due_at"], "due_at", errors, as_written=True)
        if "due_at" not in errors and not _same_instant(due_written, activity.due_at):
            activity.due_at = due_written.astimezone(datetime.UTC) if due_written else None

    _apply_assignee_and_unit(activity, data, actor, errors)

    if activity.due_at is not None and "due_at" not in errors:
        zone = activity.assignee.zone if activity.assignee_id else actor.zone
        if activity.all_day:
            # The day as the writer wrote it (in the offset they sent), from its first
            # instant in the assignee's zone.
            if "due_at" in data:
                activity.due_date = due_written.date()
            elif activity.due_date is None:
                activity.due_date = activity.due_at.astimezone(zone).date()
            activity.due_at = start_of_day(activity.due_date, zone)
        else:
            activity.due_date = activity.due_at.astimezone(zone).date()
        contacted_day = activity.contacted_at.astimezone(zone).date()
        too_early = (
            activity.due_date < contacted_day
            if activity.all_day
            else activity.due_at < activity.contacted_at
        )
        if too_early and ("due_at" in data or "contacted_at" in data):
            errors.add("due_at", _("The next contact cannot be before the contact itself."))
    elif activity.due_at is None:
        activity.due_date = None

    if "reminders" in data:
        activity.reminders = clean_reminders(data["reminders"], errors)

    _apply_status(activity, data, actor, errors, creating=creating)
    if activity.reminders and activity.due_at is None and "reminders" not in errors:
        errors.add("reminders", _("Reminders need a next-contact date."))
    errors.raise_if_any()


def _apply_assignee_and_unit(activity: Activity, data: dict, actor: User, errors) -> None:
    assign_person_and_unit(
        activity,
        data,
        actor,
        errors,
        person="assignee",
        refusal=_("Choose an active user with access to the CRM whom you may assign."),
    )


def _apply_status(activity: Activity, data: dict, actor: User, errors, *, creating: bool):
    if "status" in data and data["status"] is not None:
        status = data["status"]
        if status not in Status.values:
            errors.add(
                "status",
                _("Choose one of: %(choices)s.") % {"choices": ", ".join(Status.values)},
            )
            return
    elif creating:
        # A contact with nothing to follow up is done when written down.
        status = Status.OPEN if activity.due_at is not None else Status.DONE
    else:
        status = activity.status
    if status == Status.OPEN and activity.due_at is None and "due_at" not in errors:
        errors.add("due_at", _("A follow-up to do needs the next contact's date."))
    if status != activity.status or creating:
        if status == Status.DONE:
            activity.done_at = timezone.now()
            activity.done_by = actor
        else:
            activity.done_at = None
            activity.done_by = None
    activity.status = status


def _history(activity: Activity) -> dict:
    values = snapshot(activity, [f for f in HISTORY_FIELDS if f != "type"])
    values["type"] = activity.type.slug if activity.type_id else None
    return values


def sync_assignments(pairs) -> None:
    """Keep PartyAssignment true for each (party_id, user_id): a link while the user has an
    open or done follow-up on the party that is not in the trash.

    Set-based, so a bulk change of thousands of rows costs a few queries per batch.
    """
    wanted = {(p, u) for p, u in pairs if p is not None and u is not None}
    pending = sorted(wanted)
    for start in range(0, len(pending), SYNC_BATCH):
        batch = pending[start : start + SYNC_BATCH]
        parties = {p for p, _u in batch}
        users = {u for _p, u in batch}
        holding = set(
            Activity.objects.alive()
            .filter(
                party_id__in=parties,
                assignee_id__in=users,
                status__in=[Status.OPEN, Status.DONE],
            )
            .values_list("party_id", "assignee_id")
            .distinct()
        ) & set(batch)
        PartyAssignment.objects.bulk_create(
            [PartyAssignment(party_id=p, user_id=u) for p, u in holding], ignore_conflicts=True
        )
        gone = [pair for pair in batch if pair not in holding]
        if gone:
            condition = Q()
            for party_id, user_id in gone:
                condition |= Q(party_id=party_id, user_id=user_id)
            PartyAssignment.objects.filter(condition).delete()


def _record(activity: Activity, action: str, actor: User, changes: dict | None = None):
    record_change(
        entity=Activity.history_entity,
        object_id=activity.pk,
        action=action,
        actor=actor,
        changes=changes,
    )


@transaction.atomic
def activity_create(*, actor: User, data: dict, default_unit_id: int | None = None) -> Activity:
    activity = Activity(created_by=actor)
    data = dict(data)
    if data.get("unit_id") is None and default_unit_id is not None:
        data["unit_id"] = default_unit_id
    _apply(activity, data, actor)
    activity.save()
    _record(activity, Action.CREATE, actor, diff({}, _history(activity)))
    sync_assignments([(activity.party_id, activity.assignee_id)])
    return activity


@transaction.atomic
def activity_update(
    *, actor: User, activity: Activity, data: dict, version: int | None = None
) -> Activity:
    """Change an activity the actor can see (the caller fetched it through the scope)."""
    current = lock_current(activity, version)
    if current.in_trash:
        raise ValidationError(_("This record is in the trash."))
    before = _history(current)
    old_pair = (current.party_id, current.assignee_id)
    _apply(current, data, actor)
    changes = diff(before, _history(current))
    if changes:
        save_new_version(current)
        _record(current, Action.UPDATE, actor, changes)
        sync_assignments([old_pair, (current.party_id, current.assignee_id)])
    return current


@transaction.atomic
def activity_complete(
    *,
    actor: User,
    activity: Activity,
    outcome: str = "",
    next_data: dict | None = None,
    version: int | None = None,
    default_unit_id: int | None = None,
) -> tuple[Activity, Activity | None]:
    """ "Baixar": done, by whom, when, with an outcome; optionally open the next follow-up
    in the same transaction (same party, type, assignee and unit unless given)."""
    current = lock_current(activity, version)
    if current.in_trash:
        raise ValidationError(_("This record is in the trash."))
    if current.status != Status.OPEN:
        raise ValidationError({"status": [_("Only a follow-up still to do can be completed.")]})
    errors = FieldErrors()
    text = errors.text(
        {"outcome": outcome}, "outcome", max_length=_max_length("outcome"), multiline=True
    )
    next_activity = None
    if next_data is not None:
        base = {
            "party_id": current.party_id,
            "type": current.type.slug,
            "assignee_id": current.assignee_id,
            "unit_id": current.unit_id,
        }
        try:
            next_activity = activity_create(
                actor=actor, data={**base, **next_data}, default_unit_id=default_unit_id
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    errors.add(f"next.{field}", message)
    errors.raise_if_any()
    before = _history(current)
    current.status = Status.DONE
    current.done_at = timezone.now()
    current.done_by = actor
    current.outcome = text or ""
    save_new_version(current)
    _record(current, Action.UPDATE, actor, diff(before, _history(current)))
    return current, next_activity


@transaction.atomic
def activity_trash(*, actor: User, activity: Activity, version: int | None = None) -> Activity:
    if not can_delete_records(actor) and activity.assignee_id != actor.pk:
        raise PermissionDenied(
            _("Your role allows moving to the trash only the follow-ups assigned to you.")
        )
    current = lock_current(activity, version)
    if current.in_trash:
        return current
    return _move(current, to_trash=True, actor=actor)


def _move(activity: Activity, *, to_trash: bool, actor: User) -> Activity:
    activity.deleted_at = timezone.now() if to_trash else None
    activity.deleted_by = actor if to_trash else None
    save_new_version(activity, update_fields=["deleted_at", "deleted_by"])
    _record(activity, Action.DELETE if to_trash else Action.RESTORE, actor)
    sync_assignments([(activity.party_id, activity.assignee_id)])
    return activity


@transaction.atomic
def activity_restore(*, actor: User, activity: Activity) -> Activity:
    require_admin(actor)
    current = lock_current(activity, None)
    if not current.in_trash:
        return current
    if current.party.in_trash:
        raise ValidationError(
            _("Restore the customer or supplier “%(name)s” first: it is in the trash.")
            % {"name": current.party.name}
        )
    return _move(current, to_trash=False, actor=actor)


# --- bulk actions ------------------------------------------------------------------------

BULK_LIMIT = 5000
BULK_ACTIONS = ("complete", "reassign", "reschedule", "trash")


@transaction.atomic
def activity_bulk(*, actor: User, activities, action: str, params: dict | None = None) -> int:
    """Apply one action to many activities the actor can see, in one transaction.

    `activities` is a queryset already restricted to the actor. Each change is recorded;
    the work is a bounded number of queries whatever the number of rows (bulk update,
    bulk insert of the history), up to BULK_LIMIT rows at once.
    """
    params = params or {}
    if action not in BULK_ACTIONS:
        raise ValidationError(
            {"action": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(BULK_ACTIONS)}]}
        )
    if action == "trash" and not can_delete_records(actor):
        raise PermissionDenied(_("Your role does not allow moving records to the trash."))
    rows = list(
        activities.alive()
        .select_for_update(of=("self",))
        .select_related("type", "assignee")
        .order_by("id")[: BULK_LIMIT + 1]
    )
    if len(rows) > BULK_LIMIT:
        raise ValidationError(
            _("Choose at most %(n)d records at once; narrow the filter.") % {"n": BULK_LIMIT}
        )
    now = timezone.now()
    errors = FieldErrors()
    change = _bulk_change(action, params, actor, errors, now)
    errors.raise_if_any()
    changed, records, pairs, fields = [], [], [], set()
    for activity in rows:
        before = _history(activity)
        pairs.append((activity.party_id, activity.assignee_id))
        touched = change(activity)
        if not touched:
            continue
        changes = diff(before, _history(activity))
        if not changes and action != "trash":
            continue
        fields.update(touched)
        activity.version += 1
        activity.updated_at = now
        changed.append(activity)
        pairs.append((activity.party_id, activity.assignee_id))
        records.append(
            ChangeRecord(
                entity=Activity.history_entity,
                object_id=activity.pk,
                action=Action.DELETE if action == "trash" else Action.UPDATE,
                actor=actor,
                actor_name=actor.get_username(),
                at=now,
                changes={} if action == "trash" else changes,
            )
        )
    if changed:
        Activity.objects.bulk_update(
            changed, sorted(fields | {"version", "updated_at"}), batch_size=500
        )
        ChangeRecord.objects.bulk_create(records, batch_size=500)
        sync_assignments(pairs)
    return len(changed)


def _bulk_change(action: str, params: dict, actor: User, errors: FieldErrors, now):
    """The function that changes one row for `action` (and returns the fields it set)."""
    if action == "complete":
        outcome = errors.text(
            {"outcome": params.get("outcome", "")},
            "outcome",
            max_length=_max_length("outcome"),
            multiline=True,
        )

        def complete(activity):
            if activity.status != Status.OPEN:
                return []
            activity.status, activity.done_at, activity.done_by = Status.DONE, now, actor
            activity.outcome = outcome or activity.outcome
            return ["status", "done_at", "done_by", "outcome"]

        return complete
    if action == "reassign":
        assignee_id = record_id(params.get("assignee_id"), "assignee_id", errors)
        assignee = (
            User.objects.filter(assignable_owners_q(actor), pk=assignee_id).first()
            if assignee_id
            else None
        )
        if assignee is None and "assignee_id" not in errors:
            errors.add(
                "assignee_id",
                _("Choose an active user with access to the CRM whom you may assign."),
            )

        def reassign(activity):
            if activity.assignee_id == assignee.pk:
                return []
            activity.assignee = assignee
            if activity.all_day and activity.due_date:
                activity.due_at = start_of_day(activity.due_date, assignee.zone)
            return ["assignee", "due_at"]

        return reassign
    if action == "reschedule":
        return _reschedule(params, actor, errors)

    def trash(activity):
        activity.deleted_at, activity.deleted_by = now, actor
        return ["deleted_at", "deleted_by"]

    return trash


def _reschedule(params: dict, actor: User, errors: FieldErrors):
    """To a date (keeping each one's time of day), or shifted by N days (-365…365)."""
    shift_days = params.get("shift_days")
    to_date = params.get("date")
    if (shift_days is None) == (to_date in (None, "")):
        errors.add("date", _("Give either a new date or a number of days to shift by."))
        return None
    if shift_days is not None:
        if (
            isinstance(shift_days, bool)
            or not isinstance(shift_days, int)
            or not (-365 <= shift_days <= 365)
        ):
            errors.add("shift_days", _("Shift by -365 to 365 days."))
            return None
    else:
        if isinstance(to_date, str):
            try:
                to_date = datetime.date.fromisoformat(to_date.strip())
            except ValueError:
                to_date = None
        if not isinstance(to_date, datetime.date) or not 2000 <= to_date.year < 2100:
            errors.add("date", _("Enter a date as YYYY-MM-DD."))
            return None

    def reschedule(activity):
        if activity.status != Status.OPEN or activity.due_at is None:
            return []
        zone = activity.assignee.zone
        day = activity.due_date or activity.due_at.astimezone(zone).date()
        new_day = day + datetime.timedelta(days=shift_days) if shift_days is not None else to_date
        if activity.all_day:
            activity.due_at = start_of_day(new_day, zone)
        else:
            wall = activity.due_at.astimezone(zone).time()
            moment = datetime.datetime.combine(new_day, wall).replace(tzinfo=zone)
            activity.due_at = moment.astimezone(datetime.UTC)
        activity.due_date = new_day
        return ["due_at", "due_date"]

    return reschedule
