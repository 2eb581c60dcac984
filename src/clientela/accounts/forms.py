import functools
import zoneinfo

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from clientela.core.converters import parse_whole_number
from clientela.core.forms import touched_values

from . import throttle
from .models import Language, Role, Scope, Unit, User


def client_address(request) -> str:
    # REMOTE_ADDR is the proxy's address behind a proxy; the throttle still holds per username.
    return request.META.get("REMOTE_ADDR", "")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        username = self.cleaned_data.get("username", "")
        password = self.cleaned_data.get("password", "")
        if not username or not password:
            return self.cleaned_data
        address = client_address(self.request)
        wait = throttle.login_wait_seconds(username, address)
        if wait:
            raise forms.ValidationError(
                ngettext(
                    "Too many failed attempts. Wait %(seconds)d second and try again.",
                    "Too many failed attempts. Wait %(seconds)d seconds and try again.",
                    wait,
                )
                % {"seconds": wait}
            )
        user = authenticate(self.request, username=username, password=password)
        if user is None:
            throttle.login_failed(username, address)
            raise forms.ValidationError(_("Wrong username or password. Both are case-sensitive."))
        throttle.login_succeeded(username)
        self.user = user
        return self.cleaned_data


@functools.cache
def _zone_names() -> tuple[str, ...]:
    # Reading the zone database takes ~50 ms: once per process is enough.
    return tuple(
        z for z in sorted(zoneinfo.available_timezones()) if "/" in z and not z.startswith("Etc/")
    )


def time_zone_choices():
    return [("", _("Server default"))] + [(z, z) for z in _zone_names()]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        required=False,
        choices=[("", gettext_lazy("Follow my browser"))] + list(Language.choices),
    )
    time_zone = forms.ChoiceField(label=gettext_lazy("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = time_zone_choices()

    def clean_language(self):
        return self.cleaned_data["language"] or None


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=gettext_lazy("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
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

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return data


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=80,
        help_text=gettext_lazy("Say where it will be used, e.g. “ERP sync”."),
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
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


class UserForm(forms.Form):
    """An admin's form for a user; the password is required only for new users."""

    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
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
    crm_access = forms.BooleanField(label=gettext_lazy("Access to the CRM"), required=False)
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
        help_text=gettext_lazy("For an existing user, fill in only to reset the password."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, creating: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].required = creating

    def service_data(self, *, touched_only: bool = False) -> dict:
        """For the service: every field of a new user; of an existing one, what was changed."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
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
        "phone": user.phone,
        "role": user.role,
        "scope": user.scope,
        "unit_ids": list(user.units.all()),
        "crm_access": user.crm_access,
        "is_active": user.is_active,
        "language": user.language or "",
        "version": user.version,
    }
