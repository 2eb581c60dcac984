"""Pages of the relationship log: validate, fetch in scope, call a service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.accounts.access import (
    assignable_owners_q,
    can_delete_records,
    require_admin,
    require_crm_access,
)
from clientela.accounts.models import User
from clientela.accounts.units import current_unit, default_unit_id
from clientela.audit.services import history_of, last_change
from clientela.core.converters import parse_record_id
from clientela.core.errors import EditConflict
from clientela.core.forms import add_service_errors, keep_input_after_conflict
from clientela.core.pagination import DEFAULT_LIMIT, capped_count, paginate
from clientela.core.text import clean_query
from clientela.core.versioning import parse_version
from clientela.parties import selectors as party_selectors
from clientela.parties.models import Party
from clientela.parties.views import render_party_tab

from . import catalogue, feeds, quickadd, selectors, services
from .calendar_views import calendar, calendar_move  # noqa: F401 - the urls name them here
from .catalogue_views import preset_edit, presets, type_edit, types  # noqa: F401
from .forms import ActivityForm, CompleteForm, activity_initial
from .models import Activity, ActivityType, SavedFilter

PARTY_OPTIONS = 8
LOGIN_PROMPT_KEY = "returns_prompt"


def _crm(request) -> User:
    require_crm_access(request.user)
    return request.user


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return fallback


# --- the agenda (home) -------------------------------------------------------------------


def agenda(request):
    user = _crm(request)
    # Right after login (see apps.ready): offer the returns due today or late, once.
    prompt = request.session.pop(LOGIN_PROMPT_KEY, False)
    due_now = selectors.due_now_count(user) if prompt else 0
    return render(
        request,
        "activities/agenda.html",
        {
            "agenda": selectors.agenda(user),
            "due_now": due_now,
            "today": timezone.localdate(),
            "nav_active": "agenda",
            "overdue_url": f"{reverse('activities:list')}?"
            + urlencode({"status": "overdue", "assignee_id": "me", "unit_id": "all"}),
            "today_url": f"{reverse('activities:list')}?"
            + urlencode(
                {
                    "status": "open",
                    "assignee_id": "me",
                    "unit_id": "all",
                    "due_to": timezone.localdate().isoformat(),
                }
            ),
        },
    )


# --- lists -------------------------------------------------------------------------------

LIST_SORTS = {
    "due_at": ("due_at", False),
    "-due_at": ("due_at", True),
    "-contacted_at": ("contacted_at", True),
    "contacted_at": ("contacted_at", False),
}


def _list_queryset(query, user: User, unit):
    """The list's filters from its query string, and the activities they find (or an
    error). Without a unit in the query, the current unit is the filter."""
    params = query.copy()
    if "unit_id" not in params:
        params["unit_id"] = str(unit.pk) if unit else ""
    if params.get("unit_id") == "all":
        params["unit_id"] = ""
    filters = selectors.parse_filters(params, user)
    return filters, params, selectors.filtered_activities(user, filters)


def activity_list(request):
    user = _crm(request)
    error = None
    page = None
    sort = request.GET.get("sort") or "due_at"
    if sort not in LIST_SORTS:
        sort = "due_at"
    column, descending = LIST_SORTS[sort]
    filters, params = None, request.GET
    try:
        filters, params, queryset = _list_queryset(request.GET, user, current_unit(request))
        if column == "due_at":
            queryset = queryset.filter(due_at__isnull=False)
        options = {"sort_field": column, "descending": descending, "limit": DEFAULT_LIMIT}
        try:
            page = paginate(queryset, cursor=request.GET.get("cursor") or None, **options)
        except ValidationError:
            page = paginate(queryset, cursor=None, **options)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    query = params.copy()
    query.pop("cursor", None)
    return render(
        request,
        "activities/list.html",
        {
            "page": page,
            "error": error,
            "params": params,
            "sort": sort,
            "types": ActivityType.objects.all(),
            "assignees": User.objects.filter(assignable_owners_q(user))
            .distinct()
            .order_by("username"),
            "units": _units(user),
            "statuses": [
                ("", _("Any status")),
                ("open", _("To do")),
                ("overdue", _("Overdue")),
                ("done", _("Done")),
                ("cancelled", _("Cancelled")),
            ],
            "query_without_cursor": query.urlencode(),
            "saved_filters": SavedFilter.objects.filter(user=user),
            "can_delete": can_delete_records(user),
            "filtered_query": query.urlencode(),
            "nav_active": "followups",
            "now": timezone.now(),
        },
    )


def _units(user):
    from clientela.accounts.units import switchable_units

    return switchable_units(user)


@require_POST
def saved_filter_save(request):
    user = _crm(request)
    name = (request.POST.get("name") or "").strip()[:60]
    query = (request.POST.get("query") or "")[:1000]
    if not name:
        messages.error(request, _("Give the filter a name."))
    else:
        SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": query})
        messages.success(request, _("Filter “%(name)s” saved.") % {"name": name})
    return redirect(f"{reverse('activities:list')}?{query}")


@require_POST
def saved_filter_delete(request, pk: int):
    user = _crm(request)
    SavedFilter.objects.filter(user=user, pk=pk).delete()
    return redirect("activities:list")


@require_POST
def activity_bulk(request):
    """The list's bulk actions: the ticked rows, or every row the filter finds."""
    user = _crm(request)
    action = request.POST.get("action") or ""
    back = _safe_next(request, reverse("activities:list"))
    try:
        if request.POST.get("scope") == "filter":
            query = QueryDict(request.POST.get("filter_query", ""))
            _filters, _params, queryset = _list_queryset(query, user, current_unit(request))
        else:
            ids = [parse_record_id(v) for v in request.POST.getlist("ids")]
            ids = [i for i in ids if i]
            if not ids:
                raise ValidationError(_("Tick the follow-ups to change first."))
            queryset = Activity.objects.restrict(user).filter(pk__in=ids)
        params = {
            "outcome": request.POST.get("outcome", ""),
            "assignee_id": request.POST.get("assignee_id") or None,
        }
        if action == "reschedule":
            shift = request.POST.get("shift_days", "").strip()
            if shift:
                try:
                    params["shift_days"] = int(shift)
                except ValueError:
                    raise ValidationError(_("Shift by a whole number of days.")) from None
            else:
                params["date"] = request.POST.get("date") or None
        changed = services.activity_bulk(
            actor=user, activities=queryset, action=action, params=params
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(back)
    messages.success(
        request,
        _("%(n)d follow-ups changed.") % {"n": changed}
        if changed != 1
        else _("1 follow-up changed."),
    )
    return redirect(back)


def bulk_count(request):
    """How many rows "all that match the filter" would change (asked for by the list)."""
    user = _crm(request)
    try:
        _filters, _params, queryset = _list_queryset(request.GET, user, current_unit(request))
        count = capped_count(queryset)
    except ValidationError:
        count = 0
    return HttpResponse(str(count) if count is not None else "10000+", content_type="text/plain")


# --- one activity ---------------------------------------------------------------------


def _party_choices(user: User, text: str) -> list[Party]:
    try:
        query = clean_query(text)
    except ValidationError:
        return []
    if not query:
        return []
    return list(
        Party.objects.restrict(user)
        .search(query)
        .filter(is_active=True)
        .order_by("sort_name")[:PARTY_OPTIONS]
    )


def party_options(request):
    """Search-as-you-type for the form's party field (the registry's own search)."""
    user = _crm(request)
    parties = _party_choices(user, request.GET.get("party_query", ""))
    return render(request, "activities/_party_options.html", {"parties": parties})


def _form_context(request, form, *, activity=None, party=None, conflict=None):
    user = request.user
    return {
        "form": form,
        "activity": activity,
        "party": party,
        "conflict": conflict,
        "presets": catalogue.presets_for(user).filter(is_active=True).select_related("type"),
        "party_matches": getattr(form, "party_matches", None),
        # Back to where the form was opened from (the calendar, a list) after saving.
        "next_url": _safe_next(request, ""),
        "nav_active": "followups",
        "cancel_url": _safe_next(
            request,
            reverse("activities:party", kwargs={"pk": party.pk})
            if party
            else reverse("activities:agenda"),
        ),
    }


def _resolve_party(form, user: User) -> None:
    """Without JavaScript the party comes as typed text: one match is taken, several are
    offered as choices."""
    if form.cleaned_data.get("party_id"):
        return
    matches = _party_choices(user, form.cleaned_data.get("party_query", ""))
    if len(matches) == 1:
        form.cleaned_data["party_id"] = matches[0].pk
        return
    form.party_matches = matches
    form.add_error(
        "party_query",
        _("Choose one of the customers or suppliers found.")
        if matches
        else _("No customer or supplier found with these words."),
    )


def _initial_for_new(request, user: User, party: Party | None) -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    initial = {"contacted_at": now, "assignee_id": user.pk, "type": "call"}
    if party is not None:
        initial.update(party_id=party.pk, party_query=party.name)
    preset_id = parse_record_id(request.GET.get("preset"))
    if preset_id:
        preset = catalogue.visible_preset(user, preset_id)
        due_at, all_day = catalogue.preset_due(preset, user)
        local = timezone.localtime(due_at)
        initial.update(
            type=preset.type.slug,
            description=preset.text,
            due_date=local.date(),
            due_time=None if all_day else local.time(),
            all_day=all_day,
        )
        for row, reminder in enumerate(preset.reminders[:3], start=1):
            initial[f"reminder_channel_{row}"] = reminder["channel"]
            initial[f"reminder_minutes_{row}"] = reminder["minutes_before"]
    text = (request.GET.get("quick") or "").strip()
    if text:
        initial.update(_quick_initial(request, user, text))
    for name in ("due_date", "type"):
        if request.GET.get(name):
            initial[name] = request.GET[name][:40]
    return initial


def _quick_initial(request, user: User, text: str) -> dict:
    proposal = quickadd.parse(
        text[:500], now=timezone.localtime(), language=request.LANGUAGE_CODE or "pt-br"
    )
    initial = {"description": proposal.description or text[:500]}
    if (
        proposal.type_slug
        and ActivityType.objects.filter(slug=proposal.type_slug, is_active=True).exists()
    ):
        initial["type"] = proposal.type_slug
    if proposal.due_at is not None:
        local = timezone.localtime(proposal.due_at)
        initial.update(
            due_date=local.date(),
            due_time=None if proposal.all_day else local.time(),
            all_day=proposal.all_day,
        )
    if proposal.party_query:
        matches = _party_choices(user, proposal.party_query)
        initial["party_query"] = proposal.party_query
        if len(matches) == 1:
            initial["party_id"] = matches[0].pk
            initial["party_query"] = matches[0].name
    for problem in proposal.problems:
        messages.warning(request, problem)
    if not proposal.problems:
        messages.info(request, _("Check what was understood, then save."))
    return initial


def activity_create(request):
    user = _crm(request)
    party = None
    party_id = parse_record_id(request.GET.get("party") or request.POST.get("party_id"))
    if party_id and request.method == "GET":
        party = party_selectors.visible_party(user, party_id)
    form = ActivityForm(
        request.POST or None, initial=_initial_for_new(request, user, party), actor=user
    )
    if request.method == "POST" and form.is_valid():
        _resolve_party(form, user)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.activity_create(
                actor=user,
                data=form.service_data(),
                default_unit_id=default_unit_id(user, current_unit(request)),
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"due_at": "due_date", "party_id": "party_query"})
        else:
            messages.success(request, _("Saved."))
            return redirect(
                _safe_next(request, reverse("activities:detail", kwargs={"pk": activity.pk}))
            )
    if party is None and form.is_bound and form.cleaned_data.get("party_id"):
        party = Party.objects.restrict(user).filter(pk=form.cleaned_data["party_id"]).first()
    return render(request, "activities/form.html", _form_context(request, form, party=party))


