"""Who sees what (scope) and who may do what (role): the one place these rules live.

Every model whose records have an owner and a business unit gets its queryset
from `ScopedQuerySet`, and every list, search, page, export and API endpoint
reads through `.restrict(user)`, so a record outside a user's scope does not
exist for that user.

Higher apps widen "own" without this module (or the model's app) knowing them:
in their AppConfig.ready() they call `register_visibility`, e.g. the
relationship log makes a party "yours" when a follow-up on it is assigned to
you. Each condition must be index-backed (a subquery on an indexed column),
because it is part of every list query.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from .models import Role, Scope, User

# model label ("parties.Party") -> conditions that also make a record the user's own
_EXTRA_OWN: dict[str, list[Callable[[User], Q]]] = {}


def register_visibility(model_label: str, condition: Callable[[User], Q]) -> None:
    """Let `condition(user)` also make records of `model_label` visible as the user's own."""
    conditions = _EXTRA_OWN.setdefault(model_label, [])
    if condition not in conditions:
        conditions.append(condition)


def uses_crm(user: User) -> bool:
    """For registries' `visible` checks: the user may use the CRM."""
    return user.is_authenticated and user.can_use_crm


def is_admin(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_admin


def require_crm_access(user: User) -> None:
    """403 for users an admin has not given access to the CRM (admins always have it)."""
    if not (user.is_authenticated and user.can_use_crm):
        raise PermissionDenied(_("You do not have access to the CRM."))


def require_admin(user: User) -> None:
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can do this."))


def scope_q(
    user: User, model: type[models.Model], *, owner_field: str = "owner", unit_field: str = "unit"
) -> Q:
    """The filter for records of `model` that `user` may see: the scope rule, written once."""
    scope = user.effective_scope
    if scope == Scope.ALL:
        return Q()
    own = Q(**{f"{owner_field}_id": user.pk})
    for condition in _EXTRA_OWN.get(model._meta.label, []):
        own |= condition(user)
    if scope == Scope.UNIT:
        unit_ids = user.unit_ids()
        if unit_ids:
            return own | Q(**{f"{unit_field}_id__in": unit_ids})
    return own


class ScopedQuerySet(models.QuerySet):
    """A queryset of records with an owner and a unit; `restrict(user)` is the way to read them."""

    owner_field = "owner"
    unit_field = "unit"

    def in_scope_of(self, user: User):
        """Records in the user's scope, trash included (for the trash and for uniqueness)."""
        return self.filter(
            scope_q(user, self.model, owner_field=self.owner_field, unit_field=self.unit_field)
        )

    def restrict(self, user: User):
        """The records `user` may see: in scope and, where the model has a trash, not in it."""
        queryset = self.in_scope_of(user)
        if any(f.name == "deleted_at" for f in self.model._meta.concrete_fields):
            queryset = queryset.filter(deleted_at__isnull=True)
        return queryset


def assignable_units_q(user: User) -> Q:
    """Units a user may place records in."""
    if user.effective_scope == Scope.ALL:
        return Q(is_active=True)
    return Q(is_active=True, pk__in=user.unit_ids())


def assignable_owners_q(user: User) -> Q:
    """Users a user may make owners of records: never someone outside their own scope."""
    base = Q(is_active=True) & (Q(crm_access=True) | Q(role=Role.ADMIN))
    scope = user.effective_scope
    if scope == Scope.ALL:
        return base
    if scope == Scope.UNIT and user.unit_ids():
        return base & (Q(pk=user.pk) | Q(units__in=user.unit_ids()))
    return base & Q(pk=user.pk)


def can_delete_records(user: User) -> bool:
    """Agents create and edit; moving records to the trash is for managers and admins."""
    return user.role in (Role.ADMIN, Role.MANAGER)
