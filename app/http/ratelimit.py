"""Per-caller request rate limits, so one caller cannot exhaust the service.

Who a caller is decides its bucket, and that is known only after authentication:

- an authenticated caller (an agency key, the administrator) has one bucket per key, taken
  from in ``app.agencies.dependencies.get_caller`` — however the header is spelled;
- an anonymous request has one bucket per client address, taken before routing
  (``app.http.edge``);
- a request whose token fails authentication takes from a much smaller bucket of its client
  address: made-up tokens cost a database lookup each, so they are throttled first.

The client address is the peer's, or — only when the peer is one of the configured trusted
proxies (``DISCLOSURE_TRUSTED_PROXIES``) — the right-most address of ``X-Forwarded-For`` that
is not a trusted proxy: anyone can write that header, only a proxy we run may be believed.

Buckets live in the process by default (with N replicas a caller gets at most N× the limit),
or in Redis when ``DISCLOSURE_RATE_LIMIT_STORAGE=redis://…`` is set, shared by every replica
and worker (a fixed one-minute window of the ``limits`` library).
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Protocol

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from starlette.types import Scope

from app.errors import TooManyRequests

MAX_TRACKED_CALLERS = 50_000
# Operations endpoints are polled by orchestrators and scrapers; never throttle them.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
KEY_PREFIX = "disclosure-rate"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class Limiter(Protocol):
    blocking: bool

    def take(self, caller: str) -> float:
        """Take one request; 0 when allowed, else the seconds until one is."""
        ...


class TokenBuckets:
    """In-process token buckets, bounded in number without letting newcomers evict the
    throttled: only a full (idle) bucket is ever forgotten, and when every tracked bucket is
    in use a new caller is refused until one is."""

    blocking = False

    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst or per_minute)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()  # get_caller runs in the thread pool for agency keys

    def take(self, caller: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        with self._lock:
            known = self._buckets.pop(caller, None)
            full = known is None and len(self._buckets) >= MAX_TRACKED_CALLERS
            if full and not self._forget_an_idle_bucket(now):
                return 60.0  # every bucket is in use: newcomers wait
            tokens, updated = known or (self.capacity, now)
            tokens = min(self.capacity, tokens + (now - updated) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[caller] = (tokens, now)
            return wait

    def _forget_an_idle_bucket(self, now: float) -> bool:
        # The least recently seen first; a few looks are enough, the oldest are the idle ones.
        for caller, (tokens, updated) in list(self._buckets.items())[:16]:
            if tokens + (now - updated) * self.rate >= self.capacity:
                del self._buckets[caller]
                return True
        return False


class SharedWindows:
    """Fixed one-minute windows in a shared store (Redis): the limit holds across replicas."""

    blocking = True  # a network round trip: not on the event loop

    def __init__(self, uri: str, per_minute: int, namespace: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))
        self._item = RateLimitItemPerMinute(per_minute)
        self._namespace = namespace

    def take(self, caller: str) -> float:
        if self._limiter.hit(self._item, KEY_PREFIX, self._namespace, caller):
            return 0.0
        reset = self._limiter.get_window_stats(self._item, KEY_PREFIX, self._namespace, caller)
        return max(1.0, reset.reset_time - time.time())


class RateLimits:
    """The buckets of one app: callers, and failed authentications per address."""

    def __init__(
        self,
        *,
        per_minute: int,
        failed_auth_per_minute: int,
        storage: str | None,
        trusted_proxies: Iterable[Network],
    ) -> None:
        self.trusted_proxies = tuple(trusted_proxies)
        self.callers = self._limiter(storage, per_minute, "callers")
        self.failures = self._limiter(storage, failed_auth_per_minute, "failed-auth")

    @staticmethod
    def _limiter(storage: str | None, per_minute: int, namespace: str) -> Limiter:
        if storage:
            return SharedWindows(storage, per_minute, namespace)
        return TokenBuckets(per_minute)

    def check_caller(self, caller: str) -> None:
        _refuse_if_waiting(self.callers.take(caller))

    def check_failed_authentication(self, scope: Scope) -> None:
        _refuse_if_waiting(self.failures.take(self.client_address(scope)))

    def client_address(self, scope: Scope) -> str:
        peer = scope.get("client")
        address = peer[0] if peer else "unknown"
        if not self._trusted(address):
            return address
        forwarded = _header(scope, b"x-forwarded-for") or ""
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if not self._trusted(hop):
                return hop
        return address

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


def _refuse_if_waiting(wait: float) -> None:
    if wait > 0:
        raise TooManyRequests(retry_after_seconds=max(1, math.ceil(wait)))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None
