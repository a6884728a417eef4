"""Strict templates for the test suite (TEMPLATE_STRICT_VARIABLES): a template that looks up
a name it was never given fails its test instead of printing nothing. No imports: the
settings module uses it."""


class UnknownVariable(Exception):
    """A template looked up a name its context does not hold."""


class RaisingMissing(str):
    """string_if_invalid that raises: Django formats it with the name (it "contains" %s)."""

    def __contains__(self, item):
        return True

    def __mod__(self, name):
        raise UnknownVariable(f"Unknown template variable {name!r}.")
