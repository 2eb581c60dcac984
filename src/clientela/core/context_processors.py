from django.conf import settings

from clientela.accounts.units import current_unit, switchable_units

from .navigation import nav_for


def shell(request):
    """What the page shell (navigation, unit switcher, language menu) needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"languages": settings.LANGUAGES}
    crm = user.crm_access
    return {
        "languages": settings.LANGUAGES,
        "nav_entries": nav_for(user) if crm else [],
        "settings_entries": nav_for(user, settings=True),
        "unit_choices": switchable_units(user) if crm else [],
        "current_unit": current_unit(request) if crm else None,
    }
