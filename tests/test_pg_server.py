"""The suite's throwaway PostgreSQL does not outlive a test run that is killed."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.pg_server import find_bin_dir

ROOT = Path(__file__).resolve().parents[1]
START = ("from tests.pg_server import PostgresServer, find_bin_dir\n"
         "s = PostgresServer(find_bin_dir()).start()\n"
         "print(s.port, s.base, flush=True)\n"
         "import time; time.sleep(600)\n")


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def test_a_killed_run_leaves_no_server_behind(pg_server):
    assert find_bin_dir()  # the pg_server fixture skips, or fails in CI, without binaries
    run = subprocess.Popen([sys.executable, "-c", START], cwd=ROOT, stdout=subprocess.PIPE,
                           text=True)
    with run.stdout:
        port, base = run.stdout.readline().split()
    assert _accepts(int(port)) and os.path.isdir(base)
    run.send_signal(signal.SIGKILL)  # no clean-up code of the run gets to execute
    run.wait()
    deadline = time.monotonic() + 30
    while (_accepts(int(port)) or os.path.exists(base)) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _accepts(int(port))
    assert not os.path.exists(base)
