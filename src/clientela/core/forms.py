"""What every page form shares: service errors next to fields, edits that change only what
the user touched, and one way of handling an edit conflict.

An edit form remembers the values the page showed (`ShownValuesForm`, a signed hidden
field). On submit, a field counts as touched only when the input differs from what the
user saw, so the service gets only those — whatever anyone saved meanwhile. When the save
is refused as stale, `keep_input_after_conflict` keeps the user's changes, fills the
untouched fields with what is saved now, and lists what the other person changed.
"""

import datetime
from dataclasses import dataclass, field

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from .errors import EditConflict

SHOWN_FIELD = "shown"
_SALT = "clientela.forms.shown"


def add_service_errors(form, exc: ValidationError, field_names: dict[str, str] | None = None):
    """Show a service's ValidationError next to the form's fields (or on top of the form)."""
    field_names = field_names or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = field_names.get(name, name)
        if target not in form.fields:
            target = None
        for error in errors:
            form.add_error(target, error)


def _jsonable(value):
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    return value


# How a shown date, date-time or time comes back from its ISO text (DateTimeField first:
# it is not a DateField, but the order keeps that obvious).
_PARSERS = [
    (forms.DateTimeField, datetime.datetime.fromisoformat),
    (forms.DateField, datetime.date.fromisoformat),
    (forms.TimeField, datetime.time.fromisoformat),
]


class ShownValuesForm(forms.Form):
    """A form that carries, signed, the values it was shown with (see the module's doc)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[SHOWN_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.shown = None
        if self.is_bound:
            self.shown = self._load(self.data.get(self.add_prefix(SHOWN_FIELD)))
            if self.shown is not None:
                # Compare the input with what the user saw, not with what is saved now.
                self.initial = {**self.initial, **self.shown}
        if not self.is_bound:
            self.initial[SHOWN_FIELD] = self.dump_shown(self.initial)
        self._keep_current_choices()

    def _keep_current_choices(self) -> None:
        """A select whose saved value is not among its choices (a foreign state, a retired
        option) gets that value as a choice: otherwise the browser would send the first
        option and an untouched field would change."""
        for name, bound in self.fields.items():
            plain = isinstance(bound, forms.ChoiceField) and not isinstance(
                bound, forms.MultipleChoiceField | forms.ModelChoiceField
            )
            if not plain:
                continue
            value = self.initial.get(name)
            if value in (None, ""):
                continue
            known = {str(choice) for choice, _label in bound.choices}
            if str(value) not in known:
                bound.choices = [(value, value), *bound.choices]

    def dump_shown(self, values: dict) -> str:
        names = [name for name in self.fields if name != SHOWN_FIELD]
        return signing.dumps(
            {name: _jsonable(values.get(name)) for name in names if name in values},
            salt=_SALT,
            compress=True,
        )

    def _load(self, token) -> dict | None:
        if not token:
            return None
        try:
            values = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(values, dict):
            return None
        for name, value in values.items():
            bound = self.fields.get(name)
            parse = next(
                (
                    parser
                    for kind, parser in _PARSERS
                    if isinstance(bound, kind) and isinstance(value, str)
                ),
                None,
            )
            if parse is not None:
                try:
                    values[name] = parse(value)
                except ValueError:
                    values[name] = None
        return values


def touched_values(form, names) -> dict:
    """Cleaned values of the fields among `names` the user changed from what they were shown.

    An edit form sends only these to the service, so a field the user did not touch is
    never changed — not even when its current value is not among the form's choices, and
    not when someone else changed it meanwhile.
    """
    changed = set(form.changed_data) - {SHOWN_FIELD}
    return {name: form.cleaned_data[name] for name in names if name in changed}


@dataclass
class ConflictNotice:
    """What the page says after a refused stale save."""

    saved_at: object = None
    by_yourself: bool = False
    # (label, value saved now) for each field the other save changed
    differences: list[tuple[str, str]] = field(default_factory=list)
    # labels of those the user changed too: saving again puts the user's input there
    collisions: list[str] = field(default_factory=list)


def keep_input_after_conflict(
    form, exc: EditConflict, saved_initial: dict, *, user, last_change=None
) -> ConflictNotice:
    """After an EditConflict: keep what the user changed, show the saved value in what they
    did not touch, list what the other save changed, and move the form to the saved
    version, so that a second, informed save goes through.

    `last_change` is the newest change record of the record (who saved it, and when).
    """
    by_yourself = last_change is not None and last_change.actor_id == user.pk
    form.add_error(
        None,
        _(
            "You changed this record elsewhere (in another tab or window, or through the "
            "API) since you opened this page."
        )
        if by_yourself
        else str(exc.message),
    )
    touched = set(form.changed_data) - {SHOWN_FIELD}
    shown = form.shown if getattr(form, "shown", None) is not None else None
    data = form.data.copy()
    for name, value in saved_initial.items():
        if name in form.fields and name not in touched:
            _put(data, form.add_prefix(name), value)
    data["version"] = str(exc.current.version)
    form.initial = saved_initial
    if isinstance(form, ShownValuesForm):
        data[form.add_prefix(SHOWN_FIELD)] = form.dump_shown(saved_initial)
    form.data = data
    if shown is None:
        # Without what was shown, the best guess of "what the other changed": where the
        # saved values differ from the input.
        changed_by_other = [n for n in saved_initial if n in touched]
    else:
        changed_by_other = [
            n
            for n, value in saved_initial.items()
            if n in form.fields and _differs(form, n, shown.get(n), value)
        ]
    return ConflictNotice(
        saved_at=getattr(exc.current, "updated_at", None) or getattr(last_change, "at", None),
        by_yourself=by_yourself,
        differences=[_labelled(form, n, saved_initial[n]) for n in changed_by_other],
        collisions=[str(form.fields[n].label) for n in changed_by_other if n in touched],
    )


def _differs(form, name: str, old, new) -> bool:
    """Whether `new` (a saved value) differs from `old` (the value shown) for field `name`."""
    bound = form.fields[name]
    if bound.widget.is_hidden:
        return False
    as_posted = QueryDict(mutable=True)
    _put(as_posted, name, new)
    return bound.has_changed(old, bound.widget.value_from_datadict(as_posted, {}, name))


def _put(data, key: str, value) -> None:
    """Write a saved value into submitted form data, as the browser would send it."""
    if isinstance(value, bool):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
    elif isinstance(value, list | tuple):
        data.setlist(key, [str(getattr(v, "pk", v)) for v in value])
    elif value is None:
        data[key] = ""
    elif hasattr(value, "isoformat"):
        data[key] = value.isoformat()
    else:
        data[key] = str(value)


def _labelled(form, name: str, value) -> tuple[str, str]:
    bound = form.fields[name]
    choices = dict(getattr(bound, "choices", []) or [])
    if isinstance(value, list | tuple):
        shown = ", ".join(str(choices.get(getattr(v, "pk", v), v)) for v in value)
    elif isinstance(value, bool):
        shown = _("yes") if value else _("no")
    else:
        shown = choices.get(value, value)
    return str(bound.label), str(shown) if shown not in (None, "") else "—"
