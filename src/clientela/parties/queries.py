"""The party list's filters and sorts, shared by the pages, the API and exports."""

from django.db.models import QuerySet

from clientela.core.text import clean_query, clean_text

from .models import Party

# Public sort name -> model field (each backed by an index with id).
SORTS = {"name": "sort_name", "created_at": "created_at", "updated_at": "updated_at"}


def filter_parties(
    user,
    *,
    q: str = "",
    kind: str | None = None,
    is_customer: bool | None = None,
    is_supplier: bool | None = None,
    is_active: bool | None = None,
    city: str | None = None,
    state: str | None = None,
    owner_id: int | None = None,
    unit_id: int | None = None,
    trashed: bool = False,
) -> QuerySet:
    """Parties the user may see, narrowed by the list's filters and search words.

    Bad filter text (too long, invisible characters) is a ValidationError, the same
    for pages and API.
    """
    # The trash: for administrators only, who see it whole (see selectors.filtered_parties).
    base = Party.objects.trashed().in_scope_of(user) if trashed else Party.objects.restrict(user)
    queryset = base.search(clean_query(q))
    if kind:
        queryset = queryset.filter(kind=kind)
    for name, value in (
        ("is_customer", is_customer),
        ("is_supplier", is_supplier),
        ("is_active", is_active),
        ("owner_id", owner_id),
        ("unit_id", unit_id),
    ):
        if value is not None:
            queryset = queryset.filter(**{name: value})
    if city:
        city = clean_text(city, field="city", max_length=Party._meta.get_field("city").max_length)
        queryset = queryset.filter(city__iexact=city)
    if state:
        state = clean_text(state, field="state", max_length=2)
        queryset = queryset.filter(state=state.upper())
    return queryset
