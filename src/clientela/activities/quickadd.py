"""Quick add in plain words: one typed line -> a proposed activity type, due date and party.

"ligar para Maria Souza amanhã às 10h", "call ACME next friday 9am": the phrase is split
into the activity type, the due date/time, the words naming the party (the caller
searches the registry with them) and a description. Nothing here touches the database;
the user confirms or fixes the proposal before anything is saved.

Rules (the same for pt-BR and English phrases, whatever the user's language, so a phrase
means the same thing whoever types it):

- Numeric dates are read day first, for English users too, because the product is
  Brazilian: 05/03 and 5/3 are 5 March. A date without a year that has already passed
  this year means next year.
- A bare weekday ("sexta", "na sexta", "this friday") is the nearest such day, today
  included; when a time is given and it has already passed today, the same weekday
  next week. "próxima sexta", "sexta que vem", "next friday" never mean today.
- "semana que vem"/"next week" is Monday of next week, "mês que vem"/"next month" the
  1st of next month, "fim do mês"/"end of the month" the last day of this month,
  "fim de semana"/"weekend" the Saturday of the coming (or current) weekend.
- Times use the 24-hour clock, as Brazil writes them ("2h" is 02:00, "14h" 14:00);
  "2pm", "2 da tarde" say otherwise. A spoken hour from 1 to 6 without h, minutes,
  am/pm or period ("às 3", "at 3") is refused: people mean 15:00 as often as 03:00.
  "de manhã" is 09:00, "à tarde" 14:00, "à noite" 19:00; meio-dia/noon is 12:00,
  meia-noite/midnight the 00:00 that starts the day. A time with no date is today if
  still ahead, else tomorrow. A date or time that is already past is read and listed
  as a problem ("hoje às 10h" typed at 15:00).
- "retornar", "retorno", "follow up", "falar com", "contato" name no specific type
  (type_slug None): in these businesses a return is by phone, WhatsApp or a visit,
  so the form asks instead of us guessing "call".
- Portuguese writes weekdays and months in lowercase, so a capitalised one next to
  another capitalised word is part of a name ("Sexta Cia", "Padaria 7 de Setembro",
  "Pedro Domingo"); a problem says so when that leaves the phrase without a date.

dateparser is not used: 1.5.0 reads "10h" as "in 10 hours", "às 25h" as tomorrow 16:00
and 29/02 of a common year as 2028 without a word, and knows neither "próxima segunda",
"depois de amanhã", "fim do mês" nor "meio-dia". Since every date word must be located
anyway (to keep it out of party names such as "Padaria Março"), once located a
"5 de março" is just date(year, 3, 5).
"""

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

TYPE_SLUGS = (
    "call",
    "visit",
    "email",
    "meeting",
    "whatsapp",
    "analysis",
    "after-sales",
    "technical-assistance",
    "other",
)


@dataclass(frozen=True)
class Proposal:
    text: str  # the phrase as typed (stripped, in Unicode NFC)
    type_slug: str | None  # one of TYPE_SLUGS, None when no type word was found
    due_at: datetime.datetime | None  # aware, in now's zone; local midnight when all_day
    all_day: bool  # a date without a time
    party_query: str  # the words naming the party, "" if none
    description: str  # the phrase minus its date and time words
    problems: list[str]  # what could not be read, for the user; empty when all was read
    topic: str = ""  # the words after "sobre"/"about", kept out of the party query

    @property
    def understood(self) -> bool:
        return self.due_at is not None and not self.problems


# --- words ---------------------------------------------------------------------------
# Patterns are matched against the phrase folded to lowercase without accents, one
# character for one, so every match points at the same span of the original text.