def activity_detail(request, pk: int):
    user = _crm(request)
    activity = selectors.visible_activity(user, pk)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "complete_form": CompleteForm(initial={"version": activity.version}),
            "can_delete": can_delete_records(user) or activity.assignee_id == user.pk,
            "history": history_of(activity)[:50],
            "nav_active": "followups",
        },
    )


def activity_edit(request, pk: int):
    user = _crm(request)
    activity = selectors.visible_activity(user, pk)
    form = ActivityForm(
        request.POST or None, initial=activity_initial(activity), actor=user, activity=activity
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        _resolve_party(form, user)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=user,
                activity=activity,
                data=form.service_data(),
                version=form.cleaned_data.get("version"),
            )
        except EditConflict as exc:
            current = selectors.visible_activity(user, pk)
            conflict = keep_input_after_conflict(
                form, exc, activity_initial(current), user=user, last_change=last_change(current)
            )
        except ValidationError as exc:
            add_service_errors(form, exc, {"due_at": "due_date", "party_id": "party_query"})
        else:
            messages.success(request, _("Saved."))
            return redirect(_safe_next(request, reverse("activities:detail", kwargs={"pk": pk})))
    return render(
        request,
        "activities/form.html",
        _form_context(request, form, activity=activity, party=activity.party, conflict=conflict),
    )


