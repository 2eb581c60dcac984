"""Search `q` as DESIGN.md states it: every word, no case, no accents, no punctuation, digits."""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from clientela.core.pagination import paginate
from clientela.core.text import digits, is_digit_query, search_words
from clientela.devdata.fake_data import PartyFaker
from clientela.parties import models, search_index, services
from clientela.parties.brazil import alphanumeric_cnpj
from clientela.parties.models import Party
from clientela.parties.queries import filter_parties
from conftest import make_party


@pytest.fixture
def registry(admin, unit_matriz, parties):
    """The three shared parties plus a few whose names test the edges of the rules."""
    extra = {
        "company": make_party(owner=admin, unit=unit_matriz, name="Distribuidora Alvorada",
                              kind="company", tax_id="11444777000161", city="Belo Horizonte",
                              state="MG", trade_name="Alvorada Bebidas"),
        "alnum": make_party(owner=admin, unit=unit_matriz, name="Nova Era Tecnologia",
                            kind="company", tax_id="12ABC34501DE35", city="Curitiba", state="PR"),
        "silvana": make_party(owner=admin, unit=unit_matriz, name="Silvana Costa",
                              city="Recife", state="PE", email="silvana@exemplo.com.br"),
    }  # fmt: skip
    return {**parties, **extra}


def found(user, q) -> set[str]:
    return set(filter_parties(user, q=q).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("joao", {"João da Silva"}),
        ("JOÃO", {"João da Silva"}),
        ("joão silva", {"João da Silva"}),
        ("silva joao", {"João da Silva"}),
        ("sao paulo", {"João da Silva", "Padaria Pão de Açúcar"}),
        ("São-Paulo", {"João da Silva", "Padaria Pão de Açúcar"}),
        ("acucar", {"Padaria Pão de Açúcar"}),
        ("pão açúcar", {"Padaria Pão de Açúcar"}),
        ("alvorada bebidas", {"Distribuidora Alvorada"}),
        ("silvana@exemplo.com.br", {"Silvana Costa"}),
    ],
)
def test_it_ignores_case_accents_and_punctuation(admin, registry, q, names):
    assert found(admin, q) == names


def test_every_word_must_match(admin, registry):
    assert found(admin, "joao silva") == {"João da Silva"}
    assert found(admin, "joao oliveira") == set()
    assert found(admin, "maria campinas") == {"Maria Oliveira"}
    assert found(admin, "maria recife") == set()


def test_words_of_three_letters_or_more_match_anywhere(admin, registry):
    assert found(admin, "ilv") == {"João da Silva", "Silvana Costa"}
    assert found(admin, "liveir") == {"Maria Oliveira"}


def test_words_of_one_or_two_letters_match_only_word_starts(admin, registry):
    assert found(admin, "si") == {"João da Silva", "Silvana Costa"}
    assert found(admin, "da") == {"João da Silva"}
    assert found(admin, "va") == set()  # inside "Silva", "Silvana", not a start
    assert found(admin, "j da") == {"João da Silva"}


@pytest.mark.parametrize("q", ["11987654321", "(11) 98765-4321", "98765-4321", "+55 11 98765-4321"])
def test_a_phone_is_found_however_it_is_typed(admin, registry, q):
    assert found(admin, q) == {"João da Silva"}


@pytest.mark.parametrize("q", ["529.982.247-25", "52998224725", "529982"])
def test_a_cpf_is_found_with_or_without_punctuation(admin, registry, q):
    assert found(admin, q) == {"João da Silva"}


@pytest.mark.parametrize("q", ["11.444.777/0001-61", "11444777000161", "11.444.777"])
def test_a_cnpj_is_found_with_or_without_punctuation(admin, registry, q):
    assert found(admin, q) == {"Distribuidora Alvorada"}


@pytest.mark.parametrize("q", ["12ABC34501DE35", "12abc34501de35", "12.ABC.345/01DE-35"])
def test_an_alphanumeric_cnpj_is_found_with_or_without_punctuation(admin, registry, q):
    assert found(admin, q) == {"Nova Era Tecnologia"}


