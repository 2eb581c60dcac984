"""Search `q` as DESIGN.md states it: every word, no case, no accents, no punctuation, digits."""

import pytest

from clientela.parties import services
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
