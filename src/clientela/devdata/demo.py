"""Demo data for `clientela demo`: two units, a manager, two agents and about 300 parties.

Everything goes through the real services, so the demo has history like real
data. The content is the same on every run (fixed seed); only the passwords
are random. The user `gerente` marks a database that already has the demo.
"""

import random
import secrets

from django.db import transaction

from clientela.accounts.models import Role, Scope, Unit, User
from clientela.accounts.services import ensure_default_unit, unit_create, user_create
from clientela.parties.models import Party
from clientela.parties.services import party_create

from .fake_data import PartyFaker

DEMO_SEED = 2024
SECOND_UNIT_NAME = "Filial Campinas"
MARKER_USERNAME = "gerente"
RANDOM_PARTIES = 270
COMPANIES_WITH_CONTACTS = 15


class DemoRefused(Exception):
    """The database holds data of its own: the demo would mix with it."""


def _write(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _users_spec(main: Unit, branch: Unit) -> list[dict]:
    return [
        {
            "username": MARKER_USERNAME,
            "full_name": "Gabriela Nogueira",
            "email": "gerente@example.com",
            "role": Role.MANAGER,
            "scope": Scope.UNIT,
            "unit_ids": [main.pk, branch.pk],
        },
        {
            "username": "ana",
            "full_name": "Ana Paula Ribeiro",
            "email": "ana@example.com",
            "role": Role.AGENT,
            "scope": Scope.OWN,
            "unit_ids": [main.pk],
        },
        {
            "username": "bruno",
            "full_name": "Bruno Henrique Tavares",
            "email": "bruno@example.com",
            "role": Role.AGENT,
            "scope": Scope.UNIT,
            "unit_ids": [branch.pk],
        },
    ]


def load_demo(stdout=None) -> dict:
    """Load the demo once into an empty database.

    Returns {"users": [(username, password, role), ...], "parties": n, "loaded": bool};
    when the demo is already there nothing changes, "users" is empty and "loaded" False.
    Raises DemoRefused when the database has parties (or demo usernames) of its own.
    """
    with transaction.atomic():
        if User.objects.filter(username=MARKER_USERNAME).exists():
            _write(stdout, "Demo data is already loaded; its passwords were shown the first time.")
            return {"users": [], "parties": Party.objects.alive().count(), "loaded": False}
        if Party.objects.exists():
            raise DemoRefused(
                "This database already has customers or suppliers; the demo loads only into "
                "an empty database. Use another data directory or database."
            )
        taken = sorted(
            User.objects.filter(username__in=["ana", "bruno"]).values_list("username", flat=True)
        )
        if taken:
            names = ", ".join(taken)
            raise DemoRefused(
                f"The demo users already exist here ({names}); the demo loads only into an "
                "empty database."
            )

        admin = User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk").first()
        main = ensure_default_unit()
        branch = Unit.objects.filter(name=SECOND_UNIT_NAME).first()
        if branch is None:
            branch = unit_create(actor=admin, name=SECOND_UNIT_NAME)

        created_users = []
        users = {}
        for spec in _users_spec(main, branch):
            password = secrets.token_urlsafe(9)
            user = user_create(actor=admin, data={**spec, "password": password, "crm_access": True})
            users[user.username] = user
            created_users.append((user.username, password, str(user.role)))

        count = _load_parties(users, main, branch)
        _write(
            stdout, f"Demo data loaded: 2 business units, 3 users, {count} customers and suppliers."
        )
        return {"users": created_users, "parties": count, "loaded": True}


def _load_parties(users: dict, main: Unit, branch: Unit) -> int:
    faker = PartyFaker(seed=DEMO_SEED)
    rng = random.Random(DEMO_SEED)
    ana, bruno, manager = users["ana"], users["bruno"], users[MARKER_USERNAME]
    count = 0
    companies = []
    for _ in range(RANDOM_PARTIES):
        # Ana and Bruno carry most of the portfolio; the manager keeps a few big accounts.
        roll = rng.random()
        if roll < 0.4:
            owner, unit, city = ana, main, None
        elif roll < 0.75:
            # The branch serves mostly Campinas.
            owner, unit = bruno, branch
            city = "Campinas" if rng.random() < 0.6 else None
        else:
            owner, unit, city = manager, rng.choice([main, branch]), None
        data = faker.party(city=city)
        # The owner creates their own records, so the history reads like real use.
        party = party_create(actor=owner, data={**data, "owner_id": owner.pk, "unit_id": unit.pk})
        count += 1
        if party.kind == "company" and len(companies) < COMPANIES_WITH_CONTACTS:
            companies.append((party, data, owner, unit))

    for company, data, owner, unit in companies:
        for _ in range(rng.randint(1, 3)):
            contact = faker.contact_person(data)
            contact.update(employer_id=company.pk, owner_id=owner.pk, unit_id=unit.pk)
            party_create(actor=owner, data=contact)
            count += 1
    return count
