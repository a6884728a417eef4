"""Who may change or delete a photo, beyond the model permissions: rules registered by the
apps that put photos in front of readers.

Photos are a lower layer than stories (docs: DESIGN "The house, in layers"), so this module
knows nothing of stories, authors or embeds. An app that uses photos registers, in its
AppConfig.ready(), a rule `rule(user, photo) -> str | None`: a refusal in plain words when
the photo is in a use that the user may not change, else None. The photo admin and
`services.save_photo` ask `refusal()`; every registered rule must agree.
"""

_rules = []


def register(rule) -> None:
    """Add a rule (idempotent: ready() may run more than once in tests)."""
    if rule not in _rules:
        _rules.append(rule)


def refusal(user, photo) -> str | None:
    """Why `user` may not change this stored photo, or None when every rule allows it."""
    if photo.pk is None:
        return None
    for rule in _rules:
        message = rule(user, photo)
        if message:
            return message
    return None
