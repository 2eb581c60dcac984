"""Optimistic locking: every editable record carries an integer `version`."""

from django.db import models

from .converters import parse_whole_number
from .errors import EditConflict


def lock_current(instance: models.Model, expected_version: int | None) -> models.Model:
    """Re-read the row under a row lock and refuse a stale version.

    Call inside transaction.atomic(). `expected_version=None` means the caller
    does not track versions (plain API clients): the change applies.
    """
    # _meta.model, not type(): request.user is a lazy proxy object.
    current = instance._meta.model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(current)
    return current


def save_new_version(instance: models.Model, *, update_fields: list[str] | None = None) -> None:
    """Save a changed record with the next version, so stale editors get a conflict."""
    instance.version += 1
    if update_fields is not None:
        update_fields = [*update_fields, "version"]
        if any(f.name == "updated_at" for f in instance._meta.concrete_fields):
            update_fields.append("updated_at")
    instance.save(update_fields=update_fields)


def parse_version(value) -> int | None:
    """A version number from a form or header ("3"), None when absent or not a number."""
    return parse_whole_number(value)
