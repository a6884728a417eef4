import hashlib
import os
import secrets
import stat
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.urls import reverse

from articles.models import Author

DEFAULT_USERNAME = "editor"
DEMO_AUTHOR_SLUG = "marta-horobets"
# No 0/o, 1/l/i: the password is read off a terminal and typed by hand. 15 letters of 31:
# 74 bits, drawn by `secrets`.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_LETTERS = 15


def draw_password():
    letters = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LETTERS))
    return "-".join(letters[i : i + 5] for i in range(0, PASSWORD_LETTERS, 5))


def password_file(username):
    """Where this database's demo login is kept: the user's state folder (XDG_STATE_HOME,
    default ~/.local/state), outside the checkout so it can never be committed or shipped
    with it, one file per database and username so two demos on one machine do not share a
    login (and a database rebuilt at the same place gets its old login back)."""
    database = connection.settings_dict
    identity = "|".join(str(database.get(key) or "") for key in ("ENGINE", "HOST", "PORT", "NAME"))
    digest = hashlib.sha256(f"{identity}|{username}".encode()).hexdigest()[:16]
    state_home = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state_home) / "newsroom" / f"demo-staff-{digest}"


def read_private(path):
    """The stored password, refused (not repaired) when others could have read it."""
    info = path.stat()
    if stat.S_IMODE(info.st_mode) & 0o077 or info.st_uid != os.geteuid():
        raise CommandError(
            f"{path} must be yours and private (mode 0600): someone else may have read the "
            "password in it. Delete it to draw a new one, or run with --new-password."
        )
    password = path.read_text().strip()
    if not password:
        raise CommandError(f"{path} is empty: delete it, or run with --new-password.")
    return password


def write_private(path, password):
    """Store the password readable by this user only; `exclusive` never follows or reuses a
    file someone else put there first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.parent.stat().st_mode) & 0o077:
        path.parent.chmod(0o700)
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(password + "\n")


def stored_password(username, *, replace_with=None):
    """The password stored for this database's demo login, drawn at random on first use.

    Random rather than derived from anything in the code or settings: the development
    SECRET_KEY is public, so a derived password would be the same on every demo.
    """
    path = password_file(username)
    if replace_with is None and path.exists():
        return read_private(path)
    password = replace_with or draw_password()
    write_private(path, password)
    return password


class Command(BaseCommand):
    help = (
        "Create or reset the demo's staff login (a superuser linked to the demo author "
        f"{DEMO_AUTHOR_SLUG}) and print its username and password: a random one, drawn on "
        "the first run and stored (mode 0600) under XDG_STATE_HOME/newsroom for later runs. "
        "Refused when DEBUG is off unless --allow-production is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=DEFAULT_USERNAME)
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--password", help="Use (and store) this password instead of the stored one."
        )
        choice.add_argument(
            "--new-password",
            action="store_true",
            help="Draw a new random password, store it and reset the login to it.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (a known superuser on a live site is a risk).",
        )

    def handle(self, *args, username, password, new_password, allow_production, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like a live site. Use createsuperuser, or pass "
                "--allow-production if you really want the demo login here."
            )
        if new_password:
            password = stored_password(username, replace_with=draw_password())
        else:
            password = stored_password(username, replace_with=password)
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
