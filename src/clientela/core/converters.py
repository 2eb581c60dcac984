"""A path converter for record ids that never overflow a 64-bit integer column."""

import re

from django.urls import register_converter


class RecordIdConverter:
    # Up to 18 digits always fits a signed 64-bit integer; longer ids do not exist.
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(RecordIdConverter, "id")

MAX_ID = 2**63 - 1


# ASCII digits only: str.isdigit() also accepts "²" and "٣", which int() refuses or reads.
_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_whole_number(value) -> int | None:
    """A whole number 0…10^18-1 written in ASCII digits, else None (the one number parser)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    return int(text)


def parse_record_id(value: str | None) -> int | None:
    """A query-string id: None when it is not a number, 0 (matching nothing) when too big."""
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]+\s*", value):
        return parse_whole_number(value) or 0
    return None
