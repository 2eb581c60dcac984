"""A path converter for record ids that never overflow a 64-bit integer column."""

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


def parse_record_id(value: str | None) -> int | None:
    """A query-string id: None when it is not a number, 0 (matching nothing) beyond MAX_ID."""
    if not value or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_ID else 0
