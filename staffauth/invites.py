"""Accepting an invitation: the emailed link that lets a new staff member choose a password.

What it guarantees: the link works once and for a limited time. It is Django's password
reset token under its own salt (a reset link is no invitation and an invitation no reset
link), so it is signed with the site's key, stops working after PASSWORD_RESET_TIMEOUT and
as soon as a password is set (the token hashes the stored password, which then changes). The
person then signs in on the admin's own sign-in page, where StaffSessionMiddleware asks
those in a role that STAFF_2FA_REQUIRED_ROLES names to enrol a second factor before anything
else. The invitation itself (the account, the role, the byline) is made by
editorial.invites.invite_journalist.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class InviteTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "staffauth.invites.InviteTokenGenerator"


invite_token_generator = InviteTokenGenerator()


def invite_link(user) -> str:
    """The absolute address of the set-a-password page for `user`, valid until used."""
    path = reverse(
        "staffauth:invite_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invite_token_generator.make_token(user),
        },
    )
    return f"{settings.SITE_URL}{path}"


class AcceptInviteView(auth_views.PasswordResetConfirmView):
    """Choose a password from the invitation link; signing in stays a separate step, so the
    second factor is asked for (or enrolled) exactly as at every other sign-in."""

    token_generator = invite_token_generator
    template_name = "staffauth/invite_accept.html"
    success_url = reverse_lazy("staffauth:invite_done")
    post_reset_login = False


class InviteDoneView(auth_views.PasswordResetCompleteView):
    template_name = "staffauth/invite_done.html"