@require_POST
def activity_complete(request, pk: int):
    user = _crm(request)
    activity = selectors.visible_activity(user, pk)
    form = CompleteForm(request.POST)
    back = _safe_next(request, reverse("activities:detail", kwargs={"pk": pk}))
    if not form.is_valid():
        messages.error(request, " ".join(e for es in form.errors.values() for e in es))
        return redirect(back)
    try:
        _done, following = services.activity_complete(
            actor=user,
            activity=activity,
            outcome=form.cleaned_data.get("outcome", ""),
            next_data=form.next_data() if request.POST.get("schedule_next") else None,
            version=form.cleaned_data.get("version"),
            default_unit_id=default_unit_id(user, current_unit(request)),
        )
    except EditConflict as exc:
        messages.error(request, str(exc.message))
        return redirect(back)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    if following is not None:
        messages.success(request, _("Completed; the next follow-up is scheduled."))
        return redirect("activities:detail", pk=following.pk)
    messages.success(request, _("Completed."))
    return redirect(back)


@require_POST
def activity_delete(request, pk: int):
    user = _crm(request)
    activity = selectors.visible_activity(user, pk)
    sent = request.POST.get("version")
    version = parse_version(sent)
    if sent and version is None:
        messages.error(request, _("This page is out of date: reload it and try again."))
        return redirect("activities:detail", pk=pk)
    try:
        services.activity_trash(actor=user, activity=activity, version=version)
    except (EditConflict, PermissionDenied) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return redirect("activities:detail", pk=pk)
    messages.success(request, _("Moved to the trash. An administrator can restore it."))
    return redirect("activities:party", pk=activity.party_id)


