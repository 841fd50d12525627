"""A bounded in-process cache for responses whose key names an immutable version of the data.

Safe with many replicas because nothing in it can go stale: keys are a stored revision
(revisions are never changed) or a data-derived ETag (it changes whenever the data does). A
replica that has not seen a key yet just computes it once.

Bounded by bytes as well as by entries: a province's summary weighs megabytes at national
scale, so a count alone would let a few hundred of them take gigabytes.

``compressed``: bodies are kept deflated (zlib, level 1) and inflated on every hit. A section
is ~63 KB of JSON that repeats its labels and keys, ~4 KB deflated: the same budget then
holds fifteen times as many, and inflating one (~40 µs) costs a twentieth of making it again.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ImmutableResponseCache:
    def __init__(self, *, max_entries: int, max_bytes: int, compressed: bool = False) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes  # of the bodies as kept (deflated, when compressed)
        self.compressed = compressed
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()  # sync routes run in a thread pool
        _CACHES.append(self)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        body = self.get(key)
        if body is None:
            body = make()  # outside the lock: two threads may both make it, with the same result
            self.put(key, body)
        return body

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None:
                return None
            self._entries.move_to_end(key)
        return zlib.decompress(kept) if self.compressed else kept

    def put(self, key: Hashable, body: bytes) -> None:
        if self.compressed:
            body = zlib.compress(body, 1)
        if len(body) > self.max_bytes // 4:
            return  # one body must not evict most of the others
        with self._lock:
            self._bytes -= len(self._entries.pop(key, b""))
            self._entries[key] = body
            self._bytes += len(body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)  # least recently used
                self._bytes -= len(evicted)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


_CACHES: list[ImmutableResponseCache] = []


def clear_all() -> None:
    """Forget every cached response: only for a database emptied behind the app's back (tests,
    restores), since ids may then be reused for other data."""
    for cache in _CACHES:
        cache.clear()
