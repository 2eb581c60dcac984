"""Pages of the customer and supplier registry: validate, fetch in scope, call a service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientela.accounts.access import (
    can_delete_records,
    get_visible_or_404,
    require_admin,
    require_crm_access,
)
from clientela.accounts.units import current_unit
from clientela.audit.services import history_for
from clientela.core.converters import parse_record_id
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors
from clientela.core.navigation import tabs_for
from clientela.core.pagination import DEFAULT_LIMIT, paginate

from . import services
from .forms import PartyFilterForm, PartyForm, party_initial
from .models import Kind, Party
from .presenters import describe_history
from .queries import SORTS, filter_parties

LIST_ROLES = {
    "all": {"title": gettext_lazy("Customers and suppliers"), "nav": "parties"},
    "customers": {"title": gettext_lazy("Customers"), "nav": "customers", "is_customer": True},
    "suppliers": {"title": gettext_lazy("Suppliers"), "nav": "suppliers", "is_supplier": True},
}


def _crm(request):
    require_crm_access(request.user)
    return request.user


def _visible_party(request, pk: int) -> Party:
    user = _crm(request)
    return get_visible_or_404(Party.objects.alive().select_related("owner", "unit"), user, pk=pk)


def _visible_employer(user, party: Party) -> Party | None:
    """The company a contact person works at, if the user may see it (else it stays hidden)."""
    if party.employer_id is None:
        return None
    return Party.objects.visible_to(user).filter(pk=party.employer_id).first()


def party_list(request, role: str = "all"):
    user = _crm(request)
    config = LIST_ROLES[role]
    form = PartyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = current_unit(request)
    unit_filter = filters.get("unit") or (str(unit.pk) if unit else "all")
    status = filters.get("status") or "active"
    sort = filters.get("sort") or "name"
    queryset = filter_parties(
        user,
        q=filters.get("q", ""),
        kind=filters.get("kind") or None,
        is_customer=config.get("is_customer"),
        is_supplier=config.get("is_supplier"),
        is_active={"active": True, "inactive": False}.get(status),
        city=filters.get("city") or None,
        state=filters.get("state") or None,
        owner_id=user.pk if filters.get("mine") else None,
        unit_id=parse_record_id(unit_filter),  # "all": no filter
    ).select_related("owner")
    try:
        page = paginate(
            queryset,
            sort_field=SORTS[sort.lstrip("-")],
            descending=sort.startswith("-"),
            limit=DEFAULT_LIMIT,
            cursor=filters.get("cursor") or None,
            ids_first=True,
        )
    except ValidationError:
        page = paginate(
            queryset,
            sort_field=SORTS["name"],
            descending=False,
            limit=DEFAULT_LIMIT,
            cursor=None,
            ids_first=True,
        )
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "title": config["title"],
        "nav_active": config["nav"],
        "role": role,
        "form": form,
        "page": page,
        "status": status,
        "unit_filter": unit_filter,
        "query_without_cursor": query.urlencode(),
        "global_q": filters.get("q", ""),
        "list_url": request.path,
        "is_first_page": not filters.get("cursor"),
    }
    # A history restore needs the whole page, not the fragment that was pushed.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "parties/list.html#results" if partial else "parties/list.html"
    response = render(request, template, context)
    # The browser caches the fragment and the page under one URL: tell them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def party_create(request):
    user = _crm(request)
    unit = current_unit(request)
    initial = {
        "kind": Kind.PERSON,
        "is_customer": True,
        "is_active": True,
        "country": "BR",
        "owner_id": user.pk,
        "unit_id": unit.pk if unit else None,
    }
    employer = None
    employer_id = parse_record_id(request.GET.get("employer"))
    if employer_id is not None:
        employer = get_visible_or_404(
            Party.objects.alive(), user, pk=employer_id, kind=Kind.COMPANY
        )
        initial.update(employer_id=employer.pk, kind=Kind.PERSON, unit_id=employer.unit_id)
    if request.GET.get("role") == "suppliers":
        initial.update(is_customer=False, is_supplier=True)
    form = PartyForm(request.POST or None, initial=initial, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(actor=user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": party.name})
            return redirect("parties:detail", pk=party.pk)
    return render(
        request,
        "parties/form.html",
        {
            "form": form,
            "party": None,
            "employer": employer,
            "nav_active": "customers",
        },
    )


def party_detail(request, pk: int):
    party = _visible_party(request, pk)
    contacts = []
    if party.kind == Kind.COMPANY:
        contacts = list(
            Party.objects.visible_to(request.user)
            .filter(employer=party)
            .order_by("sort_name", "id")[:50]
        )
    employer = _visible_employer(request.user, party)
    return render(
        request,
        "parties/detail.html",
        {
            "party": party,
            "employer": employer,
            "contacts": contacts,
            "tab": "general",
            "tabs": tabs_for("party", request.user, party),
            "can_delete": can_delete_records(request.user),
            "nav_active": "customers" if party.is_customer else "suppliers",
        },
    )


def party_edit(request, pk: int):
    party = _visible_party(request, pk)
    form = PartyForm(request.POST or None, initial=party_initial(party), actor=request.user)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(
                actor=request.user,
                party=party,
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            conflict = exc.current
            form.add_error(None, str(exc.message))
            # Their input stays in the form; the version moves on so a second,
            # informed save can go through.
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": party.name})
            return redirect("parties:detail", pk=party.pk)
    return render(
        request,
        "parties/form.html",
        {
            "form": form,
            "party": party,
            "conflict": conflict,
            "conflict_values": _differences(form, party_initial(conflict)) if conflict else None,
            "employer": _visible_employer(request.user, party),
            "nav_active": "customers",
        },
    )


def _differences(form, current: dict) -> list[tuple[str, str]]:
    """(label, saved value) for each visible field where the saved value differs from the input."""
    rows = []
    for name, value in current.items():
        field = form.fields.get(name)
        if field is None or field.widget.is_hidden:
            continue
        submitted = form.data.get(name, "")
        if isinstance(value, bool):
            differs = value != (submitted in ("on", "true", "True", "1"))
        else:
            differs = str(value or "") != str(submitted or "")
        if differs:
            shown = dict(field.choices).get(value, value) if hasattr(field, "choices") else value
            rows.append((str(field.label), shown))
    return rows


@require_POST
def party_delete(request, pk: int):
    party = _visible_party(request, pk)
    version = request.POST.get("version")
    try:
        services.party_trash(
            actor=request.user,
            party=party,
            version=int(version) if version and version.isdigit() else None,
        )
    except EditConflict as exc:
        messages.error(request, str(exc.message))
        return redirect("parties:detail", pk=party.pk)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": party.name})
    return redirect("parties:customers" if party.is_customer else "parties:suppliers")


def party_history(request, pk: int):
    party = _visible_party(request, pk)
    records = list(history_for("party", party.pk)[:200])
    return render(
        request,
        "parties/history.html",
        {
            "party": party,
            "tab": "history",
            "tabs": tabs_for("party", request.user, party),
            "records": describe_history(records, request.user),
            "can_delete": can_delete_records(request.user),
        },
    )


# --- trash (admins) -------------------------------------------------------------


def _admin(request):
    _crm(request)
    require_admin(request.user)
    return request.user


def trash(request):
    _admin(request)
    cursor = request.GET.get("cursor") or None
    queryset = Party.objects.trashed().select_related("deleted_by")
    try:
        page = paginate(
            queryset, sort_field="deleted_at", descending=True, limit=DEFAULT_LIMIT, cursor=cursor
        )
    except ValidationError:
        raise Http404 from None
    return render(request, "parties/trash.html", {"page": page, "nav_active": "trash"})


def _trashed(request, pk: int) -> Party:
    _admin(request)
    return get_object_or_404(Party.objects.trashed(), pk=pk)


@require_POST
def trash_restore(request, pk: int):
    party = _trashed(request, pk)
    try:
        services.party_restore(actor=request.user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("parties:trash")
    messages.success(request, _("“%(name)s” was restored.") % {"name": party.name})
    return redirect("parties:detail", pk=party.pk)


@require_POST
def trash_purge(request, pk: int):
    party = _trashed(request, pk)
    name = party.name
    try:
        services.party_purge(actor=request.user, party=party)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("“%(name)s” was deleted for good.") % {"name": name})
    return redirect(reverse("parties:trash"))
