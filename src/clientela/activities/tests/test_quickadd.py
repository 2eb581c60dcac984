"""Quick add in plain words: real phrasings, in pt-BR and English, read into proposals.

Each row: the phrase, the expected type, due date ("YYYY-MM-DD HH:MM" local, or
"YYYY-MM-DD" for a whole day, or None) and party words. Rows marked refused must come
back with problems (they count as right when refused); their due is what was still read.
"""

import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from clientela.activities import quickadd
from clientela.activities.quickadd import TYPE_SLUGS, parse

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
NOW = datetime.datetime(2026, 12, 1, 15, 0, tzinfo=SAO_PAULO)  # a Tuesday afternoon
YEAR_END = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=SAO_PAULO)  # a Thursday night
MONTH_END = datetime.datetime(2027, 1, 31, 10, 0, tzinfo=SAO_PAULO)  # a Sunday, 2027 not leap
BEFORE_LEAP = datetime.datetime(2027, 12, 10, 10, 0, tzinfo=SAO_PAULO)
# São Paulo still had DST in 2018: the night of 3-4 November skipped from 00:00 to 01:00.
BEFORE_DST = datetime.datetime(2018, 11, 3, 12, 0, tzinfo=SAO_PAULO)


class Row(NamedTuple):
    phrase: str
    type_slug: str | None
    due: str | None
    party: str
    refused: bool = False
    now: datetime.datetime = NOW
    language: str = "pt-br"


def en(*args, **kwargs) -> Row:
    return Row(*args, **kwargs, language="en")


