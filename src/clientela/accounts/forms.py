import functools
import ipaddress
import math
import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth.password_validation import (
    CommonPasswordValidator,
    MinimumLengthValidator,
    NumericPasswordValidator,
    UserAttributeSimilarityValidator,
    get_default_password_validators,
)
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from clientela.core.converters import parse_whole_number
from clientela.core.env import address_in
from clientela.core.forms import ShownValuesForm, touched_values

from . import throttle
from .models import Language, Role, Scope, Unit, User


def client_address(request) -> str:
    """The browser's address, as the login throttle counts it.

    REMOTE_ADDR, unless it is one of CLIENTELA_TRUSTED_PROXIES: then the last address of
    X-Forwarded-For, the one that proxy added (whatever a client wrote before it is not
    believed). Under `clientela run` (and waitress-serve with --trusted-proxy) waitress has
    put it in REMOTE_ADDR already; gunicorn leaves REMOTE_ADDR the proxy's. Behind an
    untrusted proxy every request has the proxy's address (see the README).
    """
    peer = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXIES and address_in(peer, settings.TRUSTED_PROXIES):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        nearest = _bare_address(forwarded.rsplit(",", 1)[-1])
        if nearest:
            return nearest
    return peer


def _bare_address(text: str) -> str:
    """'203.0.113.9', '203.0.113.9:5000', '[2001:db8::1]:5000' -> the address; '' if none."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return ""


class LoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        # Kept across the language switch by clientela.js (never the password).
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "data-keep-on-language-switch": True,
            }
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        self.throttled = False
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password", "")
        if not username or not password:
            return self.cleaned_data
        try:
            self.user = throttle.authenticate_throttled(
                self.request,
                username=username,
                password=password,
                address=client_address(self.request),
            )
        except throttle.LoginThrottled as exc:
            self.throttled = True
            raise forms.ValidationError(wait_message(exc.wait)) from None
        except throttle.WrongCredentials:
            raise forms.ValidationError(
                _("Wrong username or password. Both are case-sensitive.")
            ) from None
        return self.cleaned_data


def wait_message(seconds: int) -> str:
    if seconds < 60:
        return ngettext(
            "Too many failed attempts. Wait %(seconds)d second and try again.",
            "Too many failed attempts. Wait %(seconds)d seconds and try again.",
            seconds,
        ) % {"seconds": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many failed attempts. Wait %(minutes)d minute and try again.",
        "Too many failed attempts. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


# Brazil's zones by the names people know them by, Brasília's first.
BRAZIL_ZONES = {
    "America/Sao_Paulo": gettext_lazy(
        "Brasília (São Paulo, Rio, the Southeast and South, Goiás, DF)"
    ),
    "America/Noronha": "Fernando de Noronha",
    "America/Fortaleza": "Fortaleza (Ceará, Maranhão, Piauí, RN, Paraíba)",
    "America/Recife": "Recife (Pernambuco)",
    "America/Maceio": "Maceió (Alagoas, Sergipe)",
    "America/Bahia": "Salvador (Bahia)",
    "America/Belem": gettext_lazy("Belém (Amapá, eastern Pará)"),
    "America/Santarem": gettext_lazy("Santarém (western Pará)"),
    "America/Araguaina": "Araguaína (Tocantins)",
    "America/Manaus": "Manaus (Amazonas)",
    "America/Boa_Vista": "Boa Vista (Roraima)",
    "America/Porto_Velho": "Porto Velho (Rondônia)",
    "America/Cuiaba": "Cuiabá (Mato Grosso)",
    "America/Campo_Grande": "Campo Grande (Mato Grosso do Sul)",
    "America/Rio_Branco": "Rio Branco (Acre)",
    "America/Eirunepe": gettext_lazy("Eirunepé (western Amazonas)"),
}


@functools.cache
def _other_zone_names() -> tuple[str, ...]:
    # Reading the zone database takes ~50 ms: once per process is enough. Brazil's old
    # aliases (Brazil/East…) would only repeat the zones above.
    return tuple(
        z
        for z in sorted(zoneinfo.available_timezones())
        if "/" in z and not z.startswith(("Etc/", "Brazil/")) and z not in BRAZIL_ZONES
    )


def _offset_minutes(zone: str) -> int:
    offset = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    return round(offset.total_seconds() / 60)


def _utc_offset(zone: str) -> str:
    minutes = _offset_minutes(zone)
    sign = "+" if minutes >= 0 else "−"  # a real minus sign
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(zone: str) -> str:
    """How a zone reads in the list: Brazil's by their local names, others by their IANA name."""
    if zone in BRAZIL_ZONES:
        return f"{BRAZIL_ZONES[zone]} — {_utc_offset(zone)}"
    return zone.replace("_", " ")


