"""HTTP stand-ins at the process boundary, for unit tests (e2e tests use the real engine).

FakeEngine answers like Rasa's REST channel (structured payloads) and tracker API;
TwilioRecorder records what the Twilio REST client sends.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())


@dataclass
class _Server:
    requests: list[Recorded] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def respond(self, request: Recorded) -> tuple[int, Any]:
        raise NotImplementedError

    def start(self) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parsed = urlparse(self.path)
                recorded = Recorded(
                    self.command,
                    parsed.path,
                    parse_qs(parsed.query),
                    self.rfile.read(length),
                    dict(self.headers),
                )
                outer.requests.append(recorded)
                status, payload = outer.respond(recorded)
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test): nothing to answer

            do_GET = do_POST = do_PUT = _handle  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class FakeEngine(_Server):
    # Response names ({"say": name}) or whole payloads ({"do": "hand_off"}), in order.
    replies: list[Any] = field(default_factory=lambda: ["utter_about"])
    delay: float = 0.0
    status_code: int = 200
    # HTTP statuses the next messages get before the engine answers normally again.
    fail_next: list[int] = field(default_factory=list)

    def respond(self, request: Recorded) -> tuple[int, Any]:
        if request.path == "/status":
            return 200, {"model_id": "test", "model_file": "hotline.tar.gz"}
        if request.path == "/health":
            return 200, {"status": "ok"}
        if request.path.startswith("/conversations/"):
            return 200, {"events": []}
        time.sleep(self.delay)
        if self.fail_next:
            return self.fail_next.pop(0), {"error": "replica unavailable"}
        sender = request.json()["sender"]
        payloads = [r if isinstance(r, dict) else {"say": r} for r in self.replies]
        return self.status_code, [{"recipient_id": sender, "custom": p} for p in payloads]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return [r.json() for r in self.requests if r.path == "/webhooks/rest/webhook"]


@dataclass
class TwilioRecorder(_Server):
    """Twilio's Messages API as far as we use it: create, and list (to check for a copy).

    ``failures`` says what the next creates do, in order, then they succeed again:
    an int is an HTTP error status (``(400, 21610)``: status and Twilio error code);
    ``"hang"`` creates the message but answers only after ``hang_seconds`` (a timeout that hid
    a success); ``"hang-fail"`` hangs and creates nothing.
    """

    failures: list[Any] = field(default_factory=list)
    hang_seconds: float = 3.0
    created: list[dict[str, Any]] = field(default_factory=list)

    def respond(self, request: Recorded) -> tuple[int, Any]:
        if request.method == "GET" and request.path.endswith("/Messages.json"):
            to = request.query.get("To", [None])[0]
            held = [m for m in reversed(self.created) if to is None or m["to"] == to]
            return 200, {"messages": held, "page": 0, "page_size": 50, "next_page_uri": None}
        form = request.form()
        failure = self.failures.pop(0) if self.failures else None
        if isinstance(failure, int):
            failure = (failure, 20500 if failure >= 500 else 21211)
        if isinstance(failure, tuple):
            status, code = failure
            return status, {"code": code, "message": "recorder failure", "status": status}
        if failure == "hang-fail":
            time.sleep(self.hang_seconds)
            return 500, {"code": 20500, "message": "too late", "status": 500}
        message = {
            "sid": f"SMfeed{len(self.created) + 1:028x}",
            "status": "queued",
            "to": form.get("To", [""])[0],
            "from": form.get("From", [""])[0],
            "body": form.get("Body", [""])[0],
            "account_sid": "AC" + "0" * 32,
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        }
        self.created.append(message)
        if failure == "hang":
            time.sleep(self.hang_seconds)  # created, but the answer comes too late
        return 201, message

    @property
    def creates(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]


def english(response: str, emergency_number: str = "911") -> str:
    """A bot response's English words, as the app renders them."""
    from webhooks.wording import BOT_RESPONSES

    return BOT_RESPONSES[response].format(emergency_number=emergency_number)


@dataclass
class HttpRecorder(_Server):
    """Any JSON webhook receiver (the on-call supervisor's): records, answers 200."""

    def respond(self, request: Recorded) -> tuple[int, Any]:
        return 200, {"ok": True}


@dataclass
class SmtpRecorder:
    """A tiny SMTP server (enough of RFC 5321 for smtplib) that keeps every message it gets."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    server: Any = None

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        import socketserver

        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write((line + "\r\n").encode())

            def handle(self) -> None:
                self.reply("220 recorder ready")
                sender, recipients = "", []
                while True:
                    line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
                    if not line:
                        return
                    verb = line.split(" ", 1)[0].upper()
                    if verb in ("EHLO", "HELO"):
                        self.reply("250 recorder")
                    elif verb == "MAIL":
                        sender, recipients = line.split(":", 1)[1].strip(" <>"), []
                        self.reply("250 ok")
                    elif verb == "RCPT":
                        recipients.append(line.split(":", 1)[1].strip(" <>"))
                        self.reply("250 ok")
                    elif verb == "DATA":
                        self.reply("354 end with .")
                        lines = []
                        while (data := self.rfile.readline().decode()) not in (".\r\n", ""):
                            lines.append(data[1:] if data.startswith("..") else data)
                        outer.messages.append(
                            {"from": sender, "to": recipients, "data": "".join(lines)}
                        )
                        self.reply("250 queued")
                    elif verb == "QUIT":
                        self.reply("221 bye")
                        return
                    else:
                        self.reply("250 ok")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
