"""Optimistic locking: every editable record carries an integer `version`."""

from django.db import models

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
