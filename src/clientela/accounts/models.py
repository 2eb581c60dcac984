import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.core.phones import format_phone

DEFAULT_UNIT_NAME = "Matriz"


class Unit(models.Model):
    """A business unit (branch, shop, team); every record belongs to one."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    is_active = models.BooleanField(pgettext_lazy("business unit", "active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    history_entity = "unit"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("business unit")
        verbose_name_plural = _("business units")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager")
    AGENT = "agent", _("Agent")


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    UNIT = "unit", _("Records of their units")
    ALL = "all", _("All records")


class Language(models.TextChoices):
    PT_BR = "pt-BR", "Português (Brasil)"
    EN = "en", "English"


# The user's setting uses BCP 47 ("pt-BR"); Django's language codes are lowercase.
DJANGO_LANGUAGE = {"pt-BR": "pt-br", "en": "en"}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, username, password=None, **fields):
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username, password=None, **fields):
        fields.update(role=Role.ADMIN, scope=Scope.ALL, crm_access=True)
        return self.create_user(username, password, **fields)


class User(AbstractBaseUser):
    """A person who logs in. Role decides what they may do, scope what they see."""

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    # NULL means "follow the browser's language".
    language = models.CharField(  # noqa: DJ001
        _("language"), max_length=8, choices=Language.choices, null=True, blank=True
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.OWN)
    crm_access = models.BooleanField(_("access to the CRM"), default=False)
    units = models.ManyToManyField(Unit, related_name="users", blank=True, verbose_name=_("units"))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    # Changing this ends every session of the user (it is part of the session hash).
    session_salt = models.CharField(max_length=32, default="", blank=True, editable=False)
    # Set for a generated first password: the next login asks for a new one.
    must_change_password = models.BooleanField(default=False, editable=False)

    objects = UserManager()
    history_entity = "user"

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def phone_shown(self) -> str:
        """The mobile as people read it: (11) 98765-4321, or +351 912 345 678 abroad."""
        return format_phone(self.phone) if self.phone else ""

    def get_short_name(self) -> str:
        return self.full_name.split()[0] if self.full_name.strip() else self.username

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_use_crm(self) -> bool:
        """Access to the CRM: administrators always have it, others when an admin grants it."""
        return self.is_active and (self.is_admin or self.crm_access)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The user's time zone, else the installation's (CLIENTELA_TIME_ZONE)."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(settings.TIME_ZONE)

    @property
    def effective_scope(self) -> str:
        return Scope.ALL if self.is_admin else self.scope

    def get_session_auth_hash(self) -> str:
        return super().get_session_auth_hash() + self.session_salt

    def unit_ids(self) -> list[int]:
        """The ids of the user's active units, cached for the request."""
        if not hasattr(self, "_unit_ids"):
            self._unit_ids = list(
                self.units.filter(is_active=True).order_by("name").values_list("id", flat=True)
            )
        return self._unit_ids


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    PREFIX = "clt_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_token(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class LoginFailure(models.Model):
    """Failures counted per key (a username from an address, a username, an address, or any
    other repeated refusal), so throttling holds across processes. See throttle.py."""

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    blocked_until = models.DateTimeField(null=True, blank=True)
    # Start of the counting window, for keys counted per window (see throttle.Backoff).
    window_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(failures__gte=0), name="loginfailure_failures_gte_0")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class PasswordResetMail(models.Model):
    """A password reset e-mail waiting for the worker (services.send_password_reset_mails).

    The request only stores this row: sending over SMTP in the request would tell, by how
    long the answer takes, which addresses have an account. It holds no token: the link is
    made when the mail is sent, and its hour of validity starts then.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    # Where the link starts ("https://crm.example.com/"): the address the browser used.
    site_url = models.CharField(max_length=500)
    # The language of the request, for a user who chose none (Django's code, "pt-br").
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # When a worker may take it: now, after a failure later and later, while one sends it.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(sent_at__isnull=True),
                name="resetmail_unsent_due",
            ),
            models.Index(fields=["created_at"], name="resetmail_created"),
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else f"{self.attempts} attempt(s)"
        return f"password reset mail for user {self.user_id} ({state})"
