"""The table of pages that the page-wide browser checks (axe, phone layout) walk.

A new page joins every check by adding a row: a name and its address, where `{party}`,
`{contact}`, `{user}` and `{unit}` stand for the records that `world()` makes.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clientela.accounts.models import Role, Unit
from clientela.accounts.services import password_reset_tokens
from clientela.accounts.tokens import token_create
from clientela.activities import catalogue, feeds
from clientela.activities import services as activity_services
from clientela.activities.models import ActivityType
from clientela.parties import services
from conftest import make_party, make_user

LOGGED_OUT_PAGES = [
    ("login", "/accounts/login/"),
    ("forgot password", "/accounts/password/forgot/"),
    ("reset link sent", "/accounts/password/forgot/sent/"),
    ("new password by link", "{reset_link}"),
    ("broken reset link", "/accounts/password/reset/MQ/bad-token/"),
    ("password reset done", "/accounts/password/forgot/done/"),
]
ADMIN_PAGES = [
    ("users", "/accounts/users/"),
    ("user form", "/accounts/users/{user}/"),
    ("new user", "/accounts/users/new/"),
    ("units", "/accounts/units/"),
    ("unit form", "/accounts/units/{unit}/"),
    ("tokens", "/accounts/tokens/"),
    ("profile", "/accounts/profile/"),
    ("password", "/accounts/password/"),
    ("trash", "/parties/trash/"),
    ("customers", "/parties/customers/"),
    ("suppliers", "/parties/suppliers/"),
    ("party", "/parties/{party}/"),
    ("contact person", "/parties/{contact}/"),
    ("party history", "/parties/{party}/history/"),
    ("party timeline", "/parties/{party}/timeline/"),
    ("party form new", "/parties/new/"),
    ("party form edit", "/parties/{party}/edit/"),
    ("not found", "/parties/987654/"),
    ("agenda", "/activities/agenda/"),
    ("follow-ups", "/activities/?unit_id=all"),
    ("new follow-up", "/activities/new/"),
    ("follow-up", "/activities/{activity}/"),
    ("follow-up form", "/activities/{activity}/edit/"),
    ("party relationship", "/activities/party/{party}/"),
    ("calendar month", "/activities/calendar/?view=month"),
    ("calendar week", "/activities/calendar/?view=week"),
    ("calendar day", "/activities/calendar/?view=day"),
    ("calendar timeline", "/activities/calendar/?view=timeline"),
    ("activity types", "/activities/types/"),
    ("activity type form", "/activities/types/{activity_type}/"),
    ("presets", "/activities/presets/"),
    ("preset form", "/activities/presets/new/"),
    ("follow-ups trash", "/activities/trash/"),
    ("calendar address", "/activities/calendar-feed/"),
]
NOT_FOUND = {"not found"}  # pages answered with 404 on purpose


def world():
    """An admin with two units, records on every page and some history to show.

    Returns the admin and the ids that fill the addresses of the tables above.
    """
    matriz = Unit.objects.create(name="Matriz")
    Unit.objects.create(name="Filial Campinas")  # two units: the top bar shows the switcher
    admin = make_user("admin", role=Role.ADMIN, units=[matriz])
    admin.full_name = "Ana Beatriz Figueiredo"
    admin.save()
    agent = make_user("agent", units=[matriz], email="maria.aparecida@example.com.br")
    company = services.party_create(
        actor=admin,
        data={
            "kind": "company",
            "name": "Padaria e Confeitaria Pão de Açúcar Ltda",
            "trade_name": "Padaria Pão de Açúcar",
            "tax_id": "11222333000181",
            "email": "financeiro.contasapagar@padariapaodeacucar.com.br",
            "phones": ["(11) 3333-4444"],
            "city": "São Paulo",
            "state": "SP",
            "tags": ["atacado"],
            "is_supplier": True,
        },
        default_unit_id=matriz.pk,
    )
    services.party_update(actor=admin, party=company, data={"city": "Santos"})
    contact = services.party_create(
        actor=admin,
        data={
            "name": "Maria Aparecida dos Santos",
            "employer_id": company.pk,
            "job_title": "Gerente de compras",
            "email": "maria.aparecida@padariapaodeacucar.com.br",
            "phones": ["(11) 98765-4321"],
        },
        default_unit_id=matriz.pk,
    )
    for index in range(3):
        make_party(owner=admin, unit=matriz, name=f"Cliente {index} da Silva")
    gone = make_party(owner=admin, unit=matriz, name="Cliente na Lixeira", tax_id="52998224725")
    services.party_trash(actor=admin, party=gone)
    token_create(user=admin, name="Planilha de cobrança")
    activity = _activities(admin, company, matriz)
    uidb64 = urlsafe_base64_encode(force_bytes(agent.pk))
    reset_link = reverse(
        "accounts:password_reset_confirm",
        kwargs={"link": f"{uidb64}/{password_reset_tokens.make_token(agent)}"},
    )
    ids = {
        "party": company.pk,
        "contact": contact.pk,
        "user": agent.pk,
        "unit": matriz.pk,
        "reset_link": reset_link,
        "activity": activity.pk,
        "activity_type": ActivityType.objects.get(slug="call").pk,
    }
    return admin, ids


def _activities(admin, party, unit):
    """A follow-up due today, one done, one overdue; a shared preset; the calendar address."""
    now = timezone.now()
    open_one = activity_services.activity_create(
        actor=admin,
        data={
            "party_id": party.pk,
            "type": "call",
            "description": "Ligar para confirmar o pedido de pães de queijo",
            "complaint": "Entrega atrasou na semana passada",
            "internal_note": "Cliente exigente: confirmar por escrito",
            "due_at": now + datetime.timedelta(hours=2),
            "reminders": [{"channel": "email", "minutes_before": 30}],
        },
        default_unit_id=unit.pk,
    )
    activity_services.activity_create(
        actor=admin,
        data={"party_id": party.pk, "type": "visit", "description": "Visita de pós-venda"},
        default_unit_id=unit.pk,
    )
    activity_services.activity_create(
        actor=admin,
        data={
            "party_id": party.pk,
            "type": "whatsapp",
            "contacted_at": now - datetime.timedelta(days=3),
            "due_at": now - datetime.timedelta(days=1),
            "all_day": True,
        },
        default_unit_id=unit.pk,
    )
    catalogue.preset_create(
        actor=admin, data={"name": "Retorno em 2 dias", "type": "call", "due_in_days": 2}
    )
    feeds.feed_rotate(admin)
    return open_one


def visit(browsing, page, name, url, ids):
    """Open one page of the table; a 404 page is expected only where the table says so."""
    path = url.format(**ids)
    if name in NOT_FOUND:
        browsing.allow(rf"status of 404 .*{path}\)$")
    response = page.goto(path)
    assert response.ok or name in NOT_FOUND, f"{path}: {response.status}"
    return path
