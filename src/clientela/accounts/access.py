"""Who sees what (scope) and who may do what (role): the one place these rules live.

Every list, search, page, export and API endpoint builds its queryset from
`scope_q`, so a record outside a user's scope does not exist for that user.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Role, Scope, User


def require_crm_access(user: User) -> None:
    """403 for users an admin has not given access to the CRM."""
    if not (user.is_authenticated and user.is_active and user.crm_access):
        raise PermissionDenied(_("You do not have access to the CRM."))


def require_admin(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_admin):
        raise PermissionDenied(_("Only administrators can do this."))


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise PermissionDenied(_("Your role does not allow this action."))


def scope_q(user: User, *, owner_field: str = "owner", unit_field: str = "unit") -> Q:
    """The filter for records `user` may see, for a model with an owner and a unit."""
    scope = user.effective_scope
    if scope == Scope.ALL:
        return Q()
    own = Q(**{f"{owner_field}_id": user.pk})
    if scope == Scope.UNIT:
        unit_ids = user.unit_ids()
        if unit_ids:
            return own | Q(**{f"{unit_field}_id__in": unit_ids})
    return own


def get_visible_or_404(queryset, user: User, **lookup):
    """Fetch one record the user may see; anything else is a 404, never a 403."""
    try:
        return queryset.filter(scope_q(user)).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def assignable_units_q(user: User) -> Q:
    """Units a user may place records in."""
    if user.is_admin or user.scope == Scope.ALL:
        return Q(is_active=True)
    return Q(is_active=True, pk__in=user.unit_ids())


def assignable_owners_q(user: User) -> Q:
    """Users a user may make owners of records: never someone outside their own scope."""
    base = Q(is_active=True, crm_access=True)
    if user.is_admin or user.scope == Scope.ALL:
        return base
    if user.scope == Scope.UNIT and user.unit_ids():
        return base & (Q(pk=user.pk) | Q(units__in=user.unit_ids()))
    return base & Q(pk=user.pk)


def can_delete_records(user: User) -> bool:
    """Agents create and edit; moving records to the trash is for managers and admins."""
    return user.role in (Role.ADMIN, Role.MANAGER)
