"""The desk's admin: the story admin (Article stays in articles, its admin is here), preview
links, and staff accounts with the one-step invitation."""

from . import stories, users  # noqa: F401
