from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.audit.services import last_actor_id
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors, keep_input_after_conflict, touched_values
from clientela.core.http import safe_next

from . import services
from . import tokens as api_tokens
from .access import require_admin, require_crm_access
from .forms import (
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    TokenForm,
    UnitForm,
    UserForm,
    unit_initial,
    user_initial,
)
from .middleware import DJANGO_LANGUAGE
from .models import Role, Scope, Unit, User
from .units import set_current_unit

NEW_USER_INITIAL = {"is_active": True, "crm_access": True, "role": Role.AGENT, "scope": Scope.OWN}
LANGUAGE_SETTING = {django_code: code for code, django_code in DJANGO_LANGUAGE.items()}


@login_not_required
def login_view(request):
    if request.user.is_authenticated:
        return redirect(safe_next(request, "/"))
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        return redirect(safe_next(request, "/"))
    return render(request, "accounts/login.html", {"form": form, "next": safe_next(request, "")})


@login_not_required
@require_POST
def set_language(request):
    """Switch the language: saved on the user when logged in, in a cookie for everyone."""
    code = request.POST.get("language", "")
    response = redirect(safe_next(request))
    if code not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        services.me_update(user=request.user, data={"language": LANGUAGE_SETTING[code]})
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


def profile(request):
    user = request.user
    initial = {name: getattr(user, name) or "" for name in services.USER_SELF_FIELDS}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.me_update(user=user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            response = redirect("accounts:profile")
            response.delete_cookie("clientela_language")
            return response
    return render(request, "accounts/profile.html", {"form": form})


def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password.html", {"form": form})


def tokens(request):
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = api_tokens.token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": request.user.api_tokens.all(),
        },
    )


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    api_tokens.token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:tokens")


@require_POST
def switch_unit(request):
    require_crm_access(request.user)
    try:
        unit = set_current_unit(request, request.POST.get("unit"))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Now working in %(unit)s.") % {"unit": unit.name})
    return redirect(safe_next(request, "/"))


# --- administration ------------------------------------------------------------


def users(request):
    require_admin(request.user)
    rows = User.objects.prefetch_related("units").order_by("username")
    return render(request, "accounts/users.html", {"users": rows, "nav_active": "users"})


def user_edit(request, pk: int | None = None):
    require_admin(request.user)
    user = get_object_or_404(User, pk=pk) if pk else None
    form = UserForm(
        request.POST or None,
        creating=user is None,
        initial=user_initial(user) if user else NEW_USER_INITIAL,
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:
                saved = services.user_create(actor=request.user, data=form.service_data())
                messages.success(request, _("User %(name)s was created.") % {"name": saved})
            else:
                saved = services.user_update(
                    actor=request.user,
                    user=user,
                    data=form.service_data(touched_only=True),
                    version=form.cleaned_data.get("version"),
                )
                messages.success(request, _("User %(name)s was saved.") % {"name": saved})
        except EditConflict as exc:
            conflict = keep_input_after_conflict(
                form,
                exc,
                user_initial(exc.current),
                by_yourself=last_actor_id(exc.current) == request.user.pk,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("accounts:users")
    return render(
        request,
        "accounts/user_form.html",
        {"form": form, "edited": user, "conflict": conflict, "nav_active": "users"},
    )


def units(request):
    require_admin(request.user)
    return render(
        request,
        "accounts/units.html",
        {"units": Unit.objects.order_by("name"), "nav_active": "units"},
    )


def unit_edit(request, pk: int | None = None):
    require_admin(request.user)
    unit = get_object_or_404(Unit, pk=pk) if pk else None
    form = UnitForm(
        request.POST or None, initial=unit_initial(unit) if unit else {"is_active": True}
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = {"name": form.cleaned_data["name"], "is_active": form.cleaned_data["is_active"]}
        try:
            if unit is None:
                services.unit_create(actor=request.user, **data)
            else:
                services.unit_update(
                    actor=request.user,
                    unit=unit,
                    data=touched_values(form, ["name", "is_active"]),
                    version=form.cleaned_data.get("version"),
                )
        except EditConflict as exc:
            conflict = keep_input_after_conflict(
                form,
                exc,
                unit_initial(exc.current),
                by_yourself=last_actor_id(exc.current) == request.user.pk,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The business unit was saved."))
            return redirect("accounts:units")
    return render(
        request,
        "accounts/unit_form.html",
        {"form": form, "edited": unit, "conflict": conflict, "nav_active": "units"},
    )