def time_zone_choices(current: str = ""):
    """Brazil's zones first (Brasília's, then from east to west), then the others.

    A current value that is not in the list (set through the API, or an old alias)
    stays among the choices, so saving the form without touching it keeps it.
    """
    brazil = sorted(
        BRAZIL_ZONES,
        key=lambda z: (z != "America/Sao_Paulo", -_offset_minutes(z), str(BRAZIL_ZONES[z])),
    )
    others = list(_other_zone_names())
    if current and current not in BRAZIL_ZONES and current not in others:
        others.insert(0, current)
    default = settings.TIME_ZONE
    return [
        ("", _("Server default: %(zone)s") % {"zone": zone_label(default)}),
        (_("Brazil"), [(z, zone_label(z)) for z in brazil]),
        (_("Other time zones"), [(z, zone_label(z)) for z in others]),
    ]


MOBILE_HELP = gettext_lazy(
    "For SMS reminders: a mobile, such as (11) 98765-4321; from another country, with its + code."
)


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        required=False,
        help_text=MOBILE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Follow my browser"))] + list(Language.choices),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices(self.initial.get("time_zone") or "")

    def clean_language(self):
        return self.cleaned_data["language"] or None


def password_rules() -> str:
    """The rules of AUTH_PASSWORD_VALIDATORS in one sentence, shown before the first try."""
    rules = []  # (order, text): the length first, however the settings list them
    for validator in get_default_password_validators():
        if isinstance(validator, MinimumLengthValidator):
            n = validator.min_length
            text = ngettext("at least %(n)d character", "at least %(n)d characters", n) % {"n": n}
            rules.append((0, text))
        elif isinstance(validator, NumericPasswordValidator):
            rules.append((1, _("not only digits")))
        elif isinstance(validator, CommonPasswordValidator):
            rules.append((2, _("not a commonly used password")))
        elif isinstance(validator, UserAttributeSimilarityValidator):
            # Of its default attributes, our users have only these two.
            rules.append((3, _("not similar to the username or e-mail")))
        else:
            rules.append((4, str(validator.get_help_text()).rstrip(".")))
    texts = [text for _order, text in sorted(rules, key=lambda rule: rule[0])]
    return _("Rules: %(rules)s.") % {"rules": "; ".join(texts)}


class NewPasswordFields(forms.Form):
    """A new password typed twice, with the rules as its help."""

    new_password = forms.CharField(
        label=gettext_lazy("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        label=gettext_lazy("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password"].help_text = password_rules()

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class PasswordChangeForm(NewPasswordFields):
    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["old_password", "new_password", "new_password_again"]


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email", "data-keep-on-language-switch": True}
        ),
    )


class PasswordResetForm(NewPasswordFields):
    """The new password chosen through a reset link (Django's view passes the user)."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=80,
        help_text=gettext_lazy("Say where it will be used, e.g. “ERP sync”."),
    )


class UnitForm(ShownValuesForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    is_active = forms.BooleanField(
        label=pgettext_lazy("business unit", "Active"), required=False, initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Business units by id; an id the id column cannot hold ("²", 2**63) is no choice, not
    an overflow in the query."""

    def _check_values(self, value):
        for pk in value:
            if parse_whole_number(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class UserForm(ShownValuesForm):
    """An admin's form for a user; the password is required only for new users."""

    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Mobile phone"),
        max_length=20,
        required=False,
        help_text=MOBILE_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=Role.choices)
    scope = forms.ChoiceField(
        label=gettext_lazy("Visibility"),
        choices=Scope.choices,
        help_text=gettext_lazy("Administrators always see everything."),
    )
    unit_ids = UnitChoiceField(
        label=gettext_lazy("Business units"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    crm_access = forms.BooleanField(
        label=gettext_lazy("Access to the CRM"),
        required=False,
        help_text=gettext_lazy("Administrators always have it, whatever this box says."),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Active"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Deactivating ends the user's sessions and API tokens."),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Follow the browser"))] + list(Language.choices),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields["password"]
        password.required = creating
        if creating:
            password.help_text = " ".join(
                [_("Tell it to the user; they can change it on their profile."), password_rules()]
            )
        else:
            password.label = gettext_lazy("New password")
            password.help_text = " ".join(
                [
                    _(
                        "Leave empty to keep the current password. A new one ends the user's "
                        "sessions and API tokens."
                    ),
                    password_rules(),
                ]
            )

    def service_data(self, *, touched_only: bool = False) -> dict:
        """For the service: every field of a new user; of an existing one, what was changed."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("shown", None)
        data["unit_ids"] = [unit.pk for unit in data["unit_ids"]]
        data["language"] = data["language"] or None
        if not data.get("password"):
            data.pop("password", None)
        if touched_only:
            touched = set(touched_values(self, list(data)))
            data = {name: value for name, value in data.items() if name in touched}
        return data


def unit_initial(unit: Unit) -> dict:
    return {"name": unit.name, "is_active": unit.is_active, "version": unit.version}


def user_initial(user: User) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone_shown,
        "role": user.role,
        "scope": user.scope,
        "unit_ids": list(user.units.all()),
        "crm_access": user.crm_access,
        "is_active": user.is_active,
        "language": user.language or "",
        "version": user.version,
    }
