"""gunicorn settings read from the repository root (`make run`, bench/load.py).

The app is preloaded in the master (--preload) so the workers share its modules; the
objects loaded so far are frozen out of the garbage collector before each fork, so a
collection in a worker does not touch (and copy) the pages it shares with the master.
What the workers would each build on their first requests is built there first
(krafte_pwa/preload.py), when the app is preloaded.

glibc's malloc gives each thread that allocates an arena of its own (up to 8 per CPU),
and an arena keeps the memory it once held: a worker's 4 threads each kept several MiB
after a minute of requests on a year of history (SQLite's page caches, large result
sets). Two arenas for the whole process (as MALLOC_ARENA_MAX=2 would) keep the workers
small; the threads hardly contend for them, they mostly wait for the GIL or the database.
A MALLOC_ARENA_MAX set in the environment wins.
"""

import ctypes
import ctypes.util
import gc
import os

# Every launcher (make run, the systemd unit, the team image) gets the shared, preloaded
# app without having to pass --preload.
preload_app = True

M_ARENA_MAX = -8  # glibc's mallopt parameter
MALLOC_ARENAS = 2


def bound_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for this process and the workers it forks (not glibc:
    nothing to do)."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False


bound_malloc_arenas()  # in the master, before it forks the workers and they start threads


def pre_fork(server, worker):
    if server.cfg.preload_app:  # else each worker loads the app itself: nothing to share
        from krafte_pwa.preload import warm_up

        warm_up()  # built once here, shared by the workers (see krafte_pwa/preload.py)
    gc.freeze()
