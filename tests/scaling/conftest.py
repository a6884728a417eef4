"""Servers the past-one-machine tests start: an S3-compatible store (moto's server mode) and
app servers. Ports come from 8007-8010 (this project's range for them), else any free one."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PORTS = (8010, 8009, 8008, 8007)


def port_is_free(port):
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_ports(count):
    """`count` ports: from 8007-8010 while they are free, then any the system offers. Under
    pytest-xdist only the first worker takes from the range, so two never race for a port."""
    in_range = os.environ.get("PYTEST_XDIST_WORKER", "gw0") == "gw0"
    chosen = [port for port in PORTS if in_range and port_is_free(port)][:count]
    while len(chosen) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port not in chosen:
            chosen.append(port)
    return chosen


def wait_for_port(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto's S3 server in a process of its own: real HTTP, real boto3 signing."""
    (port,) = free_ports(1)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)
