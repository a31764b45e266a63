"""What keeps a gunicorn worker small: few malloc arenas, small SQLite page caches,
what every worker needs built once in the master."""

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from krafte_pwa.db_session import SQLITE_CACHE_KIB
from krafte_pwa.extensions import db
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]

# Eight threads allocate at the same time (blocks over 512 bytes: malloc's, not Python's
# small object allocator); glibc then tells how many arenas the process has.
THREADS = """
import ctypes, os, runpy, sys, threading
if sys.argv[1] == "conf":
    runpy.run_path(os.path.join(sys.argv[2], "gunicorn.conf.py"))
barrier = threading.Barrier(8)
kept = []
def work():
    kept.append([bytes(2000 + n) for n in range(200)])
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL("libc.so.6").malloc_stats()
"""


def arenas(mode: str) -> int:
    env = {"PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", THREADS, mode, str(ROOT)], env=env,
                          capture_output=True, text=True, check=True, timeout=60)
    return done.stderr.count("Arena ")


def test_gunicorn_preloads_the_app_whoever_starts_it():
    """The systemd unit and the team image start gunicorn without --preload: the settings
    file (read from the working directory) must preload the app for them."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    done = subprocess.run([str(gunicorn), "--print-config", "krafte_pwa:create_app()"],
                          cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    settings = dict(map(str.strip, line.split("=", 1))
                    for line in done.stdout.splitlines() if "=" in line)
    assert settings["preload_app"] == "True"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_gunicorn_settings_cap_the_malloc_arenas_of_its_threads():
    assert arenas("plain") > 2  # glibc's default: an arena per thread, up to 8 per CPU
    assert arenas("conf") == 2


def test_each_sqlite_connection_has_a_small_page_cache(sqlite_url):
    app = make_app(sqlite_url)
    with app.app_context():
        size = db.session.execute(text("PRAGMA cache_size")).scalar_one()
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    assert size == -SQLITE_CACHE_KIB
    assert SQLITE_CACHE_KIB < 2000  # SQLite's default cache: 2000 KiB per connection


# gunicorn's master runs pre_fork before each worker it forks.
PRE_FORK = """
import os, runpy, sys
from babel import localedata
from sqlalchemy import inspect
from krafte_pwa.models import Lot
assert not inspect(Lot).configured and "fr" not in localedata._cache
from types import SimpleNamespace
server = SimpleNamespace(cfg=SimpleNamespace(preload_app=True))  # as with --preload
runpy.run_path(os.path.join(sys.argv[1], "gunicorn.conf.py"))["pre_fork"](server, None)
print(inspect(Lot).configured, sorted(n for n in localedata._cache if n in ("en", "fr")))
"""


def test_the_master_builds_what_the_workers_would_each_build_on_their_first_requests():
    done = subprocess.run([sys.executable, "-c", PRE_FORK, str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.split("\n")[-2] == "True ['en', 'fr']"
