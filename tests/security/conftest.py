import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """admin_user and the login tests hash passwords; PBKDF2's cost buys nothing here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
