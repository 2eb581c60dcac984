"""Business rules for units, users and passwords, and the password reset mails the worker
sends (API tokens and password reset links: tokens.py; login throttling: throttle.py).

Shared by the pages, the API and the command line.
"""

import datetime
import hashlib
import logging
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clientela.audit.models import Action
from clientela.audit.services import diff, record_change, snapshot
from clientela.core.phones import normalize_mobile
from clientela.core.text import clean_text, text_problem
from clientela.core.versioning import lock_current, save_new_version

from . import throttle
from .models import (
    DEFAULT_UNIT_NAME,
    DJANGO_LANGUAGE,
    Language,
    PasswordResetMail,
    Role,
    Scope,
    Unit,
    User,
)
from .tokens import RESET_LINK_VALID, password_reset_tokens

log = logging.getLogger(__name__)

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


MAX_PASSWORD_LENGTH = 4096  # hashing a longer one would only cost CPU time


def _clean_texts(model, data: dict, names) -> dict:
    """The text policy of core.text for every string field of `data`, with the column's length."""
    errors: dict[str, list[str]] = {}
    cleaned = dict(data)
    for name in names:
        if name not in data or data[name] is None:
            continue
        field = model._meta.get_field(name)
        try:
            cleaned[name] = clean_text(data[name], field=name, max_length=field.max_length)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_password_text(data: dict, field: str = "password") -> None:
    password = data.get(field)
    if password is None:
        return
    if not isinstance(password, str):
        raise ValidationError({field: [_("Enter text.")]})
    problem = text_problem(password, max_length=MAX_PASSWORD_LENGTH, multiline=False)
    if problem:
        raise ValidationError({field: [problem]})


USER_TEXT_FIELDS = ["username", "full_name", "email", "phone", "time_zone"]


def _clean_phone(data: dict, current: str = "") -> dict:
    """The user's mobile in E.164 (SMS reminders go there). A value equal to the stored one
    is kept as it is, so a form or a GET -> PATCH round trip that leaves the phone alone
    still saves when an older, unchecked value is stored."""
    phone = data.get("phone")
    if not phone or phone == current:
        return data
    try:
        return {**data, "phone": normalize_mobile(phone)}
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}) from None


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
    name = _clean_texts(Unit, {"name": name}, ["name"])["name"]
    unit = Unit(name=name, is_active=is_active)
    unit.full_clean(validate_unique=False)
    _check_unique_unit_name(unit.name)
    unit.save()
    record_change(
        entity=Unit.history_entity,
        object_id=unit.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, snapshot(unit, UNIT_FIELDS)),
    )
    return unit


