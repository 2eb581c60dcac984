"""Text normalisation shared by every search column and every search query.

The same functions fill the stored columns and read the user's query, so the
database only has to compare plain lowercase ASCII words and digit strings
(indexable with trigram GIN on PostgreSQL, unlike unaccent()).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_NOT_DIGIT = re.compile(r"\D+")


def fold(text: str | None) -> str:
    """Lowercase, drop accents, turn punctuation into spaces: 'São-Paulo!' -> 'sao paulo'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", ascii_only.lower()).strip()


def digits(text: str | None) -> str:
    return _NOT_DIGIT.sub("", text or "")


def search_words(query: str) -> list[str]:
    """The distinct folded words of a query, longest first (the most selective filter first)."""
    seen: dict[str, None] = {}
    for word in fold(query).split():
        seen.setdefault(word, None)
    return sorted(seen, key=len, reverse=True)


def is_digit_query(query: str) -> bool:
    """A query made of digits and punctuation only, such as '(11) 98765-4321' or a CPF."""
    stripped = query.strip()
    return bool(stripped) and bool(digits(stripped)) and not re.search(r"[^\W\d_]", stripped)


# --- what text input may hold: one policy for every field of every app -------------

# Control characters (but tab, line feed and carriage return in multi-line text), lone
# surrogates (they cannot be encoded, so PostgreSQL refuses them and pages fail to
# render them) and the two non-characters U+FFFE/U+FFFF.
_BAD_IN_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BAD_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def text_problem(
    value: str, *, max_length: int | None = None, multiline: bool = False
) -> str | None:
    """Why `value` cannot be stored (a sentence for the user), or None when it can."""
    bad = (_BAD_IN_TEXT if multiline else _BAD_IN_LINE).search(value)
    if bad:
        char = bad.group()
        if char in "\r\n":
            return _("Use a single line.")
        if char == "\x00":
            return _("Null characters are not allowed.")
        return _("Remove the invisible or invalid character U+%(code)04X.") % {"code": ord(char)}
    if max_length is not None and len(value) > max_length:
        return _("Use at most %(n)d characters (this has %(length)d).") % {
            "n": max_length,
            "length": len(value),
        }
    return None


def clean_text(value, *, field: str, max_length: int | None, multiline: bool = False) -> str:
    """`value` stripped, or a ValidationError on `field` (not text, bad characters, too long)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: [_("Enter text.")]})
    value = value.strip()
    problem = text_problem(value, max_length=max_length, multiline=multiline)
    if problem:
        raise ValidationError({field: [problem]})
    return value


# --- what a search may be ------------------------------------------------------------

MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 12


def clean_query(value, *, field: str = "q") -> str:
    """A search query within bounds (the same in the pages and the API), else a ValidationError."""
    text = clean_text(value, field=field, max_length=None)
    if len(text) > MAX_QUERY_LENGTH:
        raise ValidationError(
            {
                field: [
                    _("Search with at most %(limit_value)d characters.")
                    % {"limit_value": MAX_QUERY_LENGTH}
                ]
            }
        )
    if len(fold(text).split()) > MAX_QUERY_WORDS:
        raise ValidationError(
            {field: [_("Search with at most %(n)d words.") % {"n": MAX_QUERY_WORDS}]}
        )
    return text


# Django's own messages that our catalogue words differently (our translations take
# precedence over Django's): listed here so that makemessages keeps them.
DJANGO_MESSAGES = [
    gettext_noop("Enter a valid email address."),
]