PORTUGUESE = [
    Row("ligar para Maria Souza amanhã às 10h", "call", "2026-12-02 10:00", "Maria Souza"),
    Row(
        "visita na Padaria Pão Quente próxima segunda 14:30",
        "visit",
        "2026-12-07 14:30",
        "Padaria Pão Quente",
    ),
    Row("retornar daqui a 3 dias", None, "2026-12-04", ""),
    Row("Ligar pra Joana amanha as 9h", "call", "2026-12-02 09:00", "Joana"),
    Row("ligar para o Carlos às 10h30 de amanhã", "call", "2026-12-02 10:30", "Carlos"),
    Row(
        "telefonar para Dona Cida depois de amanhã ao meio-dia",
        "call",
        "2026-12-03 12:00",
        "Dona Cida",
    ),
    Row("ligar pra Bia depois de amanha meio dia", "call", "2026-12-03 12:00", "Bia"),
    Row(
        "reunião com a Construtora Alfa na sexta à tarde",
        "meeting",
        "2026-12-04 14:00",
        "Construtora Alfa",
    ),
    Row("reuniao com Pedro quinta-feira 8h", "meeting", "2026-12-03 08:00", "Pedro"),
    Row("mandar whatsapp para Ana hoje à noite", "whatsapp", "2026-12-01 19:00", "Ana"),
    Row("zap pro Marcos em 2 semanas", "whatsapp", "2026-12-15", "Marcos"),
    Row("mandar mensagem pra Lu daqui a 2 semanas", "whatsapp", "2026-12-15", "Lu"),
    Row("enviar e-mail para Fernanda Lima fim do mês", "email", "2026-12-31", "Fernanda Lima"),
    Row("pós-venda Oficina do Zé semana que vem", "after-sales", "2026-12-07", "Oficina do Zé"),
    Row(
        "pos venda com a Loja Bela Vista mês que vem",
        "after-sales",
        "2027-01-01",
        "Loja Bela Vista",
    ),
    # Day first: 05/03 is 5 March, already past this year, so 2027.
    Row(
        "assistência técnica na Clínica Sorriso 05/03",
        "technical-assistance",
        "2027-03-05",
        "Clínica Sorriso",
    ),
    Row(
        "assistencia tecnica Hotel Central 5/3 às 14h",
        "technical-assistance",
        "2027-03-05 14:00",
        "Hotel Central",
    ),
    Row(
        "análise para a Metalúrgica Souza 15/12/2026", "analysis", "2026-12-15", "Metalúrgica Souza"
    ),
    Row(
        "visitar Domingos Ferreira sábado de manhã",
        "visit",
        "2026-12-05 09:00",
        "Domingos Ferreira",
    ),
    Row("reunião com Segundo Tavares na próxima terça", "meeting", "2026-12-08", "Segundo Tavares"),
    Row("ligar para a Sexta Cia amanhã", "call", "2026-12-02", "Sexta Cia"),
    Row("visita Padaria Março 05/03", "visit", "2027-03-05", "Padaria Março"),
    Row("email Abril Cultural fim do mês", "email", "2026-12-31", "Abril Cultural"),
    Row(
        "visita Padaria 7 de Setembro amanhã 11h",
        "visit",
        "2026-12-02 11:00",
        "Padaria 7 de Setembro",
    ),
    Row("ligar para Maria 5 de março", "call", "2027-03-05", "Maria"),
    Row(
        "reunião 5 de março de 2027 10h com Vale Verde",
        "meeting",
        "2027-03-05 10:00",
        "Vale Verde",
    ),
    Row(
        "reunião dia 15 às 16h com a Gráfica Rápida",
        "meeting",
        "2026-12-15 16:00",
        "Gráfica Rápida",
    ),
    Row("retornar para Banco do Brasil em 3 dias úteis", None, "2026-12-04", "Banco do Brasil"),
    Row("retornar em 24h", None, "2026-12-02 15:00", ""),
    # Today is a Tuesday: a bare "terça" is today, or next week once its hour has passed.
    Row("ligar terça 10h", "call", "2026-12-08 10:00", ""),
    Row("ligar terça 17h", "call", "2026-12-01 17:00", ""),
    Row("ligar na terça", "call", "2026-12-01", ""),
    # A time without a date: today if still ahead, else tomorrow.
    Row("ligar às 16h para Rita", "call", "2026-12-01 16:00", "Rita"),
    Row("ligar às 10 para Rita", "call", "2026-12-02 10:00", "Rita"),
    Row("visitar O Boticário dia 10 à meia-noite", "visit", "2026-12-10 00:00", "O Boticário"),
    Row("ligar p/ Seu Jorge segunda-feira às 9", "call", "2026-12-07 09:00", "Seu Jorge"),
    Row("LIGAR PARA MARIA DEPOIS DE AMANHA", "call", "2026-12-03", "MARIA"),
    Row("ligar pra Ana as 2 da tarde", "call", "2026-12-02 14:00", "Ana"),
    Row("call Bob amanhã 9h", "call", "2026-12-02 09:00", "Bob"),  # mixed languages
    Row("ligar para Visita Imóveis quinta", "call", "2026-12-03", "Visita Imóveis"),
    Row("visita Padaria Domingo amanhã 10h", "visit", "2026-12-02 10:00", "Padaria Domingo"),
    Row(
        "visita técnica na Padaria Central amanhã",
        "technical-assistance",
        "2026-12-02",
        "Padaria Central",
    ),
    Row("visitar a Fazenda Boa Vista no fim de semana", "visit", "2026-12-05", "Fazenda Boa Vista"),
    Row(
        "reunião por videochamada com ACME daqui a uma semana às 11h",
        "meeting",
        "2026-12-08 11:00",
        "ACME",
    ),
    # Refused: what it cannot read, said plainly.
    Row("ligar para Sexta Cia", "call", None, "Sexta Cia", refused=True),
    Row("ligar 31/02", "call", None, "", refused=True),
    Row("ligar para João às 25h", "call", None, "João", refused=True),
    Row("ligar para Maria", "call", None, "Maria", refused=True),
    Row("ligar para Maria ontem", "call", None, "Maria ontem", refused=True),
    Row("ligar sexta 05/12", "call", None, "", refused=True),  # this Friday is 04/12
    Row("ligar para Maria Sexta 10h", "call", "2026-12-02 10:00", "Maria Sexta", refused=True),
    Row("ligar hoje às 10h para Maria", "call", "2026-12-01 10:00", "Maria", refused=True),
    Row("reunião de manhã às 14h com Rui", "meeting", None, "Rui", refused=True),
    Row("ligar amanhã às 3 para Ana", "call", "2026-12-02", "Ana", refused=True),  # 03:00 or 15:00?
    Row(
        "pós-venda por telefone com a Loja Sol amanhã", None, "2026-12-02", "Loja Sol", refused=True
    ),
]

