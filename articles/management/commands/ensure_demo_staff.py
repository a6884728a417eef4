import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse

from articles.models import Author

DEFAULT_USERNAME = "editor"
DEMO_AUTHOR_SLUG = "marta-horobets"
# No 0/o, 1/l/i: the password is read off a terminal and typed by hand.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def demo_password(username):
    """A password derived from SECRET_KEY: the same on every run of one installation.

    That keeps the command idempotent (it never changes a password it printed before) while
    two installations with different keys never share a login.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"demo-staff:{username}".encode(), hashlib.sha256
    ).digest()
    letters = "".join(PASSWORD_ALPHABET[byte % len(PASSWORD_ALPHABET)] for byte in digest[:15])
    return "-".join(letters[i : i + 5] for i in range(0, 15, 5))


class Command(BaseCommand):
    help = (
        "Create or reset the demo's staff login (a superuser linked to the demo author "
        f"{DEMO_AUTHOR_SLUG}) and print its username and password. Refused when DEBUG is off "
        "unless --allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        parser.add_argument(
            "--password", help="Use this password instead of the one derived from SECRET_KEY."
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (a known superuser on a live site is a risk).",
        )

    def handle(self, *args, username, password, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like a live site. Use createsuperuser, or pass "
                "--allow-production if you really want the demo login here."
            )
        password = password or demo_password(username)
        user, author = self.ensure_user(username, password)

        admin_url = settings.SITE_URL + reverse("admin:index")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo staff login for {admin_url}"))
        self.stdout.write(f"    username: {user.get_username()}")
        self.stdout.write(f"    password: {password}")
        if author is not None:
            self.stdout.write(f"    writes as: {author.name} ({author.job_title})")
        else:
            self.stdout.write(f"    (no author {DEMO_AUTHOR_SLUG} yet: run load_demo, then this)")
        self.stdout.write("")

    @transaction.atomic
    def ensure_user(self, username, password):
        User = get_user_model()
        author = Author.objects.filter(slug=DEMO_AUTHOR_SLUG).first()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        changed = []
        for field, value in {"is_staff": True, "is_superuser": True, "is_active": True}.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if author is not None and not user.first_name:
            user.first_name, _, user.last_name = author.name.partition(" ")
            changed += ["first_name", "last_name"]
        # set_password salts anew each time, so only call it when the password differs.
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed and not created:
            user.save(update_fields=changed)
        elif created:
            user.save()

        if author is not None and author.user_id != user.pk:
            # One author per login: release the link anywhere else first.
            Author.objects.filter(user=user).exclude(pk=author.pk).update(user=None)
            author.user = user
            author.save(update_fields=["user"])
        return user, author
