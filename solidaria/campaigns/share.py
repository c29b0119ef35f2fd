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
MASTODON_HOST_RE = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})+$")


def mastodon_share_url(*, instance: str, text: str) -> str | None:
    """The share page on the visitor's own Mastodon server, or None for a bad host name."""
    host = instance.strip().lower().removeprefix("https://").removeprefix("@").split("/")[0]
    if "@" in host:
        host = host.rsplit("@", 1)[1]
    if not MASTODON_HOST_RE.match(host):
        return None
    return f"https://{host}/share?{urlencode({'text': text})}"