ENGLISH = [
    en("call ACME next friday 9am", "call", "2026-12-04 09:00", "ACME"),
    en("call Bob tomorrow at 10", "call", "2026-12-02 10:00", "Bob"),
    en("phone Mrs. Lee the day after tomorrow at noon", "call", "2026-12-03 12:00", "Mrs. Lee"),
    en("visit Green Farm on Thursday at 2:30pm", "visit", "2026-12-03 14:30", "Green Farm"),
    en("meeting with the Globex team next month", "meeting", "2027-01-01", "Globex team"),
    en("email Initech in 3 days", "email", "2026-12-04", "Initech"),
    en("send an email to The Coffee House on March 5", "email", "2027-03-05", "The Coffee House"),
    en("whatsapp Maria 10h", "whatsapp", "2026-12-02 10:00", "Maria"),
    en("follow up with Acme Corp in 2 weeks", None, "2026-12-15", "Acme Corp"),
    en("call Mike at midnight", "call", "2026-12-02 00:00", "Mike"),
    en("after-sales Hooli end of the month", "after-sales", "2026-12-31", "Hooli"),
    # Day first for English users too: 12/03 is 12 March, 3/5 is 3 May.
    en(
        "technical assistance at Wayne Enterprises 12/03",
        "technical-assistance",
        "2027-03-12",
        "Wayne Enterprises",
    ),
    en("call ACME 3/5", "call", "2027-05-03", "ACME"),
    en("analysis for Stark Industries on the 15th", "analysis", "2026-12-15", "Stark Industries"),
    en("call Ann tonight", "call", "2026-12-01 19:00", "Ann"),
    en("call Ann tomorrow morning", "call", "2026-12-02 09:00", "Ann"),
    en("meeting with Ann Friday 4pm", "meeting", "2026-12-04 16:00", "Ann"),
    en("Call ACME this Tuesday", "call", "2026-12-01", "ACME"),
    en("call ACME next tuesday", "call", "2026-12-08", "ACME"),
    en("visit Contoso in 2 hours", "visit", "2026-12-01 17:00", "Contoso"),
    en("phone call with Umbrella next week", "call", "2026-12-07", "Umbrella"),
    en("call Jo 5 March", "call", "2027-03-05", "Jo"),
    en("call Jo March 5th, 2027", "call", "2027-03-05", "Jo"),
    en("email Globex 2027-01-10 at 8:15am", "email", "2027-01-10 08:15", "Globex"),
    en("call May Lee next monday at 8", "call", "2026-12-07 08:00", "May Lee"),
    en("email March Hare Ltd by friday", "email", "2026-12-04", "March Hare Ltd"),
    en("call the Smiths at 5 in the afternoon", "call", "2026-12-01 17:00", "Smiths"),
    en("call back Wonka tomorrow 8:30", "call", "2026-12-02 08:30", "Wonka"),
    en("day after tomorrow meeting with Acme at 3pm", "meeting", "2026-12-03 15:00", "Acme"),
    en("meeting at Initech this weekend", "meeting", "2026-12-05", "Initech"),
    en("call Dr. Silva in one week", "call", "2026-12-08", "Dr. Silva"),
    en("email Umbrella Corp by the end of the month", "email", "2026-12-31", "Umbrella Corp"),
    en("meeting with Jane on December 10 at 11:30", "meeting", "2026-12-10 11:30", "Jane"),
    en("visit Initech Dec 9", "visit", "2026-12-09", "Initech"),
    en("call Bob at 7 in the evening", "call", "2026-12-01 19:00", "Bob"),
    en("send a whatsapp to Carla tomorrow at 6pm", "whatsapp", "2026-12-02 18:00", "Carla"),
    en("phone Hooli in 3 business days", "call", "2026-12-04", "Hooli"),
    en(
        "after sales follow-up with Pied Piper next week", "after-sales", "2026-12-07", "Pied Piper"
    ),
    en(
        "call Stark Industries about the invoice on Monday",
        "call",
        "2026-12-07",
        "Stark Industries",
    ),
    en("CALL ACME TOMORROW AT 10AM", "call", "2026-12-02 10:00", "ACME"),
    en("meeting with Acme on 10/12 at 10", "meeting", "2026-12-10 10:00", "Acme"),
    en("call Ann on Sunday 11am", "call", "2026-12-06 11:00", "Ann"),
    en(
        "technical support for Wayne Enterprises tomorrow 8am",
        "technical-assistance",
        "2026-12-02 08:00",
        "Wayne Enterprises",
    ),
    en(
        "call Dunder Mifflin the day after tomorrow in the morning",
        "call",
        "2026-12-03 09:00",
        "Dunder Mifflin",
    ),
    en("visit Soylent on Saturday at noon", "visit", "2026-12-05 12:00", "Soylent"),
    en("follow-up with Cyberdyne in a month", None, "2027-01-01", "Cyberdyne"),
    en("ligar para Maria amanhã às 10h", "call", "2026-12-02 10:00", "Maria"),  # mixed
    en("call ACME at 13pm", "call", None, "ACME", refused=True),
    en("call ACME at 3", "call", None, "ACME", refused=True),  # 03:00 or 15:00?
    en("call ACME 30/02", "call", None, "ACME", refused=True),
    en("email Bob on December 40", "email", None, "Bob", refused=True),
    en("call ACME", "call", None, "ACME", refused=True),
    en("call ACME later", "call", None, "ACME later", refused=True),
    en("call Ann this afternoon", "call", "2026-12-01 14:00", "Ann", refused=True),  # 14:00 passed
    en("call or email ACME tomorrow", None, "2026-12-02", "ACME", refused=True),
]

