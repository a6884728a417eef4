"""Inviting a journalist: one step from a name and an address to a working staff account.

What it guarantees: `invite_journalist` makes, in one transaction, an account that can sign
in once a password is chosen (staff status follows from the role, so nobody has to remember
the "Staff status" box), in exactly one role (a group of editorial.roles), with no usable
password until the invited person sets one, linked to its byline (the Author through which
articles.permissions counts bylined stories as the person's own), and one audit entry naming
who invited whom to what role. The email with the set-a-password link
(staffauth.invites) leaves only after the transaction commits, so a failed invitation mails
nothing. The group and staff-flag changes are audited on their own too (core.signals).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction

from articles.models import Author
from core import audit
from core.slugs import free_slug
from staffauth.invites import invite_link

from .roles import ROLE_PERMISSIONS

# Every role the desk knows is a staff role: its people work in the admin.
STAFF_ROLES = tuple(ROLE_PERMISSIONS)


def split_name(name: str) -> tuple[str, str]:
    """("Olena Kovalenko-Shevchuk") -> first and last name for the account, as Django keeps
    them; get_full_name() joins them back."""
    first, _, last = " ".join(name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


@transaction.atomic
def invite_journalist(*, name: str, email: str, role: str, author: Author | None, by) -> Author:
    """Create the account of `name` in `role`, link `author` (or a new Author of that name)
    to it, and email the link to set a password. Returns the byline, its `user` the account.

    The username is the email address, lower-cased: the person knows it, and two accounts
    cannot share one.
    """
    if role not in STAFF_ROLES:
        raise ValidationError({"role": f"{role!r} is not a newsroom role."})
    User = get_user_model()
    address = User.objects.normalize_email(email).strip().lower()
    if (
        User.objects.filter(username__iexact=address).exists()
        or User.objects.filter(email__iexact=address).exists()
    ):
        raise ValidationError({"email": "Someone on the staff already has this address."})
    if author is not None and author.user_id is not None:
        raise ValidationError({"author": "This byline already belongs to another account."})

    first_name, last_name = split_name(name)
    user = User(
        username=address,
        email=address,
        first_name=first_name,
        last_name=last_name,
        is_staff=True,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=role))

    if author is None:
        author = Author(
            name=" ".join(name.split()),
            slug=free_slug(
                Author.objects.all(),
                name,
                max_length=Author._meta.get_field("slug").max_length,
                fallback="author",
            ),
            user=user,
        )
        author.full_clean()
        author.save()
    else:
        author.user = user
        author.save(update_fields=["user"])

    audit.record(
        action=audit.Action.STAFF_INVITED,
        target=user.get_username(),
        actor=by,
        role=role,
        byline=author.name,
        author_id=author.pk,
    )
    user_pk = user.pk
    transaction.on_commit(lambda: send_invitation(user_pk))
    return author


def send_invitation(user_pk: int) -> None:
    """Email the invited person their set-a-password link (also used to send it again)."""
    user = get_user_model().objects.get(pk=user_pk)
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    second_factor = user.groups.filter(name__in=settings.STAFF_2FA_REQUIRED_ROLES).exists()
    steps = (
        "Then sign in with your address and that password, and set up a second factor "
        "(a passkey or an authenticator app): your role needs one."
        if second_factor
        else "Then sign in with your address and that password."
    )
    send_mail(
        subject=f"Your {settings.SITE_NAME} staff account",
        message=(
            f"Hello {user.get_full_name() or user.get_username()},\n\n"
            f"You have been invited to work in the {settings.SITE_NAME} admin.\n\n"
            f"Choose your password here (the link works once, for {days} "
            f"day{'s' if days != 1 else ''}):\n{invite_link(user)}\n\n"
            f"{steps}\n\nYour username: {user.get_username()}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
