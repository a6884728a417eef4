import pytest


@pytest.fixture
def page_cache(settings):
    """Pages and shared fragments cached (the test run has both off, see pyproject.toml),
    with the default bound."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_FRAGMENTS = True
    settings.PAGE_CACHE_STALE_SECONDS = 5
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 10
    return settings
