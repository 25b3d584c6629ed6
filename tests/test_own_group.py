"""deploy/own-group: what a program killed with kill -9 left of its process group is stopped
before the program starts again, and the work it held is finished first.

`make chaos` killed app1's gunicorn master; own-group then killed its two workers with kill -9
while they were answering, so a texter whose message the engine had already answered was sent
the safety reply (the load balancer resent the request to app2, which found the message stored
and unanswered). gunicorn's workers finish what they hold on TERM, and on their own once their
master is gone: they are given that time, and what will not stop is killed after it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from webhooks.config import REPO_ROOT

OWN_GROUP = REPO_ROOT / "deploy" / "own-group"

# A program like gunicorn: its master (the group leader) starts a worker in its own group and
# waits. The worker holds a request; on TERM it answers it (half a second more) and exits,
# unless told to ignore TERM (a process stuck for good).
MASTER = textwrap.dedent(
    """
    import subprocess, sys, time
    subprocess.Popen([sys.executable, "-c", sys.argv[1], *sys.argv[2:]])
    while True:
        time.sleep(1)
    """
)
WORKER = textwrap.dedent(
    """
    import os, signal, sys, time
    folder, mode = sys.argv[1], sys.argv[2]
    def finish(*_):
        if mode == "ignore":
            return
        time.sleep(0.5)
        with open(os.path.join(folder, "answered"), "w") as f:
            f.write("answered")
        sys.exit(0)
    signal.signal(signal.SIGTERM, finish)
    with open(os.path.join(folder, "worker.pid"), "w") as f:
        f.write(str(os.getpid()))
    while True:
        time.sleep(0.05)
    """
)
# The program started again: it notes whether the old worker was still there when it started.
RESTARTED = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    folder = Path(sys.argv[1])
    pid = (folder / "worker.pid").read_text()
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        state = "gone"
    (folder / "old_worker_at_restart").write_text(state)
    """
)


def gone(pid: int) -> bool:
    """Exited (a zombie waiting for whoever adopted it counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def own_group(run_dir: Path, *command: str, grace: str | None = None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HOTLINE_RUN_DIR": str(run_dir)}
    if grace is not None:
        env["OWN_GROUP_GRACE_SECONDS"] = grace
    # supervisord makes every program the leader of a process group of its own.
    return subprocess.Popen(
        [str(OWN_GROUP), "app1", *command], env=env, start_new_session=True, cwd=run_dir
    )


def start_and_kill_master(run_dir: Path, mode: str) -> int:
    master = own_group(run_dir, sys.executable, "-c", MASTER, WORKER, str(run_dir), mode)
    deadline = time.monotonic() + 10
    while not (run_dir / "worker.pid").exists():
        assert time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.05)
    time.sleep(0.1)  # its TERM handler is set before it writes its pid; a margin all the same
    master.send_signal(signal.SIGKILL)  # what make chaos does to app1
    master.wait()
    return int((run_dir / "worker.pid").read_text())


def restart(run_dir: Path, grace: str | None = None) -> float:
    started = time.monotonic()
    again = own_group(run_dir, sys.executable, "-c", RESTARTED, str(run_dir), grace=grace)
    assert again.wait(timeout=30) == 0
    return time.monotonic() - started


def test_a_worker_left_by_a_killed_master_finishes_its_request_before_the_restart(tmp_path):
    worker = start_and_kill_master(tmp_path, "finish")
    assert not gone(worker)  # orphaned, still holding its request

    restart(tmp_path)

    assert (tmp_path / "answered").exists(), "the worker was killed before it could answer"
    assert (tmp_path / "old_worker_at_restart").read_text() in ("gone", "Z", "X")
    assert gone(worker)


def test_a_worker_that_will_not_stop_is_killed_after_the_grace(tmp_path):
    worker = start_and_kill_master(tmp_path, "ignore")

    took = restart(tmp_path, grace="1")

    assert gone(worker)  # nothing orphaned keeps serving or holds the port
    assert (tmp_path / "old_worker_at_restart").read_text() in ("gone", "Z", "X")
    assert 0.9 <= took < 10
