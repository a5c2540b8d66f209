"""A small local stand-in for GOV.UK Notify's v2 API: checks the HS256 JWT the official client signs, stores
what it receives, and serves statuses the test sets. Only what Attend calls is implemented."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"attend_test-{SERVICE_ID}-{SECRET}"


class FakeNotify:
    def __init__(self):
        self.notifications: dict[str, dict] = {}
        self.requests: list[dict] = []
        self.fail_next: list[int] = []  # status codes to answer the next POSTs with (e.g. [500, 500])
        self.bad_numbers = {"07700900999"}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FakeNotify:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def set_status(self, notification_id: str, status: str) -> None:
        self.notifications[notification_id]["status"] = status

    def sent(self, kind: str) -> list[dict]:
        return [n for n in self.notifications.values() if n["type"] == kind]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, code: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization", "")
                try:
                    claims = jwt.decode(header.removeprefix("Bearer "), SECRET, algorithms=["HS256"])
                except jwt.PyJWTError as exc:
                    self._reply(
                        403, {"status_code": 403, "errors": [{"error": "AuthError", "message": str(exc)}]}
                    )
                    return False
                if claims.get("iss") != SERVICE_ID or "iat" not in claims:
                    self._reply(
                        403, {"status_code": 403, "errors": [{"error": "AuthError", "message": "bad iss"}]}
                    )
                    return False
                return True

            def do_POST(self):  # noqa: N802
                if not self._authorised():
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                kind = self.path.rsplit("/", 1)[-1]
                with fake.lock:
                    fake.requests.append({"path": self.path, "body": body})
                    if fake.fail_next:
                        code = fake.fail_next.pop(0)
                        return self._reply(
                            code, {"status_code": code, "errors": [{"error": "Error", "message": "down"}]}
                        )
                if kind == "sms" and body.get("phone_number") in fake.bad_numbers:
                    return self._reply(
                        400,
                        {
                            "status_code": 400,
                            "errors": [
                                {"error": "BadRequestError", "message": "phone_number Not a UK mobile number"}
                            ],
                        },
                    )
                if kind == "letter":
                    pdf = base64.b64decode(body["content"])
                    if not pdf.startswith(b"%PDF"):
                        return self._reply(
                            400,
                            {
                                "status_code": 400,
                                "errors": [{"error": "ValidationError", "message": "content is not a PDF"}],
                            },
                        )
                    if body.get("postage") not in ("first", "second", "economy", None):
                        return self._reply(
                            400,
                            {
                                "status_code": 400,
                                "errors": [{"error": "ValidationError", "message": "postage invalid"}],
                            },
                        )
                nid = str(uuid.uuid4())
                with fake.lock:
                    fake.notifications[nid] = {
                        "id": nid,
                        "type": kind,
                        "reference": body.get("reference"),
                        "status": "created",
                        "body": body,
                    }
                self._reply(
                    201, {"id": nid, "reference": body.get("reference"), "postage": body.get("postage")}
                )

            def do_GET(self):  # noqa: N802
                if not self._authorised():
                    return
                url = urlparse(self.path)
                if url.path == "/v2/notifications":
                    ref = parse_qs(url.query).get("reference", [None])[0]
                    found = [n for n in fake.notifications.values() if ref is None or n["reference"] == ref]
                    return self._reply(
                        200,
                        {
                            "notifications": [
                                {"id": n["id"], "status": n["status"], "reference": n["reference"]}
                                for n in found
                            ]
                        },
                    )
                nid = url.path.rsplit("/", 1)[-1]
                if nid not in fake.notifications:
                    return self._reply(
                        404,
                        {
                            "status_code": 404,
                            "errors": [{"error": "NoResultFound", "message": "No result found"}],
                        },
                    )
                n = fake.notifications[nid]
                self._reply(
                    200, {"id": nid, "status": n["status"], "reference": n["reference"], "type": n["type"]}
                )

        return Handler
