"""Share links: plain URLs to each network's own share page. No scripts, no tracking pixels."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ShareLink:
    network: str
    label: str
    url: str


def share_links(*, url: str, title: str) -> list[ShareLink]:
    text = f"{title} {url}"
    return [
        ShareLink(
            "email",
            str(_("Email")),
            f"mailto:?{urlencode({'subject': title, 'body': url}, quote_via=quote)}",
        ),
        ShareLink("x", "X", f"https://x.com/intent/post?{urlencode({'text': title, 'url': url})}"),
        ShareLink(
            "facebook",
            "Facebook",
            f"https://www.facebook.com/sharer/sharer.php?{urlencode({'u': url})}",
        ),
        ShareLink("whatsapp", "WhatsApp", f"https://wa.me/?{urlencode({'text': text})}"),
        ShareLink(
            "telegram",
            "Telegram",
            f"https://t.me/share/url?{urlencode({'url': url, 'text': title})}",
        ),
        # Mastodon has no single host: our own page asks for the visitor's server.
        ShareLink(
            "mastodon",
            "Mastodon",
            f"{reverse('campaigns:share-mastodon')}?{urlencode({'text': text})}",
        ),
    ]


_HOST_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
# Names only, ending in a top-level domain: no IP literals, ports or user info.
MASTODON_HOST_RE = re.compile(rf"^(?:{_HOST_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})$")
# What people paste: a server, its address, or a handle or profile on it.
_HANDLE_RE = re.compile(r"^@[a-z0-9_]{1,64}@(?P<host>[^@/]+)$")
_ADDRESS_RE = re.compile(r"^https://(?P<host>[^@/:?#]+)(?:/|/@[a-z0-9_]{1,64}/?)?$")


def mastodon_host(instance: str) -> str | None:
    """The server's host name from what a visitor typed, or None if it does not look like one.

    Accepted: `mastodon.social`, `https://mastodon.social/`, `@ana@mastodon.social`,
    `https://mastodon.social/@ana`. Anything with another path, a port, user info,
    an IP address or an unknown scheme is refused, so this page can never be made
    to send a visitor somewhere else."""
    value = instance.strip().lower()
    for pattern in (_HANDLE_RE, _ADDRESS_RE):
        if match := pattern.fullmatch(value):
            value = match["host"]
            break
    if len(value) > 253 or not MASTODON_HOST_RE.fullmatch(value):
        return None
    return value


def mastodon_share_url(*, instance: str, text: str) -> str | None:
    """The share page on the visitor's own Mastodon server, or None for a bad host name."""
    host = mastodon_host(instance)
    if host is None:
        return None
    return f"https://{host}/share?{urlencode({'text': text})}"
