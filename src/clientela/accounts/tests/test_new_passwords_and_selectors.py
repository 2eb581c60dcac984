"""One rule for a new password, whichever way it comes (the user's change, a reset link,
an administrator): the generated first password no longer has to be changed, every
session and API token ends, and the change is recorded without the password. And one
home for fetching users and units for pages and API (403 for whom it is not, 404 missing)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from clientela.accounts import selectors, services
from clientela.accounts.models import User
from clientela.accounts.tokens import token_create
from clientela.audit.models import ChangeRecord
from conftest import PASSWORD

NEW = "uma-senha-nova-e-longa-7"


def change_by_user(user, admin, new=NEW):
    services.password_change(user=user, old_password=PASSWORD, new_password=new)
    return "password_changed"


def change_by_link(user, admin, new=NEW):
    services.password_reset_complete(user=user, new_password=new)
    return "password_reset_by_email"


def change_by_admin(user, admin, new=NEW):
    services.user_update(actor=admin, user=user, data={"password": new})
    return "password_reset"


@pytest.mark.parametrize("change", [change_by_user, change_by_link, change_by_admin])
def test_every_new_password_follows_the_same_rule(agent_own, admin, change):
    User.objects.filter(pk=agent_own.pk).update(must_change_password=True)
    agent_own.refresh_from_db()
    browser = Client()
    browser.force_login(agent_own)
    _token, raw = token_create(user=agent_own, name="script")

    recorded_as = change(agent_own, admin)

    saved = User.objects.get(pk=agent_own.pk)
    assert saved.check_password(NEW)
    assert not saved.must_change_password
    assert browser.get("/accounts/profile/").status_code == 302  # logged out
    assert Client().get("/api/v1/me", headers={"authorization": f"Bearer {raw}"}).status_code == 401
    record = ChangeRecord.objects.filter(entity="user", object_id=saved.pk).latest("id")
    assert record.changes[recorded_as] == [None, True]
    assert NEW not in str(record.changes)


@pytest.mark.parametrize("change", [change_by_user, change_by_link, change_by_admin])
def test_a_weak_new_password_changes_nothing(agent_own, admin, change):
    before = User.objects.get(pk=agent_own.pk)

    with pytest.raises(ValidationError):
        change(agent_own, admin, "curta")

    after = User.objects.get(pk=agent_own.pk)
    assert (after.password, after.session_salt) == (before.password, before.session_salt)


def test_user_for_admin(admin, manager):
    assert selectors.user_for_admin(admin, manager.pk) == manager
    with pytest.raises(PermissionDenied):
        selectors.user_for_admin(manager, admin.pk)
    with pytest.raises(Http404):
        selectors.user_for_admin(admin, 10**9)


def test_unit_for(admin, manager, outsider, unit_matriz):
    assert selectors.unit_for(manager, unit_matriz.pk) == unit_matriz
    assert selectors.unit_for(admin, unit_matriz.pk, to_change=True) == unit_matriz
    with pytest.raises(PermissionDenied):
        selectors.unit_for(manager, unit_matriz.pk, to_change=True)
    with pytest.raises(PermissionDenied):
        selectors.unit_for(outsider, unit_matriz.pk)
    with pytest.raises(Http404):
        selectors.unit_for(admin, 10**9)
