"""Fetching parties for a user: the one home of "which party may this user open".

Pages and API call these, so a record outside the user's scope (or in the trash)
is a 404 everywhere, and the trash is for administrators everywhere.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clientela.accounts.access import require_admin, require_crm_access

from .models import Kind, Party
from .queries import filter_parties


def visible_party(user, pk: int, *, queryset: QuerySet | None = None) -> Party:
    """A party the user may see and that is not in the trash; else 404 (403 without CRM access)."""
    require_crm_access(user)
    base = queryset if queryset is not None else Party.objects.all()
    return get_object_or_404(base.restrict(user), pk=pk)


def visible_company(user, pk: int) -> Party:
    return visible_party(user, pk, queryset=Party.objects.filter(kind=Kind.COMPANY))


def trashed_party(user, pk: int) -> Party:
    """A party in the trash, for administrators (403 for others, 404 when not in the trash)."""
    require_crm_access(user)
    require_admin(user)
    return get_object_or_404(Party.objects.trashed().select_related("deleted_by"), pk=pk)


def contact_people(user, company: Party) -> QuerySet:
    """The people who work at `company` that the user may see, in name order."""
    return Party.objects.restrict(user).contact_people_of(company).order_by("sort_name", "id")


def visible_employer(user, party: Party) -> Party | None:
    """The company a person works at, if the user may see it (else it stays hidden)."""
    if party.employer_id is None:
        return None
    return Party.objects.restrict(user).filter(pk=party.employer_id).first()


def employer_is_hidden(user, party: Party) -> bool:
    return party.employer_id is not None and visible_employer(user, party) is None


def filtered_parties(user, *, trashed: bool = False, **filters) -> QuerySet:
    """The list's parties (see queries.filter_parties); the trash for administrators only."""
    if trashed:
        require_admin(user)
    return filter_parties(user, trashed=trashed, **filters)


def mark_hidden_employers(user, parties) -> None:
    """Set `employer_hidden` on each party: whether the company it works at is outside the
    user's scope (one query for the whole page)."""
    employer_ids = {p.employer_id for p in parties if p.employer_id is not None}
    visible = (
        set(Party.objects.restrict(user).filter(pk__in=employer_ids).values_list("pk", flat=True))
        if employer_ids
        else set()
    )
    for party in parties:
        party.employer_hidden = party.employer_id is not None and party.employer_id not in visible
