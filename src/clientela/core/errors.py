"""Exceptions that services raise and every interface (page, API, command) translates."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .text import clean_text


class EditConflict(Exception):
    """Someone else saved the record since the caller read it (stale `version`)."""

    message = _(
        "Someone else changed this record while you were editing it. "
        "Your changes were not saved; review the current values and save again."
    )

    def __init__(self, current):
        self.current = current
        super().__init__(str(self.message))


class FieldErrors(dict):
    """{field: [messages]} collected over a whole record, raised at once (nothing half-stored)."""

    def add(self, field: str, message) -> None:
        messages = self.setdefault(field, [])
        if str(message) not in messages:
            messages.append(str(message))

    def absorb(self, exc: ValidationError, field: str) -> None:
        if hasattr(exc, "error_dict"):
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add(name, message)
        else:
            for message in exc.messages:
                self.add(field, message)

    def text(
        self, data: dict, name: str, *, max_length: int | None, multiline: bool = False
    ) -> str | None:
        """data[name] cleaned by the text policy, or None (and an error) when refused."""
        try:
            return clean_text(data[name], field=name, max_length=max_length, multiline=multiline)
        except ValidationError as exc:
            self.absorb(exc, name)
            return None

    def raise_if_any(self) -> None:
        if self:
            raise ValidationError(dict(self))
