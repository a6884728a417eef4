"""An RQ worker that relays the task outbox (core.outbox) once Redis answers again.

settings.RQ["WORKER_CLASS"] makes it the default for `manage.py rqworker`. RQ's own loop
retries a lost Redis connection with back-off; each pass of its dequeue loop renews the
worker's heartbeat in Redis first, so a relay placed after a successful heartbeat runs only
while Redis is reachable. The blocking dequeue is capped at OUTBOX_RELAY_SECONDS so an idle
worker still passes through the loop (and relays) that often.

RQ's loop retries Redis only while it waits for a job: a connection lost while a job runs (in
monitor_work_horse) makes the worker quit, so a Redis restart left no worker running (the
chaos run found this). This one waits for Redis and starts its loop again, until asked to
stop, and restarts the scheduler process the outage killed.
"""

import logging
import time

import redis
from django.conf import settings
from django.db import connections
from rq import Worker

from . import outbox

logger = logging.getLogger("rq.worker")


class RelayingWorker(Worker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relay = outbox.relay_every()
        self._asked_to_stop = False

    def request_stop(self, signum, frame):
        self._asked_to_stop = True  # RQ raises StopRequested instead when idle
        return super().request_stop(signum, frame)

    def work(self, burst=False, *args, max_jobs=None, max_idle_time=None, **kwargs):
        while True:
            try:
                worked = super().work(
                    burst, *args, max_jobs=max_jobs, max_idle_time=max_idle_time, **kwargs
                )
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as error:
                worked = False  # teardown could not record the death: Redis is still down
                logger.warning("Worker %s: Redis lost (%s)", self.name, error)
            if (
                self._asked_to_stop
                or self._stop_requested
                or burst
                or max_jobs is not None
                or max_idle_time
            ):
                return worked
            time.sleep(1)  # never a busy loop, whatever stopped it
            self.wait_for_redis()
            # An unrecorded death leaves this worker's key "alive"; a new birth needs it gone.
            self.connection.delete(self.key)
            self._stop_requested = False
            logger.warning("Worker %s: Redis answers again; working on", self.name)

    def wait_for_redis(self):
        pause = 1.0
        while True:
            try:
                self.connection.ping()
                return
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
                time.sleep(pause)
                pause = min(pause * 2, 10)

    def heartbeat(self, timeout=None, pipeline=None):
        result = super().heartbeat(timeout, pipeline=pipeline)
        if pipeline is None and self._relay.due():
            self._relay()
            # Jobs run in a forked child: it must not inherit this process's connection.
            connections.close_all()
            self.revive_scheduler()
        return result

    def revive_scheduler(self):
        """The scheduler (`--with-scheduler`, a child process) dies with a Redis outage, and
        RQ only restarts it in its ten-minute maintenance: until then no deferred task (a
        newsletter's watch chain) reaches the queue. Restart it as RQ's maintenance does."""
        scheduler = self.scheduler
        if scheduler is None:
            return
        process = getattr(scheduler, "_process", None)
        if process is None or not process.is_alive():
            scheduler.acquire_locks(auto_start=True)

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        if timeout is not None:  # None: burst mode, which does not block at all
            timeout = min(timeout, max(1, int(settings.OUTBOX_RELAY_SECONDS)))
        return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)
