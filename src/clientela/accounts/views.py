from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from clientela.audit.services import last_change
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors, keep_input_after_conflict, touched_values
from clientela.core.http import safe_next

from . import services
from . import tokens as api_tokens
from .access import require_admin, require_crm_access
from .forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    ProfileForm,
    TokenForm,
    UnitForm,
    UserForm,
    client_address,
    unit_initial,
    user_initial,
)
from .models import DJANGO_LANGUAGE, Role, Scope, Unit, User
from .selectors import unit_for, user_for_admin
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
    initial["phone"] = user.phone_shown
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


@sensitive_post_parameters()
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    required = request.user.must_change_password
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
            # After the compulsory change, on to the page that was asked for.
            return redirect(safe_next(request, "/") if required else "accounts:profile")
    return render(
        request,
        "accounts/password.html",
        {"form": form, "required": required, "next": safe_next(request, "")},
    )


# --- password reset by e-mail (Django's views and tokens, our rules and pages) --------


@login_not_required
@never_cache
def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                address=client_address(request),
                # With the script prefix: the worker that makes the link has no request.
                site_url=request.build_absolute_uri(get_script_prefix()),
                language=translation.get_language(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDone(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    extra_context = {"reset_link_hours": int(api_tokens.RESET_LINK_VALID.total_seconds() // 3600)}


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's check of the link (it moves the token out of the address into the session);
    the new password goes through services.password_reset_complete."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_confirm.html"
    token_generator = api_tokens.password_reset_tokens
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        try:
            services.password_reset_complete(
                user=self.user,
                new_password=form.cleaned_data["new_password"],
                address=client_address(self.request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


_confirm = PasswordResetConfirm.as_view()


@login_not_required
def password_reset_confirm(request, link: str):
    """The link of the e-mail, /accounts/reset/<uidb64>/<token>/, as one path argument."""
    uidb64, _slash, token = link.partition("/")
    return _confirm(request, uidb64=uidb64, token=token)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetComplete(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


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
    tokens = list(request.user.api_tokens.all())
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "new_token": new_token,
            "tokens": tokens,
            "any_active": any(token.is_active for token in tokens),
        },
    )


@require_POST
def tokens_revoke_all(request):
    count = api_tokens.tokens_revoke_all(user=request.user)
    if count == 0:
        messages.info(request, _("No token was active."))
    else:
        messages.success(
            request,
            ngettext("%(count)d token was revoked.", "%(count)d tokens were revoked.", count)
            % {"count": count},
        )
    return redirect("accounts:tokens")


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
    user = user_for_admin(request.user, pk) if pk else None
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
                user=request.user,
                last_change=last_change(exc.current),
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
    unit = unit_for(request.user, pk, to_change=True) if pk else None
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
                user=request.user,
                last_change=last_change(exc.current),
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
