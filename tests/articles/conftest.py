"""Fixtures shared by the story tests: a real SMTP server for the emails they send."""

from tests.smtp import smtp_server  # noqa: F401  (fixture)
