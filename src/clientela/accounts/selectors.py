"""Fetching users and business units for a user: the one home of "who may open this one".

Pages and API call these: 403 for someone the action is not for, 404 for a missing record.
"""

from django.shortcuts import get_object_or_404

from .access import require_admin, require_crm_access
from .models import Unit, User


def user_for_admin(actor: User, pk: int) -> User:
    """A user, with their units, for an administrator (403 for others, 404 when missing)."""
    require_admin(actor)
    return get_object_or_404(User.objects.prefetch_related("units"), pk=pk)


def unit_for(actor: User, pk: int, *, to_change: bool = False) -> Unit:
    """A business unit: everyone in the CRM reads every unit, administrators change them
    (403 otherwise, 404 when missing)."""
    if to_change:
        require_admin(actor)
    else:
        require_crm_access(actor)
    return get_object_or_404(Unit, pk=pk)
