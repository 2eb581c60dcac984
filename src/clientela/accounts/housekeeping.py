"""Housekeeping jobs of the worker that belong to accounts: expired login sessions."""

from importlib import import_module

from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

SESSION_BATCH_SIZE = 1000


def clear_expired_sessions(batch_size: int = SESSION_BATCH_SIZE) -> int:
    """Delete expired sessions in small batches (Django's `clearsessions`, batched)."""
    if settings.SESSION_ENGINE not in {
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    }:
        # Other engines (cache, signed cookies) expire sessions themselves.
        import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
        return 0
    now = timezone.now()
    total = 0
    while True:
        keys = list(
            Session.objects.filter(expire_date__lt=now).values_list("pk", flat=True)[:batch_size]
        )
        if not keys:
            break
        deleted, _details = Session.objects.filter(pk__in=keys).delete()
        total += deleted
        if len(keys) < batch_size:
            break
    return total
