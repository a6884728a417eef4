"""Task workers on many machines: two `manage.py rqworker` processes on one Redis queue
(TASKS_BACKEND=django_tasks_rq.RQBackend) share one newsletter send, and every subscriber
gets it exactly once.

The send, the SMTP server and the scratch database come from the newsletters' own
exactly-once tests (tests/newsletters/test_exactly_once.py), which run the database backend's
`db_worker`; only the queue and the workers differ here.
"""

import subprocess
import sys
import urllib.parse
import uuid
from collections import Counter

import pytest

from tests.newsletters.test_exactly_once import (  # noqa: F401 - fixtures used by name
    RecordingServer,
    scenario,
    scratch_database,
)
from tests.scaling.conftest import ROOT

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def rq_url():
    import os

    import redis

    url = urllib.parse.urlunsplit(
        urllib.parse.urlsplit(os.environ["REDIS_URL"])._replace(path="/12")
    )
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def start_rq_worker(run, name):
    log_path = run.tmp_path / f"worker-{name}.log"
    log = open(log_path, "w")  # noqa: SIM115 - closed by run.stop()
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            "default",
            "--job-class",
            "django_tasks_rq.Job",
            # Moves deferred tasks (the send's watch chain uses run_after) onto the queue.
            "--with-scheduler",
            "--name",
            f"{name}-{uuid.uuid4().hex[:6]}",
        ],  # fmt: skip
        cwd=ROOT,
        env=run.env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    run.workers.append((process, log))
    return log_path


def test_two_rq_workers_share_one_send_and_mail_everyone_once(scenario, rq_url):  # noqa: F811
    server = RecordingServer(delay=0.003)
    run = scenario(
        server,
        NEWSLETTER_BATCH_SIZE=10,
        NEWSLETTER_SEND_WORKERS=2,
        NEWSLETTER_WATCH_INTERVAL=1,
        TASKS_BACKEND="django_tasks_rq.RQBackend",
        RQ_URL=rq_url,
    )
    setup = run.step("setup", 120)
    issue, emails = setup["issue"], setup["emails"]

    logs = [start_rq_worker(run, "alpha"), start_rq_worker(run, "beta")]
    finished = run.wait_for(
        lambda: (state := run.step("state", issue))["status"] == "sent" and state,
        timeout=180,
        what="two RQ workers to finish the send",
    )

    assert set(finished["deliveries"].values()) == {"sent"}
    assert server.received == Counter({e: 1 for e in emails})
    # Both machines' workers ran a pump: the send really was shared.
    assert len(finished["workers"]) >= 2
    assert all("deliver_issue" in path.read_text() for path in logs)