@transaction.atomic
def unit_update(*, actor: User, unit: Unit, data: dict, version: int | None = None) -> Unit:
    data = _clean_texts(Unit, data, ["name"])
    unit = lock_current(unit, version)
    before = snapshot(unit, UNIT_FIELDS)
    for name in UNIT_FIELDS:
        if name in data:
            setattr(unit, name, data[name])
    unit.full_clean(validate_unique=False)
    _check_unique_unit_name(unit.name, exclude_pk=unit.pk)
    changes = diff(before, snapshot(unit, UNIT_FIELDS))
    if changes:
        save_new_version(unit)
        record_change(
            entity=Unit.history_entity,
            object_id=unit.pk,
            action=Action.UPDATE,
            actor=actor,
            changes=changes,
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
    data = _clean_phone(_clean_texts(User, data, USER_TEXT_FIELDS))
    _check_password_text(data)
    unknown = set(data) - set(USER_ADMIN_FIELDS) - {"password", "unit_ids"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    user = User(**{k: v for k, v in data.items() if k in USER_ADMIN_FIELDS})
    _admin_sees_everything(user)
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
        entity=User.history_entity,
        object_id=user.pk,
        action=Action.CREATE,
        actor=actor,
        changes=diff({}, _user_snapshot(user)),
    )
    return user


def _admin_sees_everything(user: User) -> None:
    """Administrators always see every record and always have access to the CRM."""
    if user.role == Role.ADMIN:
        user.scope = Scope.ALL
        user.crm_access = True


def end_sessions_and_tokens(user: User) -> None:
    """Log the user out everywhere and revoke their API tokens (saved with the user)."""
    user.session_salt = secrets.token_hex(8)
    user.api_tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def user_update(*, actor: User, user: User, data: dict, version: int | None = None) -> User:
    """An admin changes a user; the last active admin stays an active admin."""
    data = _clean_texts(User, data, USER_TEXT_FIELDS)
    _check_password_text(data)
    unknown = set(data) - set(USER_ADMIN_FIELDS) - {"password", "unit_ids"}
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
    user = lock_current(user, version)
    data = _clean_phone(data, user.phone)
    before = _user_snapshot(user)
    was_active_admin = user.is_active and user.role == Role.ADMIN
    for name in USER_ADMIN_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    _admin_sees_everything(user)
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
        _apply_new_password(user, data["password"], field="password")
    if "unit_ids" in data:
        _set_units(user, data["unit_ids"])
    after = _user_snapshot(user)
    changes = diff(before, after)
    if before["is_active"] and not after["is_active"]:
        # A deactivation ends every session and revokes every token: the user who left is out.
        end_sessions_and_tokens(user)
    if password_reset:
        changes["password_reset"] = [None, True]
    if changes:
        save_new_version(user)
        record_change(
            entity=User.history_entity,
            object_id=user.pk,
            action=Action.UPDATE,
            actor=actor,
            changes=changes,
        )
    return user


@transaction.atomic
def me_update(*, user: User, data: dict) -> User:
    """A user changes their own profile; anything beyond USER_SELF_FIELDS is refused."""
    data = _clean_texts(User, data, USER_TEXT_FIELDS)
    refused = set(data) - set(USER_SELF_FIELDS)
    if refused:
        raise ValidationError(
            {name: [_("You cannot change this field.")] for name in sorted(refused)}
        )
    current = lock_current(user, None)
    data = _clean_phone(data, current.phone)
    before = snapshot(current, USER_SELF_FIELDS)
    for name, value in data.items():
        setattr(current, name, value)
    if current.language not in (None, *Language.values):
        raise ValidationError({"language": [_("Choose pt-BR, en or nothing.")]})
    current.full_clean(exclude=["password"], validate_unique=False)
    _validate_time_zone(current.time_zone)
    changes = diff(before, snapshot(current, USER_SELF_FIELDS))
    if changes:
        save_new_version(current)
        record_change(
            entity=User.history_entity,
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
    """A user changes their own password: every session (the caller keeps its own with
    update_session_auth_hash) and every API token of theirs ends."""
    _check_password_text({"old_password": old_password}, "old_password")
    _check_password_text({"new_password": new_password}, "new_password")
    if not user.check_password(old_password or ""):
        raise ValidationError({"old_password": [_("Your current password is not correct.")]})
    _set_new_password(user, new_password, recorded_as="password_changed")


def _apply_new_password(user: User, new_password: str, *, field: str = "new_password") -> None:
    """Check and set a new password (not saved): the generated first one no longer has to be
    changed, and every session and API token of the user ends, so whoever held the old
    password is out."""
    _validate_password_or_error(new_password, user, field=field)
    user.set_password(new_password)
    user.must_change_password = False
    end_sessions_and_tokens(user)


def _set_new_password(user: User, new_password: str, *, recorded_as: str) -> None:
    """The user chose a new password themselves: set it (see _apply_new_password), save it
    and record the change as `recorded_as` in their history (never the password)."""
    _apply_new_password(user, new_password)
    user.save(update_fields=["password", "must_change_password", "session_salt"])
    record_change(
        entity=User.history_entity,
        object_id=user.pk,
        action=Action.UPDATE,
        actor=user,
        changes={recorded_as: [None, True]},
    )


# --- password reset by e-mail ------------------------------------------------------

# Every request counts, whether or not an account has the address, so the refusal
# says nothing about accounts.
RESET_REQUESTS_PER_ADDRESS = throttle.Limit(refusals=10, window=datetime.timedelta(hours=1))
RESET_REQUESTS_PER_EMAIL = throttle.Limit(refusals=3, window=datetime.timedelta(hours=1))


def _reset_throttle_keys(email: str, address: str) -> list[tuple[str, throttle.Limit]]:
    # The e-mail address is kept hashed: the throttle table is no place for personal data.
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:40]
    return [
        ("reset-addr:" + (throttle.address_part(address) or "unknown"), RESET_REQUESTS_PER_ADDRESS),
        ("reset-mail:" + digest, RESET_REQUESTS_PER_EMAIL),
    ]


def password_reset_request(
    *, email: str, address: str, site_url: str, language: str | None = None
) -> int:
    """Queue a link to choose a new password for each active user with this e-mail address.

    The worker sends them (send_password_reset_mails): sending here would make the answer
    slower, by the mail server's time, exactly when an account has the address. A request
    for an unknown address takes the same path and stores nothing; no SMTP either way.
    `site_url` is where the link starts ("https://crm.example.com/"), `language` the
    request's (for users who chose none). Returns how many mails were queued, for tests
    and logs: the caller answers the same whatever it is, so nobody learns which addresses
    have an account. Raises ValidationError (code "throttled") after too many requests.
    """
    email = clean_text(email, field="email", max_length=254)
    if not email:
        raise ValidationError({"email": [_("This field is required.")]})
    if len(site_url) > PasswordResetMail._meta.get_field("site_url").max_length:
        raise ValidationError(_("This address is too long for a password reset link."))
    keys = _reset_throttle_keys(email, address)
    if any(throttle.refusals_exhausted(key, limit) for key, limit in keys):
        raise ValidationError(
            _(
                "Too many password reset requests. Wait an hour and try again, "
                "or ask an administrator to set a new password for you."
            ),
            code="throttled",
        )
    for key, limit in keys:
        throttle.count_refusal(key, limit)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    mails = [
        PasswordResetMail(user=user, site_url=site_url, language=language[:8])
        for user in User.objects.filter(email__iexact=email, is_active=True).order_by("pk")
        # Compared again in Python: iexact ignores only ASCII case on SQLite.
        if user.has_usable_password() and user.email.casefold() == email.casefold()
    ]
    PasswordResetMail.objects.bulk_create(mails)
    return len(mails)


# After a failed attempt, the next one waits longer; after the last, the mail is given up
# (all well within the hour a queued mail is worth sending, see RESET_LINK_VALID).
RESET_MAIL_RETRY_DELAYS = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=15),
)
RESET_MAIL_ATTEMPTS = len(RESET_MAIL_RETRY_DELAYS) + 1
# A worker that took a mail has this long to send it before another worker may take it
# (it died mid-send): longer than a batch of slow SMTP exchanges.
RESET_MAIL_LEASE = datetime.timedelta(minutes=10)
RESET_MAIL_BATCH = 10
# Sent mails are kept a day (when was it sent?), then forgotten.
SENT_RESET_MAILS_KEPT = datetime.timedelta(days=1)


