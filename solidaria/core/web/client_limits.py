"""How often one connection did something lately, for public forms' rate limits.

Counted in the shared cache only, by the keyed hash of the client's address
(`pii.ip_hash`), per scope ("contact", "join"…): nothing about the connection is
stored with what it sent. Two counts per scope: everything, and what came
without a solved proof of work (a browser without JavaScript, or a bot that
skips it), which is held to a lower limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache

from solidaria.core.privacy import pii


@dataclass(frozen=True)
class ClientLimit:
    scope: str
    most: int  # in the window, from one connection
    most_without_proof: int  # of those, without a solved proof of work
    window: timedelta

    def _keys(self, ip: str) -> tuple[str, str]:
        client = pii.ip_hash(ip)
        return f"{self.scope}-client:{client}", f"{self.scope}-client-no-proof:{client}"

    def reached(self, ip: str, *, proof_solved: bool) -> bool:
        """Whether one more from this connection would be over the limit."""
        if not ip:
            return False
        every, without_proof = self._keys(ip)
        return (cache.get(every) or 0) >= self.most or (
            not proof_solved and (cache.get(without_proof) or 0) >= self.most_without_proof
        )

    def count(self, ip: str, *, proof_solved: bool) -> None:
        """One more from this connection; the window starts with the first."""
        if not ip:
            return
        seconds = int(self.window.total_seconds())
        for key in self._keys(ip)[: 1 if proof_solved else 2]:
            cache.add(key, 0, seconds)
            try:
                cache.incr(key)
            except ValueError:  # expired in between: this one starts a new window
                cache.set(key, 1, seconds)