_TYPE_WORDS = [
    # Longer phrases first: "visita técnica" is technical assistance, not a visit.
    ("technical-assistance", r"assistencia tecnica|visita tecnica|suporte tecnico"),
    ("technical-assistance", r"technical (?:assistance|support)|tech support|assistencia"),
    ("after-sales", r"pos[- ]?vendas?|after[- ]?sales?"),
    ("visit", r"visitas?|visitar|visits?"),
    ("meeting", r"video ?call|videochamada|chamada de video|reuni(?:ao|oes)|meeting"),
    ("email", r"(?:enviar|mandar|send)(?: (?:um|an))? e-?mail|(?:por|via|by) e-?mail"),
    ("email", r"e-?mails?|e mail"),
    (
        "whatsapp",
        r"(?:enviar|mandar|send)(?: (?:um|uma|an?))?"
        r" (?:mensagem|msg|message|whatsapp|whats|zap|wpp)"
        r"|(?:por|pelo|no|via|by|on) (?:whatsapp|whats|zap|wpp)",
    ),
    ("whatsapp", r"whats ?app|whats|zapzap|zap|wpp"),
    ("call", r"ligar de volta|liga(?:cao|coes)|ligar|ligue|telefonar|telefonema"),
    ("call", r"(?:por|pelo|by) telefone|phone call|call back|call|phone|chamada"),
    ("analysis", r"analises?|analisar|analysis|analy[sz]e"),
]
# Follow-up words (no specific type) and fillers: read, kept out of the party query.
_FOLLOW_UP = (
    r"dar (?:um )?retorno|retornar|retorno|follow[- ]?up|falar com|falar"
    r"|entrar em contato(?: com)?|contatar|contato|contact"
)
_FILLER = (
    r"lembrar de|lembrar|lembrete(?: de| para)?|remind me to|remember to"
    r"|preciso|tenho que|fazer|dar|marcar|agendar|schedule"
)
# What follows one of these is the subject, not the party: "ligar para Maria sobre o contrato".
_TOPIC = r"sobre|about|regarding|a respeito de|referente ao?|assunto|re:"

_PREPOSITIONS = {
    "para", "pra", "pro", "pras", "pros", "p/", "com", "na", "no", "nas", "nos", "da", "do",
    "das", "dos", "de", "em", "ao", "aos", "ate", "to", "with", "at", "for", "on", "in",
    "of", "by", "until", "por", "pelo", "pela", "via", "e", "and", "ou", "or",
}  # fmt: skip
# Articles may begin a name ("O Boticário", "The Coffee House"): dropped only in lowercase.
_ARTICLES = {"a", "o", "as", "os", "um", "uma", "the", "an"}
_EDGE_PUNCTUATION = ",;:!?.()[]-–—\"'“”"

_WEEKDAYS_PT = {
    "segunda": 0, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4, "sabado": 5, "domingo": 6,
}  # fmt: skip
_WEEKDAYS_EN = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_MONTHS_PT = {
    "janeiro": 1, "fevereiro": 2, "marco": 3, "abril": 4, "maio": 5, "junho": 6, "julho": 7,
    "agosto": 8, "setembro": 9, "outubro": 10, "novembro": 11, "dezembro": 12,
}  # fmt: skip
_MONTH_ABBREVIATIONS = {
    "jan": 1, "fev": 2, "mar": 3, "abr": 4, "mai": 5, "jun": 6, "jul": 7, "ago": 8,
    "set": 9, "out": 10, "nov": 11, "dez": 12,
}  # fmt: skip
_MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "feb": 2, "apr": 4, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "dec": 12,
}  # fmt: skip
_NUMBERS = {
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6,
    "sete": 7, "oito": 8, "nove": 9, "dez": 10, "quinze": 15, "vinte": 20, "trinta": 30,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30,
}  # fmt: skip
_PERIOD_HOURS = {"morning": 9, "afternoon": 14, "evening": 19}


