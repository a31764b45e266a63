"""The session key made on a fresh instance folder is the same for every process."""

import multiprocessing
import stat

from krafte_pwa.config import _instance_secret


def _read_key(folder, barrier, keys):
    barrier.wait()  # all processes look for the missing file at the same moment
    keys.put(_instance_secret(folder))


def test_processes_starting_together_on_a_fresh_instance_share_one_key(tmp_path):
    ctx = multiprocessing.get_context("fork")
    for attempt in range(20):
        folder = tmp_path / f"instance{attempt}"
        barrier, keys = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_read_key, args=(str(folder), barrier, keys))
                 for _ in range(6)]
        for p in procs:
            p.start()
        found = {keys.get(timeout=30) for _ in procs}
        for p in procs:
            p.join(timeout=30)
        assert len(found) == 1
        (key,) = found
        assert len(key) == 64 and (folder / "secret_key").read_text() == key
        assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600
        assert [f.name for f in folder.iterdir()] == ["secret_key"]  # no temporary left
