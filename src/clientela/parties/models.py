from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.sql.where import AND
from django.utils.translation import gettext_lazy as _

from clientela.accounts.access import ScopedQuerySet
from clientela.core.text import digits, fold, is_digit_query, search_words

from . import search_index
from .brazil import STATE_CHOICES, alphanumeric_cnpj
from .search_index import Candidates


class Kind(models.TextChoices):
    PERSON = "person", _("Person")
    COMPANY = "company", _("Company")


def _word_pattern(word: str) -> str:
    # Short words match word starts only; the leading space in search_text marks a start.
    return word if len(word) >= 3 else " " + word


def _is_candidates(node) -> bool:
    """Whether a WHERE node is `id IN (trigram candidates)`, as _containing adds it."""
    return isinstance(getattr(node, "rhs", None), Candidates)


def _contains_all(patterns: list[tuple[str, str]]) -> Q:
    condition = Q()
    for column, pattern in patterns:
        condition &= Q(**{f"{column}__contains": pattern})
    return condition


@models.TextField.register_lookup
class Like(models.Lookup):
    """`field__like="%a%b%"`: a raw LIKE pattern (the caller builds it from folded words)."""

    lookup_name = "like"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", [*lhs_params, *rhs_params]


def _walk_is_faster(candidates: int, rows: int, page: int) -> bool:
    """Whether walking the name index finds `page` matching rows sooner than looking up
    and sorting every candidate (see for_sorted_page).

    The walk reads about page × rows / candidates rows (matches spread evenly), the other
    way reads the candidates. At 120,000 parties and 51 rows the two meet near 2,500
    candidates, as measured: "vieira" (2,636) 2.3 ms sorted, 0.8-1.5 ms walked; "silva"
    (14,555) 13 ms and 0.2 ms; "fukuda" (9) 0.1 ms and 10 ms or more. Past the 2,500 that
    are counted, walk at any size: near where they meet, both ways cost about the same.
    """
    if candidates > search_index.COUNT_CANDIDATES_UP_TO:
        return True
    return candidates * candidates > page * rows


class PartyQuerySet(ScopedQuerySet):
    """Read parties through `restrict(user)` (see accounts.access); the trash through trashed()."""

    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def contact_people_of(self, company):
        return self.filter(employer=company)

    def search(self, query: str):
        """Every word must match (see DESIGN.md, "Search q"); digits match phones and tax ids."""
        query = (query or "").strip()
        if not query:
            return self
        tax_id = alphanumeric_cnpj(query)
        if tax_id:
            return self.filter(tax_id=tax_id)
        if is_digit_query(query):
            return self._containing([("search_digits", digits(query))])
        words = search_words(query)
        patterns = [("search_text", _word_pattern(word)) for word in words]
        if len(words) < 2 or search_index.in_use(self.db):
            return self._containing(patterns)
        # PostgreSQL: same rows, better plan. It judges each word's LIKE alone and multiplies
        # them, so "rio de janeiro" looks a thousand times rarer than it is. The words in
        # the order typed, as one pattern, are judged as a whole against the column's
        # histogram; OR-ed with the exact condition they change no result, only the estimate.
        in_order = "%" + "%".join(_word_pattern(w) for w in fold(query).split()) + "%"
        return self.filter(Q(search_text__like=in_order) | _contains_all(patterns))

    def for_sorted_page(self, limit: int):
        """The same rows, shaped to find `limit` of them in sort order (paginate asks).

        On SQLite the search adds `id IN (trigram candidates)` (see _containing), and
        SQLite then collects every candidate, looks each one up and sorts them. That
        is the plan for a rare word; but a word with thousands of candidates has a
        page's worth of them within the first few hundred rows of the name index, so
        walking the index, testing each row, finds a page much sooner. The candidates
        are a redundant condition (the LIKE ones decide), so leaving them out changes
        the plan, never the rows. (A word common in the registry but rare among the
        rows a user sees makes the walk longer: at most the user's scope, as before.)
        """
        expression = self._candidates_expression()
        if expression is None:
            return self
        candidates, rows = search_index.candidates_and_rows(self.db, expression)
        if not _walk_is_faster(candidates, rows, limit):
            return self
        return self._without_candidates()

    def for_count(self):
        """The same rows, shaped for counting them (capped_count asks for it).

        On SQLite, joined to the trigram table instead of `id IN (candidates)`: the
        candidates then come one by one and the count stops at its cap, where the
        subquery would first collect every one of them (3 ms instead of 10 for "gmail"
        at 120,000 parties). The LIKE conditions still decide.
        """
        expression = self._candidates_expression()
        if expression is None:
            return self
        # extra(): the ORM has no join to a table without a model. Constant SQL; the
        # expression is a parameter.
        return self._without_candidates().extra(  # noqa: S610
            tables=[search_index.TABLE],
            where=[search_index.JOIN_ON, search_index.MATCHES],
            params=[expression],
        )

    def _candidates_expression(self) -> str | None:
        """The trigram query of this queryset's candidates, when _containing added them."""
        where = self.query.where
        found = [node.rhs for node in where.children if _is_candidates(node)]
        if where.connector != AND or where.negated or len(found) != 1:
            return None
        return found[0].expression

    def _without_candidates(self):
        queryset = self._chain()  # with its own copy of the WHERE tree
        where = queryset.query.where
        where.children = [node for node in where.children if not _is_candidates(node)]
        return queryset

    def _containing(self, patterns: list[tuple[str, str]]):
        """Rows whose `column` contains each `pattern`, for [(column, pattern)].

        On SQLite the trigram table (see search_index) finds the candidate rows through
        its index; the LIKE conditions, which PostgreSQL answers from its trigram
        indexes, still decide.
        """
        queryset = self.filter(_contains_all(patterns))
        expression = search_index.in_use(self.db) and search_index.match_expression(patterns)
        if expression:
            queryset = queryset.filter(pk__in=Candidates(expression))
        return queryset


