"""Requests as a browser sends them to our public forms."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from altcha import solve_challenge_v1
from django.test import Client

from solidaria.core.web.altcha_check import altcha_challenge
from solidaria.core.web.formguard import form_token
from solidaria.events.models import DayOfAction, Event
from solidaria.events.services import event_propose
from solidaria.petitions.models import Petition

# Our own site, as the test client calls it: the Origin a browser sends from our pages.
ORIGIN = "http://testserver"


def post_form(
    client: Client,
    path: str,
    data: Mapping[str, Any],
    *,
    origin: str = ORIGIN,
    ip: str = "127.0.0.1",
) -> Any:
    """POSTs `data` urlencoded, as browsers send a form (which is what the
    signing fast lane takes), from `origin` and the client address `ip`."""
    return client.post(
        path,
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN=origin,
        REMOTE_ADDR=ip,
    )


def signing_fields(petition: Petition, **fields: Any) -> dict[str, Any]:
    """A valid signature of `petition`, as its form sends it; `fields` replace or add."""
    return {
        "name": "Ana María Gómez",
        "email": "ana@example.org",
        "country": "AR",
        "form_token": form_token(f"sign:{petition.pk}"),
        **fields,
    }


def action_proposed(
    day: DayOfAction, *, starts: datetime, host_name: str, host_email: str
) -> Event:
    """A supporter's local action in Berlin for `day`, proposed as the form does."""
    event, _token = event_propose(
        day=day,
        title="Frente a la embajada",
        description="Nos juntamos.",
        venue="Plaza",
        address="Calle 1",
        city="Berlin",
        country="DE",
        latitude=None,
        longitude=None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        zone_name="Europe/Berlin",
        host_name=host_name,
        host_email=host_email,
        language="es",
    )
    return event


def solved_proof() -> str:
    """What our script in the browser sends with a public form: a solved, fresh
    proof-of-work challenge."""
    challenge = altcha_challenge()
    solution = solve_challenge_v1(
        challenge["challenge"], challenge["salt"], challenge["algorithm"], challenge["maxNumber"]
    )
    fields = {k: challenge[k] for k in ("algorithm", "challenge", "salt", "signature")}
    return base64.b64encode(json.dumps({**fields, "number": solution.number}).encode()).decode()