def test_search_stays_inside_the_scope(agent_own, registry):
    for q in ["maria", "campinas", "390.533.447-05", "19991234567", "padaria", "alvorada", "si"]:
        assert found(agent_own, q) <= {"João da Silva"}, q
    assert found(agent_own, "silva") == {"João da Silva"}


def test_wildcards_in_a_query_are_plain_text(admin, registry):
    assert found(admin, "%") == found(admin, "")
    assert found(admin, "_a_") == found(admin, "a")
    assert found(admin, "100%") == set()


def test_the_search_columns_follow_an_edit(admin, party_own):
    services.party_update(actor=admin, party=party_own, data={"name": "Joana Prado"})

    assert found(admin, "joana") == {"Joana Prado"}
    assert found(admin, "joao") == set()


# --- the trigram table on SQLite ------------------------------------------------------------

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the trigram table is SQLite's (PostgreSQL: pg_trgm)"
)


def expected(parties, q) -> set[int]:
    """The rule of DESIGN.md's "Search q", restated in Python over the stored columns."""
    q = q.strip()
    if not q:
        return {p.pk for p in parties}
    if alphanumeric_cnpj(q):
        return {p.pk for p in parties if p.tax_id == alphanumeric_cnpj(q)}
    if is_digit_query(q):
        return {p.pk for p in parties if digits(q) in p.search_digits}
    patterns = [w if len(w) >= 3 else " " + w for w in search_words(q)]
    return {p.pk for p in parties if all(pattern in p.search_text for pattern in patterns)}


@pytest.fixture
def varied(admin, agent_own, unit_matriz, unit_filial):
    """A few hundred realistic parties in two units and two owners, some in the trash,
    plus the edge cases of the rules."""
    faker = PartyFaker(seed="search-equivalence")
    rows = []
    for n, fields in enumerate(faker.parties(240)):
        rows.append(
            make_party(
                owner=agent_own if n % 3 == 0 else admin,
                unit=unit_filial if n % 4 == 0 else unit_matriz,
                deleted_at=timezone.now() if n % 17 == 0 else None,
                **fields,
            )
        )
    for name, extra in [
        ("A B C", {}),
        ("Zé da Silva-Sauro", {"email": "ze@x.io", "tags": ["vip", "açaí"]}),
        ("Ótica Ótima", {"kind": "company", "tax_id": "12ABC34501DE35", "trade_name": "OO"}),
        ("100% Limpo", {"phones": ["+551140041234", "+5511987650000"]}),
        ("Ana", {"city": "Anápolis", "state": "GO"}),
    ]:
        rows.append(make_party(owner=admin, unit=unit_matriz, name=name, **extra))
    return rows


def queries_for(parties, rng) -> list[str]:
    """Substrings of every length, word starts, several words, digits in many spellings,
    and queries that match nothing."""
    queries = ["", " ", "a", "da", "zz", "qxz", "%", "_", "100%", "a_b", '"', "silva maria da"]
    # FTS5's own syntax, which must stay plain text.
    queries += ["and", "or not", "near(a b)", "silva*", "^ana", "-costa", "col:ana", "a'b", "{x}"]
    for party in rng.sample(parties, 25):
        text = party.search_text
        start = rng.randrange(1, max(2, len(text) - 2))
        for length in (1, 2, 3, 4, 6, 9):
            queries.append(text[start : start + length])
        words = party.name.split()
        queries.append(" ".join(rng.sample(words, min(2, len(words)))))
        queries.append(" ".join(w[:2] for w in words))
        queries.append(party.name.upper())
        for phone in party.phones[:1]:
            national = phone[3:]
            queries += [phone, national, national[-4:], national[2:6], national[:2], phone[-1]]
            queries.append(f"({national[:2]}) {national[2:-4]}-{national[-4:]}")
        if party.tax_id:
            queries += [party.tax_id, party.tax_id[:5], party.tax_id[3:9]]
    return queries


