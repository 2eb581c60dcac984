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


def trashed_parties(user) -> QuerySet:
    """The trash, for administrators (403 for others); the page and the API read it here."""
    require_crm_access(user)
    require_admin(user)
    return Party.objects.trashed().select_related("deleted_by")


def trashed_party(user, pk: int) -> Party:
    """A party in the trash, for administrators (403 for others, 404 when not in the trash)."""
    return get_object_or_404(trashed_parties(user), pk=pk)


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


def history_visible_to(user, records) -> list:
    """A party's change records as `user` may read them: a company outside the user's scope
    (the `employer` of a contact person) is not named, not even by its id — its value
    becomes null, and `record.hidden` lists the (field, position) pairs masked so.

    One query for all the records, whatever their number.
    """
    records = list(records)
    company_ids = {
        value
        for record in records
        for value in record.changes.get("employer", [])
        if isinstance(value, int)
    }
    visible = (
        set(Party.objects.restrict(user).filter(pk__in=company_ids).values_list("pk", flat=True))
        if company_ids
        else set()
    )
    for record in records:
        record.hidden = set()
        values = record.changes.get("employer")
        if not values:
            continue
        masked = []
        for position, value in enumerate(values):
            if isinstance(value, int) and value not in visible:
                record.hidden.add(("employer", position))
                value = None
            masked.append(value)
        record.changes = {**record.changes, "employer": masked}
    return records