OTHER_DAYS = [
    Row("ligar para Maria amanhã", "call", "2027-01-01", "Maria", now=YEAR_END),
    Row("ligar 05/01 às 9h", "call", "2027-01-05 09:00", "", now=YEAR_END),
    Row("ligar 30/12", "call", "2027-12-30", "", now=YEAR_END),
    Row("fim do mês visita ACME", "visit", "2026-12-31", "ACME", now=YEAR_END),
    en("call ACME at 10am", "call", "2027-01-01 10:00", "ACME", now=YEAR_END),
    en("next week call ACME", "call", "2027-01-04", "ACME", now=YEAR_END),
    Row("retornar daqui a 1 mês", None, "2027-02-28", "", now=MONTH_END),
    Row("ligar domingo", "call", "2027-01-31", "", now=MONTH_END),
    Row("ligar próximo domingo", "call", "2027-02-07", "", now=MONTH_END),
    Row("reunião no fim do mês que vem", "meeting", "2027-02-28", "", now=MONTH_END),
    en("call ACME at the end of next month", "call", "2027-02-28", "ACME", now=MONTH_END),
    en("call ACME on Sunday", "call", "2027-01-31", "ACME", now=MONTH_END),
    en("call ACME next sunday", "call", "2027-02-07", "ACME", now=MONTH_END),
    en("call ACME in a month", "call", "2027-02-28", "ACME", now=MONTH_END),
    en("email ACME Feb 29", "email", None, "ACME", refused=True, now=MONTH_END),
    Row("ligar dia 30", "call", None, "", refused=True, now=MONTH_END),  # no 30 February
    Row("analise 29/02", "analysis", None, "", refused=True, now=MONTH_END),  # 2027 is common
    Row("analise 29/02", "analysis", "2028-02-29", "", now=BEFORE_LEAP),
    Row("ligar amanhã", "call", "2018-11-04", "", now=BEFORE_DST),
    en("call ACME tomorrow", "call", "2018-11-04", "ACME", now=BEFORE_DST),
]

ROWS = PORTUGUESE + ENGLISH + OTHER_DAYS


def mismatches(row: Row) -> list[str]:
    """How the proposal for `row` differs from the expected one (empty when it matches)."""
    proposal = parse(row.phrase, now=row.now, language=row.language)
    found = []
    if proposal.type_slug != row.type_slug:
        found.append(f"type {proposal.type_slug!r}, expected {row.type_slug!r}")
    if proposal.party_query != row.party:
        found.append(f"party {proposal.party_query!r}, expected {row.party!r}")
    if row.due is None:
        due = None
    elif proposal.due_at is None:
        due = "nothing"
    else:
        local = proposal.due_at.astimezone(row.now.tzinfo)
        due = f"{local:%Y-%m-%d}" if proposal.all_day else f"{local:%Y-%m-%d %H:%M}"
        if proposal.due_at.tzinfo != row.now.tzinfo:
            found.append(f"due in {proposal.due_at.tzinfo}, not in the user's zone")
    if proposal.due_at is not None and row.due is None:
        due = "something"
    if due != row.due:
        found.append(f"due {due}, expected {row.due}")
    if row.due is not None and proposal.all_day != (len(row.due) == 10):
        found.append(f"all_day {proposal.all_day}")
    if row.refused and not proposal.problems:
        found.append("not refused")
    if not row.refused and proposal.problems:
        found.append(f"problems {proposal.problems}")
    return found