def _alternatives(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


def _period_of(word: str) -> str:
    if word in ("manha", "morning"):
        return "morning"
    if word in ("tarde", "afternoon"):
        return "afternoon"
    if word == "madrugada":
        return "small-hours"
    return "evening"  # noite, evening, night


_WEEKDAY = (
    r"(?P<wd>(?:segunda|terca|quarta|quinta|sexta)(?:[- ]feira)?|sabado|domingo"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_MONTH = f"(?P<month>{_alternatives([*_MONTHS_PT, *_MONTH_ABBREVIATIONS, *_MONTHS_EN])})\\.?"
_MONTH_EN = f"(?P<month>{_alternatives(_MONTHS_EN)})\\.?"
_NUMBER = f"(?P<n>\\d{{1,3}}|{_alternatives(_NUMBERS)})"
_UNIT = (
    r"(?P<unit>dias? uteis|business days?|working days?|dias?|days?|semanas?|weeks?"
    r"|mes|meses|months?|horas?|hours?|hrs?|hs|h|minutos?|minutes?|mins?)"
)
_DATE_PREFIX = r"(?:(?:no dia|dia|on the|on|em|by|ate)\s+)?"
_TIME_PREFIX = r"(?:(?:as|a|at|by|pelas|umas|por volta das|around)\s+)?"
_PERIOD_AFTER = (
    r"(?:\s+(?:da|de|pela|a|in the|at)\s+(?P<qualifier>manha|tarde|noite|madrugada"
    r"|morning|afternoon|evening|night))?"
)
_YEAR = r"(?:,?\s+(?:de\s+)?(?P<year>\d{4}))?"
# Numbers must stand alone: not part of 105/03, 10:30:15 or a phone number.
_NUM_START = r"(?<![\w/:])"
_NUM_END = r"(?![\w/:]|[.-]\d)"


# --- what a rule reads -----------------------------------------------------------------


class _Unreadable(Exception):
    """A date or time word that was found but does not make sense ("31/02", "25h")."""

    def __init__(self, message: str, *, is_day: bool):
        super().__init__(message)
        self.message = message
        self.is_day = is_day


@dataclass
class _Reading:
    day: datetime.date | None = None
    time: datetime.time | None = None
    period: str | None = None  # "de manhã" without a clock time: a default hour
    moment: datetime.datetime | None = None  # "daqui a 2 horas": an exact instant
    next_week_if_past: bool = False  # a bare weekday whose time has passed today
    lowercase_hint: str = ""  # a Portuguese weekday/month in capitals: maybe a name


@dataclass
class _Piece:
    start: int
    end: int
    kind: str  # type, follow-up, filler, topic, when
    slug: str | None = None
    reading: _Reading | None = None
    problem: str | None = None
    bad_day: bool = False  # the problem is with the day, not the time


@dataclass
class _Context:
    now: datetime.datetime
    text: str

    @property
    def today(self) -> datetime.date:
        return self.now.date()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (31 Jan + 1 month = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, _month_length(year, month)))


def _month_length(year: int, month: int) -> int:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (first_of_next - datetime.timedelta(days=1)).day


def _add_business_days(day: datetime.date, count: int) -> datetime.date:
    # Saturdays and Sundays only: holidays vary by city and are not known here.
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _next_monday(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=7 - today.weekday())


def _weekday_word(word: str) -> str:
    return re.split(r"[- ]", word)[0]  # "segunda-feira" -> "segunda"


def _weekday_index(word: str) -> int:
    first = _weekday_word(word)
    return _WEEKDAYS_PT[first] if first in _WEEKDAYS_PT else _WEEKDAYS_EN[first]


def _day_month(ctx: _Context, day: int, month: int, year: int | None, *, numeric: bool, text):
    """A date from its parts; without a year, the next time that day comes (today included)."""
    if year is None:
        year = ctx.today.year
        if (month, day) < (ctx.today.month, ctx.today.day):
            year += 1
    elif year < 100:
        year += 2000
    try:
        return datetime.date(year, month, day)
    except ValueError:
        if numeric:
            raise _Unreadable(
                _("“%(text)s” is not a valid date: dates are read day first (05/03 is 5 March).")
                % {"text": text},
                is_day=True,
            ) from None
        raise _Unreadable(
            _("“%(text)s” is not a valid date.") % {"text": text}, is_day=True
        ) from None


def _clock(hour: int, minute: int, qualifier: str | None, *, text: str) -> datetime.time:
    early = qualifier is not None and _period_of(qualifier) in ("morning", "small-hours")
    if qualifier and not early and hour < 12:
        hour += 12  # "2 da tarde"
    if hour > 23 or minute > 59 or (early and hour > 12):  # "25h", "14h da manhã"
        raise _Unreadable(_("“%(text)s” is not a valid time.") % {"text": text}, is_day=False)
    return datetime.time(hour, minute)


# Each rule reads a match into a _Reading (or raises _Unreadable).
_Reader = Callable[[re.Match, _Context, str], _Reading]


def _read_relative(m: re.Match, ctx: _Context, text: str) -> _Reading:
    n_word = m["n"]
    n = int(n_word) if n_word.isdigit() else _NUMBERS[n_word]
    unit = m["unit"]
    if "uteis" in unit or "business" in unit or "working" in unit:
        return _Reading(day=_add_business_days(ctx.today, n))
    if unit.startswith(("dia", "day")):
        return _Reading(day=ctx.today + datetime.timedelta(days=n))
    if unit.startswith(("semana", "week")):
        return _Reading(day=ctx.today + datetime.timedelta(weeks=n))
    if unit.startswith(("mes", "month")):
        return _Reading(day=_add_months(ctx.today, n))
    delta = datetime.timedelta(minutes=n) if unit.startswith("min") else datetime.timedelta(hours=n)
    # Arithmetic on UTC: "in 3 hours" is 3 real hours even across a DST change.
    exact = (ctx.now.astimezone(datetime.UTC) + delta).astimezone(ctx.now.tzinfo)
    return _Reading(moment=exact.replace(second=0, microsecond=0))


def _fixed(days: int = 0, period: str | None = None) -> _Reader:
    return lambda m, ctx, text: _Reading(
        day=ctx.today + datetime.timedelta(days=days), period=period
    )


def _read_weekday(m: re.Match, ctx: _Context, text: str) -> _Reading:
    wanted = _weekday_index(m["wd"])
    today = ctx.today
    prefix, suffix = (m["pre"] or "").strip(), (m["post"] or "").strip()
    if suffix in ("da semana que vem", "da proxima semana", "next week"):
        return _Reading(day=_next_monday(today) + datetime.timedelta(days=wanted))
    ahead = (wanted - today.weekday()) % 7
    if "proxim" in prefix or "next" in prefix or suffix == "que vem":
        return _Reading(day=today + datetime.timedelta(days=ahead or 7))
    reading = _Reading(day=today + datetime.timedelta(days=ahead), next_week_if_past=True)
    if not prefix and text[0].isupper() and _weekday_word(m["wd"]) in _WEEKDAYS_PT:
        reading.lowercase_hint = text.lower()
    return reading


def _read_numeric_date(m: re.Match, ctx: _Context, text: str) -> _Reading:
    year = int(m["year"]) if m["year"] else None
    day = _day_month(ctx, int(m["day"]), int(m["month"]), year, numeric=True, text=text)
    return _Reading(day=day)


def _read_word_date(m: re.Match, ctx: _Context, text: str) -> _Reading:
    month_word = m["month"]
    month = {**_MONTHS_PT, **_MONTH_ABBREVIATIONS, **_MONTHS_EN}[month_word]
    year = int(m["year"]) if m["year"] else None
    reading = _Reading(day=_day_month(ctx, int(m["day"]), month, year, numeric=False, text=text))
    capitalised = text[m.start("month") - m.start()].isupper()
    if not m.groupdict().get("pre") and capitalised and month_word in _MONTHS_PT:
        reading.lowercase_hint = text.lower()
    return reading


def _read_day_of_month(m: re.Match, ctx: _Context, text: str) -> _Reading:
    """'dia 15': this month's 15th, or next month's when it has passed."""
    today, day = ctx.today, int(m["day"])
    first = today.replace(day=1)
    if day < today.day:
        first = _add_months(first, 1)
    if not 1 <= day <= _month_length(first.year, first.month):
        raise _Unreadable(_("“%(text)s” is not a valid date.") % {"text": text}, is_day=True)
    return _Reading(day=first.replace(day=day))


def _read_am_pm(m: re.Match, ctx: _Context, text: str) -> _Reading:
    hour, minute = int(m["hour"]), int(m["minute"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        raise _Unreadable(_("“%(text)s” is not a valid time.") % {"text": text}, is_day=False)
    hour = hour % 12 + (12 if m["ampm"] == "p" else 0)
    return _Reading(time=datetime.time(hour, minute))


def _read_clock(m: re.Match, ctx: _Context, text: str) -> _Reading:
    minute = int(m["minute"]) if m.groupdict().get("minute") else 0
    return _Reading(time=_clock(int(m["hour"]), minute, m["qualifier"], text=text))


def _read_spoken_hour(m: re.Match, ctx: _Context, text: str) -> _Reading:
    """'às 10', 'at 3 o'clock': a number without h or minutes, as people say it."""
    hour = int(m["hour"])
    if not m["qualifier"] and 1 <= hour <= 6:
        # Said this way, "at 3" is 15:00 as often as 03:00: the 24-hour clock would guess.
        raise _Unreadable(
            _("“%(text)s” could be %(early)s or %(late)s: write the one you mean.")
            % {"text": text, "early": f"{hour:02d}:00", "late": f"{hour + 12}:00"},
            is_day=False,
        )
    return _Reading(time=_clock(hour, 0, m["qualifier"], text=text))


def _read_noon(m: re.Match, ctx: _Context, text: str) -> _Reading:
    return _Reading(time=datetime.time(12 if m["noon"] else 0))


def _read_period(m: re.Match, ctx: _Context, text: str) -> _Reading:
    reading = _Reading(period=_period_of(m["period"]))
    if m["this"]:  # "this afternoon" is today's
        reading.day = ctx.today
    return reading


def _read_iso_date(m: re.Match, ctx: _Context, text: str) -> _Reading:
    day = _day_month(ctx, int(m["day"]), int(m["month"]), int(m["year"]), numeric=True, text=text)
    return _Reading(day=day)


def _read_weekend(m: re.Match, ctx: _Context, text: str) -> _Reading:
    today = ctx.today
    if today.weekday() >= 5:  # already the weekend
        return _Reading(day=today)
    return _Reading(day=today + datetime.timedelta(days=5 - today.weekday()))


def _read_next_weekend(m: re.Match, ctx: _Context, text: str) -> _Reading:
    return _Reading(day=_next_monday(ctx.today) + datetime.timedelta(days=5))


def _read_month_end(m: re.Match, ctx: _Context, text: str) -> _Reading:
    today = ctx.today
    return _Reading(day=today.replace(day=_month_length(today.year, today.month)))


def _read_next_month_end(m: re.Match, ctx: _Context, text: str) -> _Reading:
    first = _add_months(ctx.today.replace(day=1), 1)
    return _Reading(day=first.replace(day=_month_length(first.year, first.month)))


def _read_next_week(m: re.Match, ctx: _Context, text: str) -> _Reading:
    return _Reading(day=_next_monday(ctx.today))


def _read_next_month(m: re.Match, ctx: _Context, text: str) -> _Reading:
    return _Reading(day=_add_months(ctx.today.replace(day=1), 1))


def _rule(pattern: str, reader: _Reader) -> tuple[re.Pattern, _Reader]:
    return re.compile(rf"(?<!\w){pattern}(?!\w)"), reader


# In order: a longer or more specific phrase before the words it contains, dates
# before times (so "10" in "10/12" is not an hour).
_WHEN_RULES = [
    _rule(rf"(?:daqui a|daqui|dentro de|em|in|within)\s+{_NUMBER}\s*{_UNIT}", _read_relative),
    _rule(rf"{_NUMBER}\s+{_UNIT}\s+from now", _read_relative),
    _rule(r"(?:depois de amanha|(?:the )?day after tomorrow)", _fixed(2)),
    _rule(r"(?:amanha|tomorrow)", _fixed(1)),
    _rule(r"tonight", _fixed(0, "evening")),
    _rule(r"(?:hoje|today)", _fixed(0)),
    _rule(
        r"(?:(?:no )?(?:proximo fim de semana|fim de semana que vem)|(?:on )?next weekend)",
        _read_next_weekend,
    ),
    _rule(
        r"(?:(?:no |neste |nesse |este |esse )?fim de semana|(?:this |the |on the )?weekend)",
        _read_weekend,
    ),
    _rule(
        r"(?P<pre>(?:na proxima|no proximo|na|no|nesta|neste|nessa|nesse|esta|este|essa|esse"
        r"|proxima|proximo|ate|on|this|next|by)\s+)?"
        rf"{_WEEKDAY}(?P<post>\s+(?:que vem|da semana que vem|da proxima semana|next week))?",
        _read_weekday,
    ),
    _rule(
        r"(?:(?:no |ate o )?(?:fim|final) do (?:mes que vem|proximo mes)"
        r"|(?:at |by |until )?(?:the )?end of next month)",
        _read_next_month_end,
    ),
    _rule(
        r"(?:(?:no |ate o )?(?:fim|final) d[eo] mes"
        r"|(?:at |by |until )?(?:the )?end of (?:the |this )?month)",
        _read_month_end,
    ),
    _rule(r"(?:(?:na )?(?:semana que vem|proxima semana)|next week)", _read_next_week),
    _rule(r"(?:(?:no )?(?:mes que vem|proximo mes)|next month)", _read_next_month),
    _rule(
        rf"{_NUM_START}{_DATE_PREFIX}(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})"
        rf"{_NUM_END}",
        _read_iso_date,
    ),
    _rule(
        rf"{_NUM_START}{_DATE_PREFIX}(?P<day>\d{{1,2}})(?P<sep>[/.-])(?P<month>\d{{1,2}})"
        rf"(?P=sep)(?P<year>\d{{4}}|\d{{2}}){_NUM_END}",
        _read_numeric_date,
    ),
    _rule(
        rf"{_NUM_START}{_DATE_PREFIX}(?P<day>\d{{1,2}})/(?P<month>\d{{1,2}})(?P<year>){_NUM_END}",
        _read_numeric_date,
    ),
    _rule(
        r"(?P<pre>(?:no dia|dia|on the|on|em|by|ate)\s+)?(?P<day>\d{1,2})"
        rf"(?:º|ª|o|st|nd|rd|th)?\s+(?:de\s+|of\s+)?{_MONTH}{_YEAR}",
        _read_word_date,
    ),
    _rule(
        rf"(?P<pre>(?:on|by)\s+)?{_MONTH_EN}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_YEAR}",
        _read_word_date,
    ),
    _rule(
        r"(?:(?:no |ate o |on |by )?(?:o |the )?dia (?P<day>\d{1,2}))(?![/:])", _read_day_of_month
    ),
    _rule(r"(?:(?:on |by )?(?:the )?(?P<day>\d{1,2})(?:st|nd|rd|th))", _read_day_of_month),
    _rule(
        rf"{_NUM_START}{_TIME_PREFIX}(?P<hour>\d{{1,2}})(?::(?P<minute>\d{{2}}))?\s?"
        r"(?P<ampm>[ap])\.?\s?m\.?",
        _read_am_pm,
    ),
    _rule(
        r"(?:(?:ao|a|at|por volta do|around)\s+)?"
        r"(?:(?P<noon>meio[- ]?dia|noon|midday)|meia[- ]?noite|midnight)",
        _read_noon,
    ),
    _rule(
        rf"{_NUM_START}{_TIME_PREFIX}(?P<hour>\d{{1,2}})\s?(?:h|hs|hrs?)(?:\s?(?P<minute>\d{{2}}))?"
        rf"(?:\s?min)?{_PERIOD_AFTER}",
        _read_clock,
    ),
    _rule(
        rf"{_NUM_START}{_TIME_PREFIX}(?P<hour>\d{{1,2}}):(?P<minute>\d{{2}})(?:\s?h)?(?![\w:])"
        rf"{_PERIOD_AFTER}",
        _read_clock,
    ),
    _rule(
        rf"{_NUM_START}{_TIME_PREFIX}(?P<hour>\d{{1,2}})\s+(?:horas?|o['’]?clock){_PERIOD_AFTER}",
        _read_spoken_hour,
    ),
    _rule(
        rf"(?:as|at|pelas|por volta das|around)\s+(?P<hour>\d{{1,2}}){_NUM_END}{_PERIOD_AFTER}",
        _read_spoken_hour,
    ),
    _rule(
        r"(?P<hour>\d{1,2})\s+(?:da|de|in the)\s+"
        r"(?P<qualifier>manha|tarde|noite|madrugada|morning|afternoon|evening)",
        _read_clock,
    ),
    _rule(
        r"(?:(?P<this>this)|de|da|pela|a|na|durante a|in the|at|on the)\s+"
        r"(?P<period>manha|tarde|noite|morning|afternoon|evening|night)",
        _read_period,
    ),
    # "tomorrow morning"; not the Portuguese words alone: "mais tarde" is "later".
    _rule(r"(?P<this>)(?P<period>morning|afternoon|evening|night)", _read_period),
]


# --- the phrase ------------------------------------------------------------------------


def _within_calendar(reading: _Reading, text: str) -> _Reading:
    # Python's dates end in 9999: "31/12/9999 23h" or "daqui a 99999 dias" would overflow.
    last = datetime.date(9998, 12, 31)
    if (reading.day and reading.day > last) or (reading.moment and reading.moment.date() > last):
        raise _Unreadable(_("“%(text)s” is not a valid date.") % {"text": text}, is_day=True)
    return reading


def _fold(text: str) -> str:
    """Lowercase without accents, keeping one character for one ('Amanhã' -> 'amanha')."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0].lower()
        out.append(base if len(base) == 1 else ch)
    return "".join(out)


def _neighbours(text: str, taken: list[bool], start: int, end: int) -> list[str]:
    """The words directly before and after text[start:end] that no rule has read."""
    words = []
    before = re.search(r"(\S+)\s*$", text[:start])
    if before and not any(taken[before.start(1) : before.end(1)]):
        words.append(before.group(1))
    after = re.match(r"\s*(\S+)", text[end:])
    if after and not any(taken[end + after.start(1) : end + after.end(1)]):
        words.append(after.group(1))
    return words


def _looks_like_name(word: str) -> bool:
    word = word.strip(_EDGE_PUNCTUATION)
    return bool(word) and word[0].isupper() and _fold(word) not in _PREPOSITIONS | _ARTICLES


def _next_to_a_name(text: str, pieces: list[_Piece], piece: _Piece) -> bool:
    taken = _taken(len(text), [p for p in pieces if p is not piece])
    return any(_looks_like_name(w) for w in _neighbours(text, taken, piece.start, piece.end))


def _taken(length: int, pieces: list[_Piece]) -> list[bool]:
    taken = [False] * length
    for piece in pieces:
        taken[piece.start : piece.end] = [True] * (piece.end - piece.start)
    return taken


def _find_pieces(text: str, ctx: _Context) -> list[_Piece]:
    folded = _fold(text)
    pieces: list[_Piece] = []

    def claim(pattern: re.Pattern, make: Callable[[re.Match], _Piece]) -> None:
        nonlocal folded
        for m in pattern.finditer(folded):
            pieces.append(make(m))
        for piece in pieces:  # later rules never see what was read
            folded = folded[: piece.start] + "#" * (piece.end - piece.start) + folded[piece.end :]

    # Dates and times first, so "sobre" or a type word never splits "daqui a 3 dias".
    for pattern, reader in _WHEN_RULES:

        def make(m, reader=reader):
            piece = _Piece(m.start(), m.end(), "when")
            said = text[m.start() : m.end()]
            try:
                piece.reading = _within_calendar(reader(m, ctx, said), said)
            except _Unreadable as error:
                piece.problem, piece.bad_day = error.message, error.is_day
            return piece

        claim(pattern, make)
    for slug, words in _TYPE_WORDS:
        claim(
            re.compile(rf"(?<!\w)(?:{words})(?!\w)"), lambda m, s=slug: _Piece(*m.span(), "type", s)
        )
    for kind, words in (("follow-up", _FOLLOW_UP), ("filler", _FILLER), ("topic", _TOPIC)):
        claim(re.compile(rf"(?<!\w)(?:{words})(?![\w:])"), lambda m, k=kind: _Piece(*m.span(), k))
    return sorted(pieces, key=lambda p: p.start)


def _strip_edges(words: list[str], *, phrase_start: bool) -> list[str]:
    """Drop connectors and punctuation at both ends of a run of leftover words."""
    words = [w for w in words if w.strip(_EDGE_PUNCTUATION)]

    def droppable(word: str, first_of_phrase: bool) -> bool:
        key = _fold(word.strip(_EDGE_PUNCTUATION))
        if key in _PREPOSITIONS:
            return True
        return key in _ARTICLES and (word.islower() or first_of_phrase)

    while words and droppable(words[0], phrase_start):
        words.pop(0)
        phrase_start = False
    while words and droppable(words[-1], False):
        words.pop()
    if words:
        words[0] = words[0].lstrip(_EDGE_PUNCTUATION)
        words[-1] = words[-1].rstrip(_EDGE_PUNCTUATION)
    return words


def _leftover_runs(text: str, pieces: list[_Piece], start: int, end: int) -> list[tuple[int, str]]:
    """(offset, text) of each run of text in [start, end) that no piece has read."""
    taken = _taken(len(text), pieces)
    runs, current, offset = [], [], None
    for i in range(start, end):
        if taken[i]:
            if current:
                runs.append((offset, "".join(current)))
            current, offset = [], None
        else:
            offset = i if offset is None else offset
            current.append(text[i])
    if current:
        runs.append((offset, "".join(current)))
    return runs


def _words_of(text: str, pieces: list[_Piece], start: int, end: int) -> str:
    words: list[str] = []
    for offset, run in _leftover_runs(text, pieces, start, end):
        words += _strip_edges(run.split(), phrase_start=not text[:offset].strip())
    return " ".join(words)


def _local(day: datetime.date, time: datetime.time, zone) -> datetime.datetime:
    # Through UTC: a wall time skipped by a DST change (São Paulo's midnights before
    # 2019) becomes the instant after the gap instead of a time that never existed.
    return (
        datetime.datetime.combine(day, time, tzinfo=zone).astimezone(datetime.UTC).astimezone(zone)
    )


def _after(moment: datetime.datetime, now: datetime.datetime) -> bool:
    # In UTC: Python compares datetimes sharing a tzinfo by wall time, wrong in a DST overlap.
    return moment.astimezone(datetime.UTC) > now.astimezone(datetime.UTC)


def _disagree(first: _Piece, second: _Piece, text: str) -> str:
    return _("“%(first)s” and “%(second)s” do not agree: say the date or time only once.") % {
        "first": text[first.start : first.end],
        "second": text[second.start : second.end],
    }


def _due(ctx: _Context, when: list[_Piece], problems: list[str]):
    """(due_at, all_day) from the date and time pieces, or (None, False) with problems."""
    text, zone = ctx.text, ctx.now.tzinfo
    read = [p for p in when if p.reading]
    bad_day = any(p.bad_day for p in when)
    moments = [p for p in read if p.reading.moment]
    if moments:
        others = [p for p in read if p is not moments[0]]
        if others:
            problems.append(_disagree(moments[0], others[0], text))
            return None, False
        return moments[0].reading.moment, False
    days = [p for p in read if p.reading.day]
    clocks = [p for p in read if p.reading.time]
    periods = [p for p in read if p.reading.period]
    for group in (days, clocks, periods):
        values = {(p.reading.day, p.reading.time, p.reading.period) for p in group}
        if len(values) > 1:
            problems.append(_disagree(group[0], group[1], text))
            return None, False
    time = clocks[0].reading.time if clocks else None
    if periods:
        period = periods[0].reading.period
        if time is None:
            time = datetime.time(_PERIOD_HOURS[period])
        elif period in ("afternoon", "evening") and time.hour < 12:
            time = time.replace(hour=time.hour + 12)  # "à tarde às 3"
        elif period == "morning" and time.hour >= 12:
            problems.append(_disagree(periods[0], clocks[0], text))
            return None, False
    if bad_day:
        return None, False  # a time alone would be a guess at the day
    if not days:
        if time is None:
            return None, False
        due = _local(ctx.today, time, zone)
        if not _after(due, ctx.now):  # a time alone: today if still ahead, else tomorrow
            due = _local(ctx.today + datetime.timedelta(days=1), time, zone)
        return due, False
    day_piece = days[0]
    day = day_piece.reading.day
    if time is None:
        if day < ctx.today:
            problems.append(_in_the_past(text, [day_piece]))
        return _local(day, datetime.time(0), zone), True
    due = _local(day, time, zone)
    if not _after(due, ctx.now) and all(p.reading.next_week_if_past for p in days):
        due = _local(day + datetime.timedelta(days=7), time, zone)
    if not _after(due, ctx.now):
        problems.append(_in_the_past(text, [day_piece, *clocks[:1], *periods[:1]]))
    return due, False


def _in_the_past(text: str, pieces: list[_Piece]) -> str:
    said = " ".join(
        dict.fromkeys(text[p.start : p.end] for p in sorted(pieces, key=lambda p: p.start))
    )
    return _("“%(text)s” is in the past.") % {"text": said}


def parse(text: str, *, now: datetime.datetime, language: str) -> Proposal:
    """Split one typed line into type, due date, party words and description.

    `now` is aware, in the user's zone (e.g. America/Sao_Paulo). `language` is the user's
    ("pt-br" or "en"); phrases in either language are read by the same rules, so it does
    not change the reading (day-first dates for everyone: the product is Brazilian).
    """
    if now.tzinfo is None:
        raise ValueError("now must be aware: the due date is in the user's time zone")
    text = unicodedata.normalize("NFC", text.strip())
    ctx = _Context(now=now, text=text)
    if not text:
        return Proposal(
            text, None, None, False, "", "", [_("Type what to do, with whom and when.")]
        )
    pieces = _find_pieces(text, ctx)
    problems: list[str] = []
    hints: list[str] = []

    # Portuguese writes weekdays and months in lowercase: a capitalised one beside a
    # capitalised word is part of a name ("Sexta Cia", "Padaria 7 de Setembro").
    for piece in [p for p in pieces if p.reading and p.reading.lowercase_hint]:
        if _next_to_a_name(text, pieces, piece):
            pieces.remove(piece)
            hints.append(
                _(
                    "“%(text)s” was read as part of a name (it has a capital letter): "
                    "write “%(lowercase)s” if it is the date."
                )
                % {"text": text[piece.start : piece.end], "lowercase": piece.reading.lowercase_hint}
            )
    # Several type words: a capitalised one beside a capitalised word is a name ("Visita Imóveis").
    types = [p for p in pieces if p.kind == "type"]
    if len({p.slug for p in types}) > 1:
        for piece in types:
            if text[piece.start].isupper() and _next_to_a_name(text, pieces, piece):
                pieces.remove(piece)
        types = [p for p in pieces if p.kind == "type"]
    type_slug = types[0].slug if types else None
    if len({p.slug for p in types}) > 1:
        problems.append(
            _("“%(first)s” and “%(second)s” are different kinds of activity: say only one.")
            % {
                "first": text[types[0].start : types[0].end],
                "second": next(text[p.start : p.end] for p in types if p.slug != types[0].slug),
            }
        )
        type_slug = None

    when = [p for p in pieces if p.kind == "when"]
    problems += [p.problem for p in when if p.problem]
    due_at, all_day = _due(ctx, when, problems)
    if not any(p.reading or p.problem for p in when):
        problems.append(_("No date understood in “%(text)s”.") % {"text": text})
    if not any(p.reading and (p.reading.day or p.reading.moment) for p in when):
        problems += hints  # why "Sexta" was not read as the day the user may have meant

    topic_at = next((p for p in pieces if p.kind == "topic"), None)
    party_end = topic_at.start if topic_at else len(text)
    # The description keeps the type and the party, only the date and time words go.
    description = " ".join(
        _strip_edges(
            " ".join(run for _, run in _leftover_runs(text, when, 0, len(text))).split(),
            phrase_start=True,
        )
    )
    return Proposal(
        text=text,
        type_slug=type_slug,
        due_at=due_at,
        all_day=all_day,
        party_query=_words_of(text, pieces, 0, party_end),
        description=description,
        problems=problems,
        topic=_words_of(text, pieces, topic_at.end, len(text)) if topic_at else "",
    )
