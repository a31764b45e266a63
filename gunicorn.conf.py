"""gunicorn settings read from the repository root (`make run`, bench/load.py).

The app is preloaded in the master (--preload) so the workers share its modules; the
objects loaded so far are frozen out of the garbage collector before each fork, so a
collection in a worker does not touch (and copy) the pages it shares with the master.
"""

import gc


def pre_fork(server, worker):
    gc.freeze()
