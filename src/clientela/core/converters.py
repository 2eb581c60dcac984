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