# Carried by the list indexes on PostgreSQL, so the usual list filters and the search
# are answered from the index alone (see paginate(ids_first=True)).
COVERED = ["search_text", "search_digits", "is_customer", "is_supplier", "is_active", "kind"]


class Party(models.Model):
    """A customer, a supplier or both; a person (CPF) or a company (CNPJ)."""

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    # NULL, not "", so the unique constraint ignores parties without one.
    tax_id = models.CharField(_("CPF/CNPJ"), max_length=14, null=True, blank=True)  # noqa: DJ001
    # Companies' Inscrição Estadual / Municipal: a number, or ISENTO (exempt).
    state_registration = models.CharField(_("state registration"), max_length=20, blank=True)
    municipal_registration = models.CharField(
        _("municipal registration"), max_length=20, blank=True
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    is_customer = models.BooleanField(_("customer"), default=True)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    phones = models.JSONField(_("phones"), default=list, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, blank=True)
    complement = models.CharField(_("complement"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    zip_code = models.CharField(_("ZIP code"), max_length=9, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, blank=True, choices=STATE_CHOICES)
    country = models.CharField(_("country"), max_length=2, default="BR")
    tags = models.JSONField(_("tags"), default=list, blank=True)
    notes = models.TextField(_("notes"), max_length=10000, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # db_index=False on the foreign keys below: the partial indexes in Meta cover them,
    # and each extra index slows every insert at a million rows.
    employer = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="contact_people",
        verbose_name=_("works at"),
    )
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("business unit"),
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        db_index=False,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Filled by `refresh_search_columns` from the fields above; never edited directly.
    sort_name = models.CharField(max_length=200, default="", editable=False)
    search_text = models.TextField(default="", editable=False)
    search_digits = models.TextField(default="", editable=False)

    objects = PartyQuerySet.as_manager()

    history_entity = "party"

    class Meta:
        verbose_name = _("customer or supplier")
        verbose_name_plural = _("customers and suppliers")
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id"],
                condition=Q(deleted_at__isnull=True, tax_id__isnull=False),
                name="party_tax_id_unique_alive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "company"]), name="party_kind_valid"
            ),
        ]
        indexes = [
            # The list orders; partial on "not in the trash", like every list query.
            # On PostgreSQL they carry search_text, so counting the matches of a broad
            # word is an index-only scan of the user's scope, not a walk over the heap.
            models.Index(
                fields=["sort_name", "id"],
                name="party_sort_name_id",
                include=COVERED,
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["created_at", "id"],
                name="party_created_id",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["updated_at", "id"],
                name="party_updated_id",
                condition=Q(deleted_at__isnull=True),
            ),
            # Scoped lists: "own" filters by owner, "unit" by unit, both in name order.
            models.Index(
                fields=["owner", "sort_name", "id"],
                name="party_owner_sort",
                include=COVERED,
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["unit", "sort_name", "id"],
                name="party_unit_sort",
                include=COVERED,
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["employer"], name="party_employer", condition=Q(employer__isnull=False)
            ),
            models.Index(
                fields=["deleted_at"], name="party_trash", condition=Q(deleted_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    def refresh_search_columns(self) -> None:
        """Fill the normalised search columns. Seed and imports call this too."""
        self.sort_name = fold(self.name)[:200]
        words = [
            self.name,
            self.trade_name,
            self.email,
            self.city,
            self.district,
            self.state,
            self.tax_id or "",
            " ".join(self.tags or []),
        ]
        # Leading space: every word, even the first, starts after a space (see search()).
        self.search_text = " " + " ".join(w for w in (fold(x) for x in words) if w)
        numbers = []
        for phone in self.phones or []:
            national = national_digits(phone)
            numbers.extend([digits(phone), national])
        if self.tax_id and self.tax_id.isdigit():
            numbers.append(self.tax_id)
        self.search_digits = " ".join(dict.fromkeys(n for n in numbers if n))


def national_digits(e164: str) -> str:
    """'+5511987654321' -> '11987654321' (the way people type a Brazilian number)."""
    number = digits(e164)
    return number[2:] if number.startswith("55") and e164.startswith("+55") else number
