"""How the admin names a member of staff: by their name, the username only when they have
none (a fresh account, a script's user). Usernames are sign-in handles, not names."""

from django.db.models import F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim


def display_name(user) -> str:
    """ "Marta Horobets", or "editor" for an account without a name; "" for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def display_name_of(prefix: str):
    """The same in SQL, for the user at `prefix` ("user", "by"...): annotate a queryset with
    names without loading the users."""
    full = Concat(F(f"{prefix}__first_name"), Value(" "), F(f"{prefix}__last_name"))
    return Coalesce(NullIf(Trim(full), Value("")), F(f"{prefix}__username"))
