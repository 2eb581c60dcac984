"""Keyset ("cursor") pagination with capped counts.

Late pages cost what early pages cost: the cursor carries the last row's sort
value and id, and the next page starts from there through the list's index.
Counts stop at COUNT_CAP so a broad filter never counts a million rows.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .converters import MAX_ID
from .text import text_problem

COUNT_CAP = 10_000
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass
class Page:
    items: list
    count: int | None  # None: more than COUNT_CAP (or not counted)
    next_cursor: str | None
    limit: int
    counted: bool = True  # False: with_count=False, and the count was not free


def _encode(values: list) -> str:
    raw = json.dumps(values, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ValidationError({"cursor": [_("This cursor is not valid.")]}) from None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or not isinstance(values[0], str | int | float)
        or isinstance(values[0], bool)
        or not isinstance(values[1], int)
        or isinstance(values[1], bool)
        or not 0 <= values[1] <= MAX_ID
        # A text no column holds (NUL, a lone surrogate): the database could not compare it.
        or (isinstance(values[0], str) and text_problem(values[0]) is not None)
        or (isinstance(values[0], int) and abs(values[0]) > MAX_ID)
    ):
        raise ValidationError({"cursor": [_("This cursor is not valid.")]})
    return values


def _sort_value(field, value):
    """The cursor's sort value as the sort column holds it; anything else is a bad cursor
    (a string for a date column, an int for a text column, a date beyond what UTC holds)."""
    invalid = ValidationError({"cursor": [_("This cursor is not valid.")]})
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        if not isinstance(value, str) or len(value) > 40:
            raise invalid
        try:
            moment = datetime.datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError("naive")
            return moment.astimezone(datetime.UTC)
        except (ValueError, OverflowError):
            raise invalid from None
    if kind in ("CharField", "TextField"):
        if not isinstance(value, str) or len(value) > (field.max_length or 1000):
            raise invalid
        return value
    if kind in ("BigAutoField", "AutoField", "IntegerField", "BigIntegerField"):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) > MAX_ID:
            raise invalid
        return value
    raise invalid


def clean_limit(raw, default: int = DEFAULT_LIMIT) -> int:
    if raw in (None, ""):
        return default
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({"limit": [_("Enter a whole number.")]}) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            {"limit": [_("Enter a number from 1 to %(max)d.") % {"max": MAX_LIMIT}]}
        )
    return limit


def capped_count(queryset: QuerySet) -> int | None:
    """The exact count up to COUNT_CAP, None beyond.

    A queryset may offer `for_count()`: the same rows, in the shape that counts them
    fastest (see PartyQuerySet).
    """
    if hasattr(queryset, "for_count"):
        queryset = queryset.for_count()
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return count if count <= COUNT_CAP else None


def paginate(
    queryset: QuerySet,
    *,
    sort_field: str,
    descending: bool,
    limit: int,
    cursor: str | None,
    with_count: bool = True,
    ids_first: bool = False,
) -> Page:
    """One page of `queryset` ordered by `sort_field` then id, starting after `cursor`.

    `with_count=False` leaves counting to the caller (e.g. a second request), except
    when it is free: a first page that holds every row.
    `ids_first` finds the page's ids first, then reads those rows: where an index
    covers the filters, the search for the page is an index-only scan that touches
    no table row it does not return.
    A queryset may offer `for_sorted_page(n)`, the same rows in a shape that finds n
    of them in order faster (see PartyQuerySet); counts use `for_count()`.
    """
    direction = "-" if descending else ""
    page_source = queryset
    if hasattr(queryset, "for_sorted_page"):
        page_source = queryset.for_sorted_page(limit + 1)
    ordered = page_source.order_by(f"{direction}{sort_field}", f"{direction}id")
    page_qs = ordered
    if cursor:
        last_value, last_id = _decode(cursor)
        last_value = _sort_value(queryset.model._meta.get_field(sort_field), last_value)
        op = "lt" if descending else "gt"
        page_qs = ordered.filter(
            Q(**{f"{sort_field}__{op}": last_value})
            | Q(**{sort_field: last_value, f"id__{op}": last_id})
        )
    if ids_first:
        ids = list(page_qs.values_list("pk", flat=True)[: limit + 1])
        by_id = {row.pk: row for row in page_source.order_by().filter(pk__in=ids)}
        rows = [by_id[pk] for pk in ids if pk in by_id]
    else:
        rows = list(page_qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        value = getattr(last, sort_field)
        if isinstance(value, datetime.datetime):
            value = value.isoformat()
        next_cursor = _encode([value, last.pk])
    counted = True
    if cursor is None and next_cursor is None:
        # The whole result fits on the first page: its length is the count.
        count = len(rows) if len(rows) <= COUNT_CAP else None
    elif with_count:
        count = capped_count(queryset)
    else:
        count, counted = None, False
    return Page(items=rows, count=count, next_cursor=next_cursor, limit=limit, counted=counted)
