"""A task for tests/core/test_task_lease.py: appends one line per run to a file."""

from django_tasks import task


@task()
def note_a_run(path: str) -> None:
    with open(path, "a") as runs:
        runs.write("ran\n")