def _claim_due_reset_mails(now: datetime.datetime, batch_size: int) -> list[PasswordResetMail]:
    """Take a batch of unsent mails that are due, for this worker alone.

    The rows are locked with SKIP LOCKED (on PostgreSQL) while they are leased, in one short
    transaction: another worker claiming at the same moment takes other rows, and a leased
    row is not due again until RESET_MAIL_LEASE has passed. Mails queued longer ago than a
    link is valid are not sent any more (see prune_password_reset_mails).
    """
    with transaction.atomic():
        mails = list(
            PasswordResetMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(
                sent_at__isnull=True,
                attempts__lt=RESET_MAIL_ATTEMPTS,
                next_attempt_at__lte=now,
                created_at__gt=now - RESET_LINK_VALID,
            )
            .order_by("next_attempt_at", "id")[:batch_size]
        )
        PasswordResetMail.objects.filter(pk__in=[mail.pk for mail in mails]).update(
            attempts=F("attempts") + 1, next_attempt_at=now + RESET_MAIL_LEASE
        )
    for mail in mails:
        mail.attempts += 1
    return mails


def send_password_reset_mails(batch_size: int = RESET_MAIL_BATCH) -> int:
    """The worker's job: send a batch of queued password reset mails; returns how many it
    handled. A failure is retried after RESET_MAIL_RETRY_DELAYS, then given up (logged,
    never the link)."""
    now = timezone.now()
    mails = _claim_due_reset_mails(now, batch_size)
    for mail in mails:
        user = mail.user
        if not (user.is_active and user.has_usable_password() and user.email):
            # Deactivated (or the like) since the request: nothing to send any more.
            mail.delete()
            continue
        try:
            _send_reset_link(user, mail.site_url, mail.language)
        except Exception as exc:  # the SMTP server's refusal, a lost connection, an odd address
            # One mail that cannot go out never holds up the others of the batch.
            _reset_mail_failed(mail, exc)
        else:
            PasswordResetMail.objects.filter(pk=mail.pk).update(
                sent_at=timezone.now(), last_error=""
            )
    return len(mails)


