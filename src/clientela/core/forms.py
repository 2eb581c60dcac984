"""What every page form shares: service errors next to fields, edits that change only what
the user touched, and one way of handling an edit conflict."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .errors import EditConflict


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


def touched_values(form, names) -> dict:
    """Cleaned values of the fields among `names` the user changed from the form's initial.

    An edit form sends only these to the service, so a field the user did not touch is
    never changed — not even when its current value is not among the form's choices.
    """
    changed = set(form.changed_data)
    return {name: form.cleaned_data[name] for name in names if name in changed}


@dataclass
class ConflictNotice:
    """What the page says after a refused stale save."""

    saved_at: object = None
    by_yourself: bool = False
    differences: list[tuple[str, str]] = field(default_factory=list)


def keep_input_after_conflict(
    form, exc: EditConflict, saved_initial: dict, *, by_yourself: bool = False
) -> ConflictNotice:
    """After an EditConflict: keep the user's input, list the saved values that differ from it,
    and move the form to the saved version, so that a second, informed save goes through."""
    form.add_error(
        None,
        _("You changed this record in another tab or window since you opened this page.")
        if by_yourself
        else str(exc.message),
    )
    form.data = form.data.copy()
    form.data["version"] = str(exc.current.version)
    # The next save compares the input with what is saved now, not with what was shown.
    form.initial = saved_initial
    return ConflictNotice(
        saved_at=getattr(exc.current, "updated_at", None),
        by_yourself=by_yourself,
        differences=_differences(form, saved_initial),
    )


def _differences(form, saved: dict) -> list[tuple[str, str]]:
    """(label, saved value) for each visible field where the saved value differs from the input."""
    rows = []
    for name, value in saved.items():
        bound = form.fields.get(name)
        if bound is None or bound.widget.is_hidden:
            continue
        if not bound.has_changed(
            value, bound.widget.value_from_datadict(form.data, {}, form.add_prefix(name))
        ):
            continue
        choices = dict(getattr(bound, "choices", []) or [])
        if isinstance(value, list | tuple):
            shown = ", ".join(str(choices.get(v, v)) for v in value)
        elif isinstance(value, bool):
            shown = _("yes") if value else _("no")
        else:
            shown = choices.get(value, value)
        rows.append((str(bound.label), str(shown) if shown not in (None, "") else "—"))
    return rows
