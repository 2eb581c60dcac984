"""Business rules for units, users, passwords, tokens and login throttling.

Shared by the pages, the API and the command line.
"""

import datetime
import math
import secrets
import zoneinfo

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.audit.models import Action
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.versioning import lock_current

from .models import (
    DEFAULT_UNIT_NAME,
    ApiToken,
    Language,
    LoginFailure,
    Role,
    Scope,
    Unit,
    User,
    hash_token,
)

UNIT_FIELDS = ["name", "is_active"]
USER_ADMIN_FIELDS = [
    "username",
    "full_name",
    "email",
    "phone",
    "language",
    "time_zone",
    "role",
    "scope",
    "crm_access",
    "is_active",
]
USER_SELF_FIELDS = ["full_name", "email", "phone", "language", "time_zone"]


def _refuse_null_characters(data: dict) -> None:
    """PostgreSQL cannot store NUL in text; refuse it as bad input rather than fail."""
    bad = {
        name: [_("Null characters are not allowed.")]
        for name, value in data.items()
        if isinstance(value, str) and "\x00" in value
    }
    if bad:
        raise ValidationError(bad)


# --- units -----------------------------------------------------------------


def ensure_default_unit() -> Unit:
    unit = Unit.objects.order_by("id").first()
    if unit is None:
        unit = Unit.objects.create(name=DEFAULT_UNIT_NAME)
    return unit


def _check_unique_unit_name(name: str, exclude_pk=None) -> None:
    clash = Unit.objects.filter(name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": [_("A business unit with this name already exists.")]})


@transaction.atomic
def unit_create(*, actor: User, name: str, is_active: bool = True) -> Unit:
    _refuse_null_characters({"name": name})
    unit = Unit(name=(name or "").strip(), is_active=is_active)
    unit.full_clean(validate_unique=False)
    _check_unique_unit_name(unit.name)
    unit.save()
    record_change(
        entity="unit",
        object_id=unit.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, data: dict, version: int | None = None) -> Unit:
    _refuse_null_characters(data)
    unit = lock_current(unit, version)
    before = snapshot(unit, UNIT_FIELDS)
    for name in UNIT_FIELDS:
        if name in data:
            setattr(unit, name, data[name].strip() if name == "name" else data[name])
    unit.full_clean(validate_unique=False)
    _check_unique_unit_name(unit.name, exclude_pk=unit.pk)
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        unit.version += 1
        unit.save()
        record_change(
            entity="unit", object_id=unit.pk, action=Action.UPDATE, actor=actor, changes=changes
        )
    return unit


# --- users -----------------------------------------------------------------


def _validate_time_zone(value: str) -> None:
    if value:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"time_zone": [_("Unknown time zone.")]}) from None


def _check_unique_username(username: str, exclude_pk=None) -> None:
    clash = User.objects.filter(username__iexact=username)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"username": [_("This username is taken.")]})


def _active_admins_other_than(user: User):
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk)


