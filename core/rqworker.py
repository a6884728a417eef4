"""An RQ worker that relays the task outbox (core.outbox) once Redis answers again.

settings.RQ["WORKER_CLASS"] makes it the default for `manage.py rqworker`. RQ's own loop
retries a lost Redis connection with back-off; each pass of its dequeue loop renews the
worker's heartbeat in Redis first, so a relay placed after a successful heartbeat runs only
while Redis is reachable. The blocking dequeue is capped at OUTBOX_RELAY_SECONDS so an idle
worker still passes through the loop (and relays) that often.
"""

from django.conf import settings
from django.db import connections
from rq import Worker

from . import outbox


class RelayingWorker(Worker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relay = outbox.relay_every()

    def heartbeat(self, timeout=None, pipeline=None):
        result = super().heartbeat(timeout, pipeline=pipeline)
        if pipeline is None and self._relay.due():
            self._relay()
            # Jobs run in a forked child: it must not inherit this process's connection.
            connections.close_all()
        return result

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        if timeout is not None:  # None: burst mode, which does not block at all
            timeout = min(timeout, max(1, int(settings.OUTBOX_RELAY_SECONDS)))
        return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
