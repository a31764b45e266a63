"""A throwaway PostgreSQL server for the test suite, started from the installed binaries.

As root, initdb and pg_ctl refuse to run, so they run as the `postgres` user on a data
directory that user owns. fsync is off: the data is thrown away at the end.

Each pytest-xdist worker is a process of its own and starts its own server: its own
temporary directory (data, log, Unix socket) and its own free TCP port, so the workers'
databases (same names, different servers) never meet.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def find_bin_dir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda p: int(p.split("/")[-2]) if p.split("/")[-2].isdigit() else 0)
    for path in reversed(candidates):
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


PORT_ATTEMPTS = 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self, bin_dir: str):
        self.bin_dir = bin_dir
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.base = tempfile.mkdtemp(prefix="krafte-pg-")
        self.data = os.path.join(self.base, "data")
        self.user = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name
        self._watchdog = None

    def _run(self, *args: str) -> None:
        cmd = [os.path.join(self.bin_dir, args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd="/")

    def start(self) -> "PostgresServer":
        if self.as_root:
            os.chmod(self.base, 0o755)
            shutil.chown(self.base, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-A", "trust", "--no-sync", "-U", self.user,
                  "-E", "UTF8", "--locale=C")
        log = os.path.join(self.base, "log")
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                self._run("pg_ctl", "-D", self.data, "-o", self._options(), "-l", log,
                          "-w", "-t", "60", "start")
                break
            except subprocess.CalledProcessError:
                # Another process (a parallel test worker) took the port between
                # _free_port() and the server's bind: try another one.
                if attempt == PORT_ATTEMPTS or not self._port_was_taken(log):
                    raise
                os.remove(log)
                self.port = _free_port()
        self._watch()
        return self

    def _watch(self) -> None:
        """Stop the server when this process dies, however it dies.

        A killed test run never reaches stop(), and its server would keep running. A small
        process reads one end of a pipe whose other end only this process holds: the read
        returns when this process exits for any reason, and the server is then stopped.
        """
        read_end, write_end = os.pipe()
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, self.bin_dir, self.data, self.base,
             "1" if self.as_root else "0"],
            stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True, cwd="/")
        os.close(read_end)
        os.set_inheritable(write_end, False)
        self._watch_fd = write_end

    def _options(self) -> str:
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off "
                f"-c unix_socket_directories={self.base} -c max_connections=100")

    @staticmethod
    def _port_was_taken(log: str) -> bool:
        try:
            with open(log, encoding="utf-8", errors="replace") as lines:
                return "could not bind" in lines.read()
        except OSError:
            return False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} "
                             "dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass
        for _ in range(20):
            try:
                shutil.rmtree(self.base)
                break
            except OSError:
                time.sleep(0.1)
        if self._watchdog is not None:
            os.close(self._watch_fd)  # the watchdog wakes, finds nothing to stop, exits
            self._watchdog.wait(timeout=30)
            self._watchdog = None


# Run by the watchdog process: wait for the test process to go, then stop its server.
_WATCHDOG = """
import os, shutil, subprocess, sys
bin_dir, data, base, as_root = sys.argv[1:]
sys.stdin.buffer.read()
if os.path.isdir(data):
    cmd = [os.path.join(bin_dir, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]
    if as_root == "1":
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd="/")
    shutil.rmtree(base, ignore_errors=True)
"""
