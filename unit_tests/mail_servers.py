"""Real servers on loopback for the delivery tests (and the drain benchmark): an SMTP sink (aiosmtpd)
and a fake GOV.UK Notify that speaks its v2 API and checks the client's JWT with the key's secret."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.refuse_with:
            return self.sink.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            self.sink.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An aiosmtpd server collecting every message; stop() and start() simulate an outage."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.received: list[email.message.EmailMessage] = []
        self.refuse_with: str | None = None  # e.g. "451 4.3.0 try later" or "550 5.1.1 no such user"
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> SmtpSink:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def references(self) -> list[str]:
        with self.lock:
            return [m["X-Redress-Reference"] for m in self.received]

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"redress_test-{SERVICE_ID}-{SECRET}"


@dataclass
class FakeNotify:
    """Notify's POST /v2/notifications/{email,sms,letter}. Queue answers in `script` to fail on purpose."""

    received: list[dict] = field(default_factory=list)
    script: deque = field(default_factory=deque)  # (status, headers, body) to answer with, in turn
    port: int = 0

    def _app(self, environ, start_response):
        request = Request(environ)
        response = self._answer(request)
        return response(environ, start_response)

    def _answer(self, request: Request) -> Response:
        kind = request.path.rsplit("/", 1)[-1]
        if request.method != "POST" or request.path not in {f"/v2/notifications/{k}" for k in ("email", "sms", "letter")}:
            return Response("{}", 404, content_type="application/json")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            assert get_token_issuer(token) == SERVICE_ID
            decode_jwt_token(token, SECRET)
        except Exception:  # noqa: BLE001 - any bad token is Notify's 403
            return _json(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
        if self.script:
            status, headers, body = self.script.popleft()
            return _json(status, body, headers)
        payload = json.loads(request.get_data(as_text=True))
        payload["kind"] = kind
        self.received.append(payload)
        return _json(201, {"id": f"notify-{len(self.received)}", "reference": payload.get("reference"),
                           "content": {}, "template": {"id": payload["template_id"]}})

    def __enter__(self) -> FakeNotify:
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _json(status: int, body, headers: dict | None = None) -> Response:
    return Response(json.dumps(body), status, headers=headers or {}, content_type="application/json")
