"""`clientela manage api_token USERNAME [--name NAME]`: a new API token, printed once."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clientela.accounts.models import User
from clientela.accounts.tokens import token_create


class Command(BaseCommand):
    help = (
        "Create a new API token for an active user and print only the token "
        "(it is stored hashed and cannot be shown again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name",
            default="Command line",
            help="a name to recognise the token by in the list of tokens",
        )

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            # Usernames are unique ignoring case.
            user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"The user {user.username!r} is inactive.")
        try:
            _token, raw = token_create(user=user, name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(raw)
