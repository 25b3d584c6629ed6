"""gunicorn settings for the app in production: `gunicorn -c gunicorn.conf.py webhooks.wsgi:app`.

Every value can be overridden from the environment (the names below) or gunicorn's own flags.
Threads, not processes, carry concurrency: a worker waits on the engine (I/O) for most of a
message. The engine never calls back into the app, so even one sync worker cannot deadlock.
"""

from __future__ import annotations

import os
import tempfile

from gunicorn.workers.gthread import ThreadWorker as GthreadWorker


class ThreadWorker(GthreadWorker):
    """gunicorn's gthread worker, letting go of the port as soon as it stops taking connections.

    A stopping worker (TERM, or its master gone: killed) answers the requests it holds, and
    then its kept-alive connections linger 2 s. gunicorn 27 keeps the listening socket open all
    that time: new connections queue in the kernel for a worker that will never accept them,
    and are reset when it exits. HAProxy does not retry a reset (502 to Twilio); it does retry
    a refused connection on the other instance. Closing this worker's copy of the socket frees
    the port once no process holds it (a master still running keeps it for its other workers).
    """

    def is_parent_alive(self) -> bool:
        if super().is_parent_alive():
            return True
        self.alive = False  # the master is gone: stop as on TERM
        return False

    def set_accept_enabled(self, enabled: bool) -> None:
        super().set_accept_enabled(enabled)
        if not enabled and not self.alive:  # stopping (not merely full): never again
            for listener in self.sockets:
                listener.close()


# Behind the load balancer; never exposed directly (the console and /metrics live here too).
bind = os.environ.get("HOTLINE_BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("HOTLINE_WORKERS", "2"))
worker_class = os.environ.get("HOTLINE_WORKER_CLASS") or ThreadWorker
threads = int(os.environ.get("HOTLINE_THREADS", "8"))
# Twilio gives up on a webhook after 15 s; the engine's own deadline (RASA_TIMEOUT_SECONDS, 8 s)
# is well inside that, so a worker is only killed when something is truly stuck.
timeout = int(os.environ.get("HOTLINE_WORKER_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Access log lines carry paths and status codes only: no phone number or text is in a URL.
accesslog = os.environ.get("HOTLINE_ACCESS_LOG", "-")
errorlog = "-"
# Proxy headers are trusted from the load balancer only (see CONSOLE_TRUSTED_PROXIES).
forwarded_allow_ips = os.environ.get("HOTLINE_FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn 24+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl): two
# instances on one machine (the cluster's app1 and app2) would take it from each other.
control_socket_disable = True

# Prometheus multiprocess mode (/metrics): each worker writes its counts to files in this
# directory and a scrape answered by any worker adds them all up. One directory per gunicorn
# instance, emptied at start (stale files would count a previous run twice).
metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="hotline-metrics-")
)


def on_starting(server: object) -> None:
    os.makedirs(metrics_dir, exist_ok=True)
    for name in os.listdir(metrics_dir):
        if name.endswith(".db"):
            os.unlink(os.path.join(metrics_dir, name))


def child_exit(server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