def accuracy(rows: list[Row] = ROWS) -> float:
    """The share of rows whose expected proposal is produced (refusals count when refused)."""
    return sum(not mismatches(row) for row in rows) / len(rows)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.language}:{r.phrase}" for r in ROWS])
def test_it_reads_the_phrase(row):
    assert mismatches(row) == []


def test_the_table_is_read_without_a_miss():
    assert len(ROWS) >= 60
    assert len(PORTUGUESE) >= 30 and len(ENGLISH) >= 30
    assert accuracy() == 1.0, [(r.phrase, mismatches(r)) for r in ROWS if mismatches(r)]


def test_a_midnight_skipped_by_dst_becomes_the_first_hour_of_the_day():
    proposal = parse("ligar amanhã", now=BEFORE_DST, language="pt-br")
    assert proposal.all_day
    assert proposal.due_at == datetime.datetime(2018, 11, 4, 1, 0, tzinfo=SAO_PAULO)
    assert proposal.due_at.utcoffset() == datetime.timedelta(hours=-2)


def test_hours_from_now_are_real_hours_across_a_dst_change():
    night = datetime.datetime(2018, 11, 3, 23, 0, tzinfo=SAO_PAULO)
    proposal = parse("retornar daqui a 2 horas", now=night, language="pt-br")
    # Through UTC: Python subtracts datetimes of one tzinfo by their wall times.
    elapsed = proposal.due_at.astimezone(datetime.UTC) - night.astimezone(datetime.UTC)
    assert elapsed == datetime.timedelta(hours=2)
    assert proposal.due_at.hour == 2  # the wall clock jumped an hour at midnight


def test_it_says_what_it_could_not_read():
    def problems(phrase):
        # The sentences come in the active language (the request's): English here.
        with translation.override("en"):
            return parse(phrase, now=NOW, language="en").problems

    assert problems("call ACME xyz") == ["No date understood in “call ACME xyz”."]
    assert problems("ligar 31/02") == [
        "“31/02” is not a valid date: dates are read day first (05/03 is 5 March)."
    ]
    assert problems("ligar às 25h") == ["“às 25h” is not a valid time."]
    assert problems("call at 3 tomorrow") == [
        "“at 3” could be 03:00 or 15:00: write the one you mean."
    ]
    assert problems("ligar sexta 05/12") == [
        "“sexta” and “05/12” do not agree: say the date or time only once."
    ]
    assert problems("ligar hoje às 10h") == ["“hoje às 10h” is in the past."]
    assert problems("ligar ou visitar ACME amanhã") == [
        "“ligar” and “visitar” are different kinds of activity: say only one."
    ]
    assert problems("ligar para Sexta Cia") == [
        "No date understood in “ligar para Sexta Cia”.",
        "“Sexta” was read as part of a name (it has a capital letter): "
        "write “sexta” if it is the date.",
    ]
    assert problems("   ") == ["Type what to do, with whom and when."]


def test_it_is_understood_only_with_a_date_and_no_problem():
    assert parse("ligar para Maria amanhã", now=NOW, language="pt-br").understood
    assert not parse("ligar para Maria", now=NOW, language="pt-br").understood
    assert not parse("ligar para Maria hoje às 10h", now=NOW, language="pt-br").understood


def test_the_description_drops_only_the_date_words_and_the_subject_stays_out_of_the_party():
    proposal = parse("ligar para Maria sobre o orçamento amanhã às 10h", now=NOW, language="pt-br")
    assert proposal.text == "ligar para Maria sobre o orçamento amanhã às 10h"
    assert proposal.description == "ligar para Maria sobre o orçamento"
    assert proposal.party_query == "Maria"
    assert proposal.topic == "orçamento"
    assert parse("call ACME next friday 9am", now=NOW, language="en").description == "call ACME"


def test_the_language_setting_does_not_change_the_reading():
    for row in ROWS:
        other = "en" if row.language == "pt-br" else "pt-br"
        assert parse(row.phrase, now=row.now, language=other) == parse(
            row.phrase, now=row.now, language=row.language
        )


def test_every_type_word_maps_to_a_known_slug():
    assert {slug for slug, _ in quickadd._TYPE_WORDS} <= set(TYPE_SLUGS)


def test_it_refuses_a_naive_now():
    with pytest.raises(ValueError):
        naive = datetime.datetime(2026, 12, 1, 15, 0)  # noqa: DTZ001 (the point of the test)
        parse("ligar amanhã", now=naive, language="pt-br")
