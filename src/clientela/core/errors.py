"""Exceptions that services raise and every interface (page, API, command) translates."""

from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """Someone else saved the record since the caller read it (stale `version`)."""

    message = _(
        "Someone else changed this record while you were editing it. "
        "Your changes were not saved; review the current values and save again."
    )

    def __init__(self, current):
        self.current = current
        super().__init__(str(self.message))
