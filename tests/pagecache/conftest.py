import pytest


@pytest.fixture
def page_cache(settings):
    """The page cache on (the test run has it off, see pyproject.toml), with the default
    bound, and on-commit invalidation run at once by the tests that write."""
    settings.PAGE_CACHE_ENABLED = True
    settings.PAGE_CACHE_STALE_SECONDS = 5
    settings.PAGE_CACHE_STALE_WHILE_REVALIDATE = 10
    return settings
