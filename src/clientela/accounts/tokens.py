"""Personal API tokens (created, shown once, stored hashed, revocable) and the links
of a password reset by e-mail."""

import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.http import base36_to_int
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


def tokens_revoke_all(*, user: User) -> int:
    """Revoke every active token of the user; returns how many were revoked."""
    return user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


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


# --- password reset links ------------------------------------------------------------

RESET_LINK_VALID = datetime.timedelta(hours=1)


class PasswordResetTokens(PasswordResetTokenGenerator):
    """Django's reset tokens (they end when the password or the last login changes), also
    ended by anything that ends the user's sessions (a deactivation, another reset), and
    valid for RESET_LINK_VALID rather than the three days of PASSWORD_RESET_TIMEOUT."""

    key_salt = "clientela.accounts.tokens.PasswordResetTokens"

    def _make_hash_value(self, user, timestamp):
        return super()._make_hash_value(user, timestamp) + user.session_salt + str(user.is_active)

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        # super() accepted it, so the timestamp parses.
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= RESET_LINK_VALID.total_seconds()


password_reset_tokens = PasswordResetTokens()
