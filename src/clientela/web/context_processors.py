from django.conf import settings
from django.utils.functional import SimpleLazyObject

from clientela.accounts.units import current_unit, switchable_units
from clientela.core.registries import nav_for, topbar_for


def shell(request):
    """What the page shell (navigation, top bar, unit switcher, language menu) needs."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"languages": settings.LANGUAGES}
    crm = user.can_use_crm
    return {
        "languages": settings.LANGUAGES,
        "crm_access": crm,
        "nav_entries": nav_for(user),
        "settings_entries": nav_for(user, settings=True),
        "topbar_items": topbar_for(user),
        "unit_choices": SimpleLazyObject(lambda: switchable_units(user) if crm else []),
        "current_unit": SimpleLazyObject(lambda: current_unit(request) if crm else None),
    }