def _set_units(user: User, unit_ids) -> list[int]:
    unit_ids = sorted(set(unit_ids or []))
    found = set(Unit.objects.filter(pk__in=unit_ids).values_list("pk", flat=True))
    missing = [pk for pk in unit_ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "unit_ids": [
                    _("These business units do not exist: %(ids)s.")
                    % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    user.units.set(unit_ids)
    return unit_ids


def _user_snapshot(user: User) -> dict:
    data = snapshot(user, USER_ADMIN_FIELDS)
    data["unit_ids"] = sorted(user.units.values_list("pk", flat=True)) if user.pk else []
    return data


def _validate_password_or_error(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: list(exc.messages)}) from None


@transaction.atomic
def user_create(*, actor: User, data: dict) -> User:
    """An admin creates a user. `data` holds USER_ADMIN_FIELDS, `password` and `unit_ids`."""
    _refuse_null_characters(data)
    unknown = set(data) - set(USER_ADMIN_FIELDS) - {"password", "unit_ids"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    user = User(**{k: v for k, v in data.items() if k in USER_ADMIN_FIELDS})
    if user.role == Role.ADMIN:
        user.scope = Scope.ALL
    if not data.get("password"):
        raise ValidationError({"password": [_("This field is required.")]})
    user.full_clean(exclude=["password"], validate_unique=False)
    _validate_time_zone(user.time_zone)
    _check_unique_username(user.username)
    _validate_password_or_error(data["password"], user)
    user.set_password(data["password"])
    user.save()
    _set_units(user, data.get("unit_ids"))
    record_change(
        entity="user",
        object_id=user.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, _user_snapshot(user)),
    )
    return user


def _end_sessions_and_tokens(user: User) -> None:
    user.session_salt = secrets.token_hex(8)
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict, version: int | None = None) -> User:
    """An admin changes a user; the last active admin stays an active admin."""
    _refuse_null_characters(data)
    unknown = set(data) - set(USER_ADMIN_FIELDS) - {"password", "unit_ids"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    user = lock_current(user, version)
    before = _user_snapshot(user)
    was_active_admin = user.is_active and user.role == Role.ADMIN
    for name in USER_ADMIN_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    if user.role == Role.ADMIN:
        user.scope = Scope.ALL
    user.full_clean(exclude=["password"], validate_unique=False)
    _validate_time_zone(user.time_zone)
    _check_unique_username(user.username, exclude_pk=user.pk)
    still_admin = user.is_active and user.role == Role.ADMIN
    if was_active_admin and not still_admin and not _active_admins_other_than(user).exists():
        field = "is_active" if not user.is_active else "role"
        raise ValidationError(
            {field: [_("The last active administrator cannot be demoted or deactivated.")]}
        )
    password_reset = bool(data.get("password"))
    if password_reset:
        _validate_password_or_error(data["password"], user)
        user.set_password(data["password"])
        # A reset password ends the sessions opened with the old one.
        user.session_salt = secrets.token_hex(8)
    if "unit_ids" in data:
        _set_units(user, data["unit_ids"])
    after = _user_snapshot(user)
    changes = diff(before, after)
    if before["is_active"] and not after["is_active"]:
        _end_sessions_and_tokens(user)
    if password_reset:
        changes["password_reset"] = [None, True]
    if changes:
        user.version += 1
        user.save()
        record_change(
            entity="user", object_id=user.pk, action=Action.UPDATE, actor=actor, changes=changes
        )
    return user


@transaction.atomic
def me_update(*, user: User, data: dict) -> User:
    """A user changes their own profile; anything beyond USER_SELF_FIELDS is refused."""
    _refuse_null_characters(data)
    refused = set(data) - set(USER_SELF_FIELDS)
    if refused:
        raise ValidationError(
            {name: [_("You cannot change this field.")] for name in sorted(refused)}
        )
    current = lock_current(user, None)
    before = snapshot(current, USER_SELF_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    if current.language not in (None, *Language.values):
        raise ValidationError({"language": [_("Choose pt-BR, en or nothing.")]})
    current.full_clean(exclude=["password"], validate_unique=False)
    _validate_time_zone(current.time_zone)
    changes = diff(before, snapshot(current, USER_SELF_FIELDS))
    if changes:
        current.version += 1
        current.save()
        record_change(
            entity="user",
            object_id=current.pk,
            action=Action.UPDATE,
            actor=current,
            changes=changes,
        )
    for name in USER_SELF_FIELDS + ["version"]:
        setattr(user, name, getattr(current, name))
    return user


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": [_("Your current password is not correct.")]})
    _validate_password_or_error(new_password, user, field="new_password")
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_change(
        entity="user",
        object_id=user.pk,
        action=Action.UPDATE,
        actor=user,
        changes={"password_changed": [None, True]},
    )


# --- first run ---------------------------------------------------------------


def bootstrap_admin(password: str | None) -> tuple[User | None, str | None]:
    """On a database with no user: the default unit and `admin`. Returns the generated password."""
    with transaction.atomic():
        unit = ensure_default_unit()
        if User.objects.exists():
            return None, None
        generated = None
        if not password:
            generated = password = secrets.token_urlsafe(12)
        admin = User.objects.create_superuser("admin", password)
        admin.units.add(unit)
        record_change(
            entity="user",
            object_id=admin.pk,
            action=Action.CREATE,
            actor=None,
            changes={"username": [None, "admin"], "role": [None, Role.ADMIN]},
        )
        return admin, generated


# --- API tokens ----------------------------------------------------------------


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


# --- login throttling ------------------------------------------------------------

FREE_FAILURES = {"user": 5, "addr": 30}
MAX_DELAY_SECONDS = 15 * 60


def _throttle_keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [("user", "user:" + (username or "").strip().lower()[:150])]
    if address:
        keys.append(("addr", "addr:" + address[:100]))
    return keys


def login_wait_seconds(username: str, address: str) -> int:
    """Seconds to wait before the next login attempt may be checked (0 = go ahead)."""
    now = timezone.now()
    wait = 0
    keys = [key for _kind, key in _throttle_keys(username, address)]
    for row in LoginFailure.objects.filter(key__in=keys, blocked_until__gt=now):
        wait = max(wait, math.ceil((row.blocked_until - now).total_seconds()))
    return wait


def login_failed(username: str, address: str) -> None:
    """Count a failure; past the free ones, each further failure doubles the delay."""
    now = timezone.now()
    for kind, key in _throttle_keys(username, address):
        with transaction.atomic():
            row, created = LoginFailure.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "last_failure_at": now}
            )
            # A quiet day forgives old failures.
            if not created and now - row.last_failure_at > datetime.timedelta(days=1):
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            over = row.failures - FREE_FAILURES[kind]
            row.blocked_until = (
                (now + datetime.timedelta(seconds=min(2**over, MAX_DELAY_SECONDS)))
                if over >= 0
                else None
            )
            row.save()


def login_succeeded(username: str) -> None:
    LoginFailure.objects.filter(key=_throttle_keys(username, "")[0][1]).delete()


def prune_login_failures() -> int:
    """Housekeeping: forget failures older than a day."""
    cutoff = timezone.now() - datetime.timedelta(days=1)
    deleted, _details = LoginFailure.objects.filter(last_failure_at__lt=cutoff).delete()
    return deleted
