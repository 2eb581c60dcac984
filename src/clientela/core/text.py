"""Text normalisation shared by every search column and every search query.

The same functions fill the stored columns and read the user's query, so the
database only has to compare plain lowercase ASCII words and digit strings
(indexable with trigram GIN on PostgreSQL, unlike unaccent()).
"""

import re
import unicodedata

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


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
