"""HTTP stand-ins at the process boundary, for unit tests (e2e tests use the real engine).

FakeEngine answers like Rasa's REST channel (structured payloads) and tracker API;
TwilioRecorder records what the Twilio REST client sends.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
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
                body = b"" if status == 204 else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    if status != 204:
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test): nothing to answer

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815

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


_MESSAGE = re.compile(
    r"/Accounts/(?P<account>\w+)/Messages(/(?P<sid>\w+))?(?P<media>/Media)?(/(?P<media_sid>\w+))?\.json$"
)


@dataclass
class TwilioRecorder(_Server):
    """Twilio's Messages and Media REST resources, recorded: create, list, fetch, delete.

    ``messages`` holds what Twilio would keep (sid → {"to", "from", "body", "media": [sids]});
    tests add the texter's inbound messages to it. ``refuse_deletes`` answers that many
    DELETEs as Twilio does for a message still being sent. ``failures`` says what the next
    creates do, in order, then they succeed again: an int is an HTTP error status (``(400,
    21610)``: status and Twilio error code); ``"hang"`` creates the message but answers only
    after ``hang_seconds`` (a timeout that hid a success); ``"hang-fail"`` hangs and creates
    nothing.
    """

    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    refuse_deletes: int = 0
    failures: list[Any] = field(default_factory=list)
    hang_seconds: float = 3.0
    created: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sid: str, to: str, from_: str, media: int = 0) -> None:
        media_sids = [f"ME{sid[2:]}{i}"[:34] for i in range(media)]
        self.messages[sid] = {"to": to, "from": from_, "body": "", "media": media_sids}

    def held_for(self, number: str) -> list[str]:
        return [sid for sid, m in self.messages.items() if number in (m["to"], m["from"])]

    @property
    def deletes(self) -> list[str]:
        return [r.path for r in self.requests if r.method == "DELETE"]

    @property
    def creates(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST"]

    def _resource(self, sid: str, message: dict[str, Any]) -> dict[str, Any]:
        return {
            "sid": sid,
            "to": message["to"],
            "from": message["from"],
            "body": message.get("body", ""),
            "status": message.get("status", "delivered"),
            "date_created": message.get("date_created"),
            "account_sid": "AC" + "0" * 32,
        }

    def _create(self, request: Recorded) -> tuple[int, Any]:
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
        sid = "SM" + uuid.uuid4().hex
        message = {
            "to": form.get("To", [""])[0],
            "from": form.get("From", [""])[0],
            "body": form.get("Body", [""])[0],
            "media": [],
            "status": "queued",
            "date_created": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        }
        with self.lock:
            self.messages[sid] = message
            resource = self._resource(sid, message)
            self.created.append(resource)
        if failure == "hang":
            time.sleep(self.hang_seconds)  # created, but the answer comes too late
        return 201, resource

    def respond(self, request: Recorded) -> tuple[int, Any]:
        found = _MESSAGE.search(request.path)
        if found is None:
            return 404, {"code": 20404, "message": "not found", "status": 404}
        sid, media, media_sid = found["sid"], found["media"], found["media_sid"]
        if request.method == "POST" and sid is None:
            return self._create(request)
        with self.lock:
            if request.method == "GET" and sid is None:
                to = request.query.get("To", [None])[0]
                from_ = request.query.get("From", [None])[0]
                listed = [
                    self._resource(s, m)
                    for s, m in reversed(list(self.messages.items()))  # newest first
                    if (to is None or m["to"] == to) and (from_ is None or m["from"] == from_)
                ]
                return 200, {"messages": listed, "next_page_uri": None, "page": 0}
            message = self.messages.get(sid or "")
            if message is None or (media_sid and media_sid not in message["media"]):
                return 404, {"code": 20404, "message": "not found", "status": 404}
            if request.method == "GET" and media and not media_sid:
                listed = [{"sid": m, "parent_sid": sid} for m in message["media"]]
                return 200, {"media_list": listed, "next_page_uri": None, "page": 0}
            if request.method == "DELETE":
                if self.refuse_deletes > 0:
                    self.refuse_deletes -= 1
                    return 409, {"code": 20009, "message": "still being sent", "status": 409}
                if media_sid:
                    message["media"].remove(media_sid)
                else:
                    del self.messages[sid]
                return 204, None
            return 200, self._resource(sid or "", message)


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