def _reset_mail_failed(mail: PasswordResetMail, exc: Exception) -> None:
    # The page said the same as for a sent link: a different answer would tell who has an
    # account. The log (never the link) tells the administrator.
    error = " ".join(str(exc).split())[:300] or type(exc).__name__
    if mail.attempts >= RESET_MAIL_ATTEMPTS:
        log.error(
            "could not send the password reset e-mail of user %s: %s; gave up after %d attempts",
            mail.user_id,
            error,
            mail.attempts,
        )
        PasswordResetMail.objects.filter(pk=mail.pk).update(last_error=error)
        return
    delay = RESET_MAIL_RETRY_DELAYS[mail.attempts - 1]
    log.warning(
        "could not send the password reset e-mail of user %s: %s; trying again in %d minute(s)",
        mail.user_id,
        error,
        delay.total_seconds() // 60,
    )
    PasswordResetMail.objects.filter(pk=mail.pk).update(
        last_error=error, next_attempt_at=timezone.now() + delay
    )


def prune_password_reset_mails() -> int:
    """Housekeeping: drop mails never sent within a link's validity (nobody waits for them
    any more) and sent ones older than a day."""
    now = timezone.now()
    deleted, _details = PasswordResetMail.objects.filter(
        Q(sent_at__isnull=True, created_at__lt=now - RESET_LINK_VALID)
        | Q(sent_at__lt=now - SENT_RESET_MAILS_KEPT)
    ).delete()
    return deleted


def _send_reset_link(user: User, site_url: str, language: str) -> None:
    """Make the link (its hour starts now) and send it; raises on an SMTP failure."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = password_reset_tokens.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"link": f"{uidb64}/{token}"})
    context = {
        "user": user,
        "link": site_url.rstrip("/") + path,
        "hours": int(RESET_LINK_VALID.total_seconds() // 3600),
    }
    # In the user's language when they chose one, else in the language of the request.
    with translation.override(
        DJANGO_LANGUAGE.get(user.language or "") or language or settings.LANGUAGE_CODE
    ):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    EmailMessage(" ".join(subject.split()), body, to=[user.email]).send()


@transaction.atomic
def password_reset_complete(*, user: User, new_password: str, address: str = "") -> None:
    """The user chose a new password through a reset link: every session and API token of
    theirs ends, the change is recorded, and the login throttle forgets their failures."""
    _check_password_text({"new_password": new_password}, "new_password")
    current = lock_current(user, None)
    _set_new_password(current, new_password, recorded_as="password_reset_by_email")
    throttle.forget_login_failures(current.username, address)


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
        if generated:
            # A password printed on a terminal is changed at the first login.
            admin.must_change_password = True
            admin.save(update_fields=["must_change_password"])
        admin.units.add(unit)
        record_change(
            entity=User.history_entity,
            object_id=admin.pk,
            action=Action.CREATE,
            actor=None,
            changes={"username": [None, "admin"], "role": [None, Role.ADMIN]},
        )
        return admin, generated
