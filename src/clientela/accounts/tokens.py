"""Personal API tokens: created, shown once, stored hashed, revocable."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import ApiToken, User, hash_token


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the raw value is returned once and never stored."""
    name = (name or "").strip() or _("API token")
    if len(name) > 80:
        raise ValidationError({"name": [_("Use at most 80 characters.")]})
    if not user.is_active:
        raise ValidationError({"user": [_("This user is inactive.")]})
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw), hint=raw[:8])
    return token, raw


def token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None (unknown, revoked, inactive)."""
    if not raw or not raw.startswith(ApiToken.PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Write at most once a minute per token: busy clients should not turn reads into writes.
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
