"""Pages of the customer and supplier registry: validate, fetch in scope, call a service, render."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clientela.accounts.access import can_delete_records, require_admin, require_crm_access
from clientela.accounts.units import current_unit, default_unit_id, switchable_units
from clientela.audit.services import history_of, last_change
from clientela.core.converters import parse_record_id
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors, keep_input_after_conflict
from clientela.core.pagination import DEFAULT_LIMIT, Page, capped_count, paginate
from clientela.core.registries import tabs_for, timeline_for
from clientela.core.versioning import parse_version

from . import selectors, services
from .forms import PartyFilterForm, PartyForm, party_initial
from .models import Kind, Party
from .presenters import address_lines, describe_history
from .queries import SORTS

LIST_ROLES = {
    "all": {"title": gettext_lazy("Customers and suppliers"), "nav": "parties"},
    "customers": {"title": gettext_lazy("Customers"), "nav": "customers", "is_customer": True},
    "suppliers": {"title": gettext_lazy("Suppliers"), "nav": "suppliers", "is_supplier": True},
}
HISTORY_PAGE_SIZE = 200


def nav_key(party: Party | None) -> str:
    """The navigation entry a party's pages belong to."""
    if party is not None and party.is_supplier and not party.is_customer:
        return "suppliers"
    return "customers"


def render_party_tab(request, party: Party, *, tab: str, template: str, context=None):
    """Render one tab of the party page: the header, the tab bar and the tab's own context.

    Other apps' tabs (the relationship log, documents, payments…) fetch the party with
    `selectors.visible_party` and call this, so no tab rebuilds the header.
    """
    return render(
        request,
        template,
        {
            "party": party,
            "tab": tab,
            "tabs": tabs_for("party", request.user, party),
            "can_delete": can_delete_records(request.user),
            "nav_active": nav_key(party),
            **(context or {}),
        },
    )


def _list_filters(request):
    """The list's form, its cleaned filters, and the unit and status they default to."""
    form = PartyFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = current_unit(request)
    unit_filter = filters.get("unit") or (str(unit.pk) if unit else "all")
    status = filters.get("status") or "active"
    return form, filters, unit_filter, status


def _listed_parties(user, role: str, filters: dict, unit_filter: str, status: str):
    """The parties a list shows (a ValidationError for bad filter text)."""
    config = LIST_ROLES[role]
    return selectors.filtered_parties(
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
    )


