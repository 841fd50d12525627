"""A bounded in-process cache for responses whose key names an immutable version of the data.

Safe with many replicas because nothing in it can go stale: keys are a stored revision
(revisions are never changed) or a data-derived ETag (it changes whenever the data does). A
replica that has not seen a key yet just computes it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable


class ImmutableResponseCache:
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()  # sync routes run in a thread pool
        _CACHES.append(self)

    def get_or_make(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        body = make()  # outside the lock: two threads may both make it, with the same result
        with self._lock:
            self._entries[key] = body
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_CACHES: list[ImmutableResponseCache] = []


def clear_all() -> None:
    """Forget every cached response: only for a database emptied behind the app's back (tests,
    restores), since ids may then be reused for other data."""
    for cache in _CACHES:
        cache.clear()
