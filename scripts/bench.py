"""`make bench`: the signed webhook path vs. the same model served by Rasa alone.

Rasa alone is what a team would run instead of this app: `rasa run` with the same model, its
domain responses and actions, texts posted straight to its REST channel, no app in front. The
webhook path adds what the hotline needs: Twilio signature check, encryption, the database,
keywords, language, the danger net, rendering from the catalogs. Both run in one process tree
in one run, at each concurrency, and the ratios are printed side by side.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
from twilio.request_validator import RequestValidator

from scripts.devstack import Stack, free_port
from webhooks.crypto import generate_key, generate_secret

# Conversations of a few turns: greetings, needs, screening openers, consent, small talk.
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
TURNS_PER_PHONE = 4


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


def run(n: int, concurrency: int, send: Callable[[int], bool], name: str = "") -> Result:
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


def table(rows: list[tuple[int, Result, Result]]) -> str:
    head = (
        f"{'c':>2}  {'path':<22}{'n':>5}{'err':>5}{'msg/s':>8}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'mean ms':>9}"
    )
    lines = [head, "-" * len(head)]
    for c, webhook, bare in rows:
        for r in (webhook, bare):
            lines.append(
                f"{c:>2}  {r.name:<22}{len(r.latencies):>5}{r.errors:>5}{r.throughput:>8.1f}"
                f"{r.percentile(50):>9.1f}{r.percentile(95):>9.1f}{r.percentile(99):>9.1f}"
                f"{statistics.mean(r.latencies) * 1000:>9.1f}"
            )
        lines.append(
            f"{c:>2}  {'ratio webhook/bare':<22}{'':>10}"
            f"{webhook.throughput / bare.throughput:>7.2f}x"
            f"{webhook.percentile(50) / bare.percentile(50):>8.2f}x"
            f"{webhook.percentile(95) / bare.percentile(95):>8.2f}x"
            f"{webhook.percentile(99) / bare.percentile(99):>8.2f}x"
        )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_N", "400")))
    parser.add_argument(
        "-c",
        type=int,
        nargs="+",
        default=[int(c) for c in os.environ.get("BENCH_C", "1 8").split()],
    )
    args = parser.parse_args()

    work = Stack().log_dir.parent / "bench"
    work.mkdir(parents=True, exist_ok=True)
    auth_token = generate_secret(16)
    # The production command and configuration (gunicorn.conf.py), on a database of its own.
    stack = Stack(
        app_port=free_port(),
        rasa_port=free_port(),
        actions_port=free_port(),
        app_server="gunicorn",
        log_dir=work / "logs",
        env={
            "HOTLINE_ENV": "production",
            "CONSOLE_TRUSTED_PROXIES": "0",
            "RASA_TRACKER_STORE_URL": "memory",
            "DATABASE_URL": f"sqlite:///{work / f'bench-{int(time.time())}.db'}",
            "SECRET_KEY": generate_secret(),
            "HOTLINE_ENCRYPTION_KEYS": generate_key(),
            "HOTLINE_HASH_KEY": generate_secret(),
            "HOTLINE_ENGINE_TOKEN": generate_secret(),
            "TWILIO_AUTH_TOKEN": auth_token,
        },
    )
    stack.migrate()
    print("starting Rasa, the action server and the app (gunicorn, gunicorn.conf.py)...")
    stack.start()
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=32))
    run_id = int(time.time())
    sids = itertools.count()
    token = {"token": stack.environment()["HOTLINE_ENGINE_TOKEN"]}

    def webhook(prefix: str, phones: int) -> Callable[[int], bool]:
        def send(i: int) -> bool:
            # A phone's turns are far apart in the run: no phone has two texts in flight
            # (Rasa queues those behind its per-conversation lock, for either path).
            form = {
                "MessageSid": f"SMbench{run_id}{next(sids):020d}",
                "From": f"+1{prefix}{i % phones:06d}",
                "To": "+15550100000",
                "Body": TEXTS[i % len(TEXTS)],
            }
            url = f"{stack.app_url}/webhooks/twilio/sms"
            signature = RequestValidator(auth_token).compute_signature(url, form)
            r = session.post(url, data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
            return r.status_code == 200 and b"<Message" in r.content

        return send

    def bare(prefix: str, phones: int) -> Callable[[int], bool]:
        def send(i: int) -> bool:
            body = {"sender": f"bench-{prefix}-{i % phones}", "message": TEXTS[i % len(TEXTS)]}
            r = session.post(
                f"{stack.rasa_url}/webhooks/rest/webhook", json=body, params=token, timeout=30
            )
            return r.status_code == 200 and bool(r.json())

        return send

    try:
        stack.wait_healthy()
        phones = max(1, args.n // TURNS_PER_PHONE)
        # Warm both paths (models, caches, connection pools) before measuring.
        run(40, 2, webhook("5550", 10))
        run(40, 2, bare("warm", 10))
        rows = []
        for index, c in enumerate(args.c):
            prefix = f"555{index + 1}"
            # Alternate the order so neither path always runs on a warmer machine.
            first, second = ("webhook", "bare") if index % 2 == 0 else ("bare", "webhook")
            results = {}
            for which in (first, second):
                send = webhook(prefix, phones) if which == "webhook" else bare(prefix, phones)
                name = "signed webhook (app)" if which == "webhook" else "bare Rasa"
                results[which] = run(args.n, c, send, name)
            rows.append((c, results["webhook"], results["bare"]))
        print(f"\nn={args.n} texts per run, {TURNS_PER_PHONE} turns per phone, same model\n")
        print(table(rows))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
