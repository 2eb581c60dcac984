"""Recording changes. Services call these inside their own transaction."""

import datetime
import decimal
import uuid

from django.db.models import Model
from django.utils import timezone

from .models import Action, ChangeRecord

REDACTED = "[redacted]"
# Never recorded, whatever model they appear on.
SECRET_FIELDS = {"password", "token_hash", "session_salt"}


def json_value(value):
    """A value as it is stored in a change record."""
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def snapshot(instance: Model, fields: list[str]) -> dict:
    """The current values of `fields` (attnames for foreign keys), ready for `diff`."""
    result = {}
    for name in fields:
        field = instance._meta.get_field(name)
        result[name] = json_value(getattr(instance, field.attname))
    return result


EMPTY_VALUES = (None, "", [])


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed; nothing to empty is not a change."""
    return {
        name: [before.get(name), value]
        for name, value in after.items()
        if name not in SECRET_FIELDS
        and before.get(name) != value
        and not (before.get(name) in EMPTY_VALUES and value in EMPTY_VALUES)
    }


def record_change(
    *,
    entity: str,
    object_id: int,
    action: str,
    actor,
    changes: dict | None = None,
    at: datetime.datetime | None = None,
) -> ChangeRecord:
    clean = {k: v for k, v in (changes or {}).items() if k not in SECRET_FIELDS}
    return ChangeRecord.objects.create(
        entity=entity,
        object_id=object_id,
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None and actor.pk else ""),
        at=at or timezone.now(),
        changes=clean,
    )


def history_for(entity: str, object_id: int):
    return ChangeRecord.objects.filter(entity=entity, object_id=object_id).select_related("actor")


def history_of(instance: Model):
    """The recorded changes of a model instance whose class names its `history_entity`."""
    return history_for(instance.history_entity, instance.pk)


def history_redact(*, entity: str, object_id: int, fields: list[str] | None, actor) -> int:
    """Blank recorded values (all, or only `fields`) of one record, for an LGPD erasure."""
    count = 0
    for record in ChangeRecord.objects.filter(entity=entity, object_id=object_id):
        changed = False
        for name, values in record.changes.items():
            if fields is None or name in fields:
                record.changes[name] = [REDACTED if v not in (None, "") else v for v in values]
                changed = True
        if changed:
            record.save(update_fields=["changes"])
            count += 1
    record_change(
        entity=entity,
        object_id=object_id,
        action=Action.REDACT,
        actor=actor,
        changes={"fields": [None, sorted(fields) if fields else "all"]},
    )
    return count


def last_change(instance: Model) -> ChangeRecord | None:
    """The latest recorded change of `instance`: who and when (e.g. to tell "you, elsewhere")."""
    return history_of(instance).only("actor_id", "at").first()
