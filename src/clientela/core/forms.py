from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError, field_names: dict[str, str] | None = None):
    """Show a service's ValidationError next to the form's fields (or on top of the form)."""
    field_names = field_names or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, messages in exc.message_dict.items():
        target = field_names.get(name, name)
        if target not in form.fields:
            target = None
        for message in messages:
            form.add_error(target, message)
