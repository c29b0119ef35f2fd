"""A stand-in for Stripe's API: a real HTTP server on loopback that answers with
recorded responses (by default from fundraising/stripe_responses/; an app's own
by their path) and keeps every request it received. The fund's and the buying
rounds' tests use it (`stripe_api`), and sign webhooks as Stripe does
(`signed_post`)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

RESPONSES = Path(__file__).parent / "fundraising" / "stripe_responses"
WEBHOOK_SECRET = "whsec_test_solidaria"


@dataclass
class StripeStandIn:
    base: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    # (method, path) -> (status, recorded file); the path may end in "*".
    routes: dict[tuple[str, str], tuple[int, str | Path]] = field(default_factory=dict)
    # Answers given once each, in turn, before the route's own (`answer_first`).
    firsts: dict[tuple[str, str], list[tuple[int, str | Path]]] = field(default_factory=dict)

    def answer(self, method: str, path: str, status: int, recorded: str | Path) -> None:
        """`recorded`: a file in fundraising/stripe_responses/, or any file's path."""
        self.routes[(method, path)] = (status, recorded)

    def answer_first(self, method: str, path: str, status: int, recorded: str | Path) -> None:
        """An answer for the next request to that exact path only: Stripe's state
        changing between two requests (a session paid in another tab)."""
        self.firsts.setdefault((method, path), []).append((status, recorded))

    def route(self, method: str, path: str) -> tuple[int, str | Path] | None:
        if self.firsts.get((method, path)):
            return self.firsts[(method, path)].pop(0)
        found = self.routes.get((method, path))
        if found is not None:
            return found
        for (route_method, route_path), answer in self.routes.items():
            wildcard = route_path.endswith("*")
            if route_method == method and wildcard and path.startswith(route_path[:-1]):
                return answer
        return None


def _handler(stand_in: StripeStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            form = {key: values[-1] for key, values in parse_qs(body).items()}
            stand_in.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "form": form,
                    "idempotency_key": self.headers.get("Idempotency-Key"),
                    "authorization": self.headers.get("Authorization"),
                }
            )
            route = stand_in.route(self.command, self.path.split("?")[0])
            status, recorded = route or (404, "")
            text = (RESPONSES / recorded).read_text() if recorded else '{"error": {}}'
            reference = form.get("client_reference_id", "")
            text = text.replace("{donation_id}", reference)
            text = text.replace("{client_reference_id}", reference)
            text = text.replace("{request_number}", str(len(stand_in.requests)))
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", "req_test")
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def stripe_api(settings: Any) -> Iterator[StripeStandIn]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(StripeStandIn(base="")))
    stand_in = StripeStandIn(base=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(stand_in)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_SECRET_KEY = "sk_test_solidaria"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = stand_in.base
    try:
        yield stand_in
    finally:
        server.shutdown()
        server.server_close()


def event(event_type: str, obj: dict[str, Any], event_id: str = "evt_test_1") -> dict[str, Any]:
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2025-03-31.basil",
        "created": 1764000000,
        "livemode": False,
        "type": event_type,
        "data": {"object": obj},
    }


def signed_post(
    client: Any,
    payload: dict[str, Any] | str,
    *,
    timestamp: int | None = None,
    secret: str = WEBHOOK_SECRET,
) -> Any:
    import stripe

    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=timestamp)
    return client.post(
        "/stripe/webhook/", body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