@sqlite_only
def test_the_trigram_table_changes_no_result(admin, agent_own, varied, monkeypatch):
    rng = random.Random(7)
    alive = [p for p in varied if p.deleted_at is None]
    visible_to_agent = [p for p in alive if p.owner_id == agent_own.pk]
    companies = [p for p in alive if p.kind == "company"]
    trashed = [p for p in varied if p.deleted_at is not None]
    cases = [
        (lambda q: filter_parties(admin, q=q), alive),
        (lambda q: filter_parties(agent_own, q=q), visible_to_agent),
        (lambda q: filter_parties(admin, q=q, kind="company"), companies),
        (lambda q: filter_parties(admin, q=q, trashed=True), trashed),
    ]
    queries = sorted(set(queries_for(varied, rng)))
    assert len(queries) > 250
    assert "party_search" in str(filter_parties(admin, q="silva").query)  # the table is used

    def results():
        return [
            {q: set(make(q).values_list("pk", flat=True)) for q in queries} for make, _ in cases
        ]

    with_table = results()
    monkeypatch.setattr(search_index, "in_use", lambda alias: False)
    without_table = results()

    for (_make, rows), found, found_without in zip(cases, with_table, without_table, strict=True):
        for q in queries:
            assert found[q] == expected(rows, q), q
            assert found_without[q] == found[q], q


@sqlite_only
@pytest.mark.parametrize("walk_above", [0, 10, 10_000])
def test_a_page_is_the_same_however_it_is_found(admin, varied, monkeypatch, walk_above):
    # 0: every search walks the name index; 10_000: none does; 10: some do.
    monkeypatch.setattr(models, "_walk_is_faster", lambda candidates, *_: candidates > walk_above)
    rows = {p.pk: p for p in varied if p.deleted_at is None}
    for q in ["silva", "ma", "a", "rua", "com", "ana", "11", "9", "maria silva", "nada disso"]:
        queryset = filter_parties(admin, q=q)
        page = paginate(queryset, sort_field="sort_name", descending=False, limit=20, cursor=None)
        in_order = sorted(expected(rows.values(), q), key=lambda pk: (rows[pk].sort_name, pk))
        assert [p.pk for p in page.items] == in_order[:20], q
        assert page.count == len(in_order), q


def trigram_rows() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid, search_text, search_digits FROM party_search")
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def party_rows() -> dict[int, tuple[str, str]]:
    return {
        pk: (text, number)
        for pk, text, number in Party.objects.values_list("id", "search_text", "search_digits")
    }


@sqlite_only
def test_every_write_keeps_the_trigram_table_in_step(admin, unit_matriz, party_own):
    party = services.party_create(
        actor=admin, data={"name": "Quitanda Ximenes", "unit_id": unit_matriz.pk}
    )
    assert trigram_rows() == party_rows()

    services.party_update(actor=admin, party=party, data={"phones": ["(11) 3333-1234"]})
    services.party_update(actor=admin, party=party_own, data={"name": "Joana Prado"})
    Party.objects.filter(pk=party.pk).update(search_text=" by hand")
    assert trigram_rows() == party_rows()

    services.party_trash(actor=admin, party=party)
    assert trigram_rows() == party_rows()  # the trash has its search too
    services.party_purge(actor=admin, party=Party.objects.get(pk=party.pk))
    assert party.pk not in trigram_rows()
    assert trigram_rows() == party_rows()


@sqlite_only
def test_the_seed_fills_the_trigram_table(db):
    call_command("seed", parties=40, activities=0, stdout=io.StringIO())

    assert len(trigram_rows()) == 40
    assert trigram_rows() == party_rows()


@sqlite_only
def test_missing_triggers_are_put_back_and_the_table_caught_up(admin, party_own):
    # Django rebuilds a SQLite table for many schema changes; its triggers go with it.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER party_search_update")
    services.party_update(actor=admin, party=party_own, data={"name": "Joana Prado"})
    assert trigram_rows() != party_rows()

    assert search_index.repair(connection) is True

    assert trigram_rows() == party_rows()
    assert found(admin, "joana") == {"Joana Prado"}
    assert search_index.repair(connection) is False  # nothing missing: nothing done