def party_list(request, role: str = "all"):
    user = request.user
    require_crm_access(user)
    config = LIST_ROLES[role]
    form, filters, unit_filter, status = _list_filters(request)
    sort = filters.get("sort") or "name"
    page = Page(items=[], count=0, next_cursor=None, limit=DEFAULT_LIMIT)
    search_error = None
    if form.is_bound and not form.is_valid():
        search_error = " ".join(e for errors in form.errors.values() for e in errors)
    else:
        try:
            queryset = _listed_parties(user, role, filters, unit_filter, status)
            page = _page_or_first(
                queryset.select_related("owner"), sort, filters.get("cursor") or None
            )
        except ValidationError as exc:
            search_error = " ".join(exc.messages)
    query = request.GET.copy()
    query.pop("cursor", None)
    all_units_query = query.copy()
    all_units_query["unit"] = "all"
    count_query = query.copy()
    count_query["role"] = role
    context = {
        "title": config["title"],
        "nav_active": config["nav"],
        "role": role,
        "form": form,
        "page": page,
        "search_error": search_error,
        "status": status,
        "unit_filter": unit_filter,
        "unit_choices": switchable_units(user),
        "query_without_cursor": query.urlencode(),
        "all_units_query": all_units_query.urlencode(),
        # The count comes in a second request, so the rows show at once.
        "count_url": f"{reverse('parties:count')}?{count_query.urlencode()}",
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


COUNT_MAX_AGE = 60


def party_count(request):
    """How many parties a list's filters find (capped), asked for by the list page.

    Counting up to the cap is most of a broad search's cost, so the page shows its
    rows first and asks for this afterwards. The browser may keep the answer a
    minute: the count under a list is a guide, not a balance.
    """
    user = request.user
    require_crm_access(user)
    role = request.GET.get("role") or "all"
    if role not in LIST_ROLES:
        raise Http404
    form, filters, unit_filter, status = _list_filters(request)
    count, counted = None, False
    if not form.is_bound or form.is_valid():
        try:
            count = capped_count(_listed_parties(user, role, filters, unit_filter, status))
            counted = True
        except ValidationError:
            pass  # the list page already says what is wrong with the search
    query = request.GET.copy()
    query.pop("role", None)
    context = {
        "count": count,
        "counted": counted,
        "title": LIST_ROLES[role]["title"],
        "nav_active": LIST_ROLES[role]["nav"],
        "list_url": reverse("parties:list" if role == "all" else f"parties:{role}"),
        "query_without_cursor": query.urlencode(),
    }
    # Without JavaScript the count's link opens a page of its own.
    template = "parties/list.html#count" if request.htmx else "parties/list.html"
    response = render(request, template, {**context, "count_only": True})
    patch_vary_headers(response, ["HX-Request"])
    patch_cache_control(response, private=True, max_age=COUNT_MAX_AGE)
    return response


def _page_or_first(queryset, sort: str, cursor: str | None) -> Page:
    """The page after `cursor`; a broken cursor (an edited address) gives the first page."""
    options = {
        "sort_field": SORTS[sort.lstrip("-")],
        "descending": sort.startswith("-"),
        "limit": DEFAULT_LIMIT,
        "ids_first": True,
        "with_count": False,  # see party_count
    }
    try:
        return paginate(queryset, cursor=cursor, **options)
    except ValidationError:
        if cursor is None:
            raise
        return paginate(queryset, cursor=None, **options)


def _say_notices(request, party: Party) -> None:
    for notice in getattr(party, "notices", []):
        messages.info(request, notice)


def _existing_party_link(exc: ValidationError) -> int | None:
    """The id of the visible party a refused CPF/CNPJ belongs to (see services.tax_id_refusal)."""
    for error in getattr(exc, "error_dict", {}).get("tax_id", []):
        if error.code == "tax_id_taken" and error.params:
            return error.params.get("party_id")
    return None


def party_create(request):
    user = request.user
    require_crm_access(user)
    initial = {
        "kind": Kind.PERSON,
        "is_customer": True,
        "is_active": True,
        "country": "BR",
        "owner_id": user.pk,
        "unit_id": default_unit_id(user, current_unit(request)),
    }
    employer = None
    employer_id = parse_record_id(request.GET.get("employer"))
    if employer_id is not None:
        employer = selectors.visible_company(user, employer_id)
        # A contact person is neither a customer nor a supplier until someone says so.
        initial.update(
            employer_id=employer.pk, kind=Kind.PERSON, unit_id=employer.unit_id, is_customer=False
        )
    if request.GET.get("role") == "suppliers":
        initial.update(is_customer=False, is_supplier=True)
    form = PartyForm(request.POST or None, initial=initial, actor=user)
    existing_id = None
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(actor=user, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
            existing_id = _existing_party_link(exc)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": party.name})
            _say_notices(request, party)
            return redirect("parties:detail", pk=party.pk)
    return render(
        request,
        "parties/form.html",
        {
            "form": form,
            "party": None,
            "employer": employer,
            "existing_id": existing_id,
            "cancel_url": _cancel_url(request, employer),
            "nav_active": "suppliers" if request.GET.get("role") == "suppliers" else "customers",
        },
    )


def _cancel_url(request, employer: Party | None) -> str:
    """Where "Cancel" on the new-party form goes: the company, or the list it came from."""
    if employer is not None:
        return reverse("parties:detail", kwargs={"pk": employer.pk})
    return reverse(
        "parties:suppliers" if request.GET.get("role") == "suppliers" else "parties:customers"
    )


def party_detail(request, pk: int):
    party = selectors.visible_party(
        request.user, pk, queryset=Party.objects.select_related("owner", "unit")
    )
    contacts = []
    if party.kind == Kind.COMPANY:
        contacts = list(selectors.contact_people(request.user, party)[:50])
    return render_party_tab(
        request,
        party,
        tab="general",
        template="parties/detail.html",
        context={
            "employer": selectors.visible_employer(request.user, party),
            "contacts": contacts,
            "address_lines": address_lines(party),
        },
    )


def party_edit(request, pk: int):
    user = request.user
    party = selectors.visible_party(
        user, pk, queryset=Party.objects.select_related("owner", "unit")
    )
    form = PartyForm(
        request.POST or None, initial=_initial_for(user, party), actor=user, party=party
    )
    conflict = None
    existing_id = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.party_update(
                actor=user,
                party=party,
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            conflict = keep_input_after_conflict(
                form,
                exc,
                _initial_for(user, exc.current),
                user=user,
                last_change=last_change(exc.current),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            existing_id = _existing_party_link(exc)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": saved.name})
            _say_notices(request, saved)
            return redirect("parties:detail", pk=party.pk)
    return render(
        request,
        "parties/form.html",
        {
            "form": form,
            "party": party,
            "conflict": conflict,
            "existing_id": existing_id,
            "employer": selectors.visible_employer(user, party),
            "cancel_url": reverse("parties:detail", kwargs={"pk": party.pk}),
            "nav_active": nav_key(party),
        },
    )


def _initial_for(user, party: Party) -> dict:
    """The edit form's values; a company outside the user's scope is not even named by id."""
    initial = party_initial(party)
    if selectors.employer_is_hidden(user, party):
        initial["employer_id"] = None
    return initial


@require_POST
def party_delete(request, pk: int):
    party = selectors.visible_party(request.user, pk)
    sent = request.POST.get("version")
    version = parse_version(sent)
    if sent and version is None:
        # A page always sends the version it showed: garbage there is not "no check".
        messages.error(request, _("This page is out of date: reload it and try again."))
        return redirect("parties:detail", pk=party.pk)
    try:
        services.party_trash(actor=request.user, party=party, version=version)
    except EditConflict as exc:
        messages.error(request, str(exc.message))
        return redirect("parties:detail", pk=party.pk)
    messages.success(request, _("“%(name)s” was moved to the trash.") % {"name": party.name})
    return redirect("parties:" + nav_key(party))


def party_history(request, pk: int):
    party = selectors.visible_party(request.user, pk)
    records = selectors.history_visible_to(request.user, history_of(party)[:HISTORY_PAGE_SIZE])
    return render_party_tab(
        request,
        party,
        tab="history",
        template="parties/history.html",
        context={"records": describe_history(records, request.user)},
    )


TIMELINE_PAGE_SIZE = 50


def party_timeline(request, pk: int):
    """Everything that happened with the party, newest first, from every app's source."""
    party = selectors.visible_party(request.user, pk)
    before = None
    raw = request.GET.get("before") or ""
    if raw:
        try:
            before = datetime.datetime.fromisoformat(raw)
            if before.tzinfo is None:
                before = None
        except (ValueError, OverflowError):
            before = None
    events = timeline_for("party", party, request.user, limit=TIMELINE_PAGE_SIZE + 1, before=before)
    older = events[TIMELINE_PAGE_SIZE - 1].at if len(events) > TIMELINE_PAGE_SIZE else None
    return render_party_tab(
        request,
        party,
        tab="timeline",
        template="parties/timeline.html",
        context={
            "events": events[:TIMELINE_PAGE_SIZE],
            "older": older.isoformat() if older else None,
        },
    )


# --- trash (admins) -------------------------------------------------------------


def trash(request):
    require_crm_access(request.user)
    require_admin(request.user)
    cursor = request.GET.get("cursor") or None
    queryset = selectors.trashed_parties(request.user)
    options = {"sort_field": "deleted_at", "descending": True, "limit": DEFAULT_LIMIT}
    try:
        page = paginate(queryset, cursor=cursor, **options)
    except ValidationError:
        # A broken cursor (an edited address) gives the first page, as on the lists.
        page = paginate(queryset, cursor=None, **options)
    return render(request, "parties/trash.html", {"page": page, "nav_active": "trash"})


@require_POST
def trash_restore(request, pk: int):
    party = selectors.trashed_party(request.user, pk)
    try:
        services.party_restore(actor=request.user, party=party)
    except ValidationError as exc:
        # A lasting message (not a toast): it says what to do next.
        messages.error(request, " ".join(exc.messages))
        return redirect("parties:trash")
    messages.success(request, _("“%(name)s” was restored.") % {"name": party.name})
    return redirect("parties:detail", pk=party.pk)


@require_POST
def trash_purge(request, pk: int):
    party = selectors.trashed_party(request.user, pk)
    name = party.name
    try:
        services.party_purge(actor=request.user, party=party)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("“%(name)s” was deleted for good.") % {"name": name})
    return redirect(reverse("parties:trash"))