# --- the party's relationship tab ----------------------------------------------------------


def party_tab(request, pk: int):
    user = _crm(request)
    party = party_selectors.visible_party(user, pk)
    form = ActivityForm(initial=_initial_for_new(request, user, party), actor=user)
    return render_party_tab(
        request,
        party,
        tab="relationship",
        template="activities/party_tab.html",
        context={
            "open_followups": selectors.party_open_followups(user, party),
            "log": selectors.party_log(user, party),
            "form": form,
            "presets": catalogue.presets_for(user).filter(is_active=True).select_related("type"),
            "now": timezone.now(),
        },
    )


# --- quick add ---------------------------------------------------------------------------


def quick_add(request):
    """ "ligar para Maria amanhã às 10h": the form, filled with what was understood."""
    _crm(request)
    text = (request.GET.get("text") or "").strip()
    if not text:
        return redirect("activities:create")
    return redirect(f"{reverse('activities:create')}?{urlencode({'quick': text[:500]})}")


# --- trash (admins) ----------------------------------------------------------------------


def trash(request):
    user = _crm(request)
    require_admin(user)
    queryset = Activity.objects.in_scope_of(user).trashed().select_related("type", "party")
    options = {"sort_field": "deleted_at", "descending": True, "limit": DEFAULT_LIMIT}
    try:
        page = paginate(queryset, cursor=request.GET.get("cursor") or None, **options)
    except ValidationError:
        page = paginate(queryset, cursor=None, **options)
    return render(request, "activities/trash.html", {"page": page, "nav_active": "activity_trash"})


@require_POST
def trash_restore(request, pk: int):
    user = _crm(request)
    require_admin(user)
    activity = selectors.trashed_activity(user, pk)
    try:
        services.activity_restore(actor=user, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("activities:trash")
    messages.success(request, _("Restored."))
    return redirect("activities:detail", pk=pk)


# --- the calendar feed ---------------------------------------------------------------------


def feed_page(request):
    user = _crm(request)
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feeds.feed_revoke(user)
            messages.success(request, _("Your calendar address was turned off."))
        else:
            feeds.feed_rotate(user)
            messages.success(request, _("Your new calendar address is ready."))
        return redirect("activities:feed_page")
    return render(
        request,
        "activities/feed.html",
        {"feed_url": feeds.feed_url_for(user, request), "nav_active": "calendar_feed"},
    )


@login_not_required
def feed(request, secret: str):
    """The iCalendar file itself: public, the secret in the URL is the key (404 otherwise)."""
    user = feeds.feed_owner(secret)
    if user is None:
        raise Http404
    base = request.build_absolute_uri("/").rstrip("/")
    body = feeds.render_feed(user, base_url=base)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="clientela.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
