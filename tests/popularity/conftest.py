import pytest

from popularity import services

BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


@pytest.fixture(autouse=True)
def _fresh_flush_state(settings):
    """Each test starts with no beacons counted towards this process's next flush."""
    settings.READ_COUNT_FLUSH_EVERY = 1000
    settings.READ_COUNT_FLUSH_SECONDS = 3600
    services._process_state.update(beacons=0, last_flush=services.time.monotonic())


def beacon(client, article_id, *, ip="198.51.100.7", agent=BROWSER_AGENT, **extra):
    headers = {"REMOTE_ADDR": ip, **extra}
    if agent is not None:
        headers["HTTP_USER_AGENT"] = agent
    data = {} if article_id is None else {"article": article_id}
    return client.post("/reads/", data, **headers)
