from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from two_step.services import two_step_reset


class Command(BaseCommand):
    help = (
        "Remove a person's authenticator app and backup codes (a lost phone), for when no "
        "superuser can sign in to the admin to do it."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if two_step_reset(user=user):
            self.stdout.write(f"Two-step sign-in reset for {username}.")
        else:
            self.stdout.write(f"{username} had no two-step sign-in set up.")
