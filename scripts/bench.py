"""`make bench`: signed webhook requests vs. the same texts straight to Rasa's REST endpoint.

Starts the stack (or uses one already running at --app-url/--rasa-url), sends N requests at
concurrency C to each, and prints throughput and latency percentiles and their ratio. The
difference is what the app adds: signature check, encryption, database, keywords, language,
safety net, NLG round trips from the engine back to the app.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from twilio.request_validator import RequestValidator

from scripts.devstack import Stack
from webhooks.config import REPO_ROOT, load_config

TEXTS = [
    "hi",
    "i need a safe place to sleep",
    "my boss took my passport",
    "hola necesito ayuda",
    "necesito un abogado",
    "can i talk to a person",
    "what is this",
    "thanks",
    "bye",
    "i need a doctor",
    "no me pagan",
    "where can i get legal help",
]


@dataclass
class Result:
    name: str
    latencies: list[float]
    errors: int
    wall: float

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(round(p / 100 * (len(data) - 1))))] * 1000

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall

    def line(self) -> str:
        return (
            f"{self.name:<16} n={len(self.latencies):<5} errors={self.errors:<3} "
            f"throughput={self.throughput:7.1f}/s  p50={self.percentile(50):7.1f} ms  "
            f"p95={self.percentile(95):7.1f} ms  p99={self.percentile(99):7.1f} ms  "
            f"mean={statistics.mean(self.latencies) * 1000:7.1f} ms"
        )


def run(name: str, n: int, concurrency: int, send) -> Result:
    latencies: list[float] = []
    errors = 0

    def one(i: int) -> tuple[float, bool]:
        start = time.perf_counter()
        ok = send(i)
        return time.perf_counter() - start, ok

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for latency, ok in pool.map(one, range(n)):
            latencies.append(latency)
            errors += 0 if ok else 1
    return Result(name, latencies, errors, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_N", "400")))
    parser.add_argument("-c", type=int, default=int(os.environ.get("BENCH_C", "8")))
    parser.add_argument("--app-url", default=None, help="use a running app instead of starting one")
    parser.add_argument("--rasa-url", default="http://127.0.0.1:5005")
    parser.add_argument("--server", choices=["gunicorn", "flask"], default="gunicorn")
    args = parser.parse_args()

    config = load_config(str(REPO_ROOT / "instance"))
    token = config["TWILIO_AUTH_TOKEN"]
    stack = None
    if args.app_url is None:
        stack = Stack(app_port=5100, rasa_port=5105, actions_port=5155, app_server=args.server)
        print(f"starting the stack ({args.server}, Rasa, actions)...")
        stack.start()
        stack.wait_healthy()
        app_url, rasa_url = stack.app_url, stack.rasa_url
    else:
        app_url, rasa_url = args.app_url.rstrip("/"), args.rasa_url.rstrip("/")
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=args.c * 2))
    run_id = int(time.time())
    counter = itertools.count()

    phones = max(1, args.n // 4)

    def webhook(i: int) -> bool:
        # Four messages a phone, far apart in the run: conversations of a few turns, and no
        # phone with two texts in flight at once (Rasa queues those behind a 1-second lock poll).
        form = {
            "MessageSid": f"SMbench{run_id}{next(counter):020d}",
            "From": f"+1555{run_id % 1000:03d}{i % phones:04d}",
            "To": "+15550100000",
            "Body": TEXTS[i % len(TEXTS)],
        }
        url = f"{app_url}/webhooks/twilio/sms"
        signature = RequestValidator(token).compute_signature(url, form)
        r = session.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
        return r.status_code == 200 and b"<Message" in r.content

    def rasa(i: int) -> bool:
        body = {"sender": f"bench-{run_id}-{i % phones}", "message": TEXTS[i % len(TEXTS)]}
        r = session.post(f"{rasa_url}/webhooks/rest/webhook", json=body, timeout=30)
        return r.status_code == 200

    try:
        # Warm both paths (model loading, first NLG calls) before measuring.
        run("warm-up", 20, 2, webhook)
        run("warm-up", 20, 2, rasa)
        print(f"\nN={args.n} requests, concurrency={args.c}, app server={args.server}")
        via_app = run("webhook (app)", args.n, args.c, webhook)
        direct = run("rasa direct", args.n, args.c, rasa)
        print(via_app.line())
        print(direct.line())
        print(
            f"ratio app/rasa:  p50 x{via_app.percentile(50) / direct.percentile(50):.2f}  "
            f"p95 x{via_app.percentile(95) / direct.percentile(95):.2f}  "
            f"throughput x{via_app.throughput / direct.throughput:.2f}"
        )
    finally:
        if stack is not None:
            stack.stop()


if __name__ == "__main__":
    main()
