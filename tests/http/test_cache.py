"""The response cache keeps recent bodies within its entry and byte budgets."""

from __future__ import annotations

import zlib

from app.http.cache import ImmutableResponseCache


def test_a_cached_body_is_made_once() -> None:
    cache = ImmutableResponseCache(max_entries=4, max_bytes=1000)
    calls: list[str] = []

    def make() -> bytes:
        calls.append("made")
        return b"abc"

    for _ in range(3):
        body = cache.get_or_make("k", make)
    assert body == b"abc"
    assert calls == ["made"]
    assert (len(cache), cache.size_bytes) == (1, 3)


def test_the_least_recently_used_entry_goes_first_when_over_the_entry_budget() -> None:
    cache = ImmutableResponseCache(max_entries=2, max_bytes=1000)
    cache.get_or_make("a", lambda: b"1")
    cache.get_or_make("b", lambda: b"2")
    cache.get_or_make("a", lambda: b"never made")  # "a" is now the most recent
    cache.get_or_make("c", lambda: b"3")
    assert cache.get_or_make("a", lambda: b"remade") == b"1"
    assert cache.get_or_make("b", lambda: b"remade") == b"remade"
    assert len(cache) == 2


def test_bodies_are_evicted_until_the_byte_budget_holds() -> None:
    cache = ImmutableResponseCache(max_entries=100, max_bytes=100)
    for key in "abcd":
        cache.get_or_make(key, lambda: b"x" * 25)
    cache.get_or_make("e", lambda: b"y" * 25)
    assert (len(cache), cache.size_bytes) == (4, 100)
    assert cache.get_or_make("a", lambda: b"remade") == b"remade"  # the oldest went


def test_a_body_over_a_quarter_of_the_budget_is_served_but_not_kept() -> None:
    cache = ImmutableResponseCache(max_entries=100, max_bytes=100)
    cache.get_or_make("small", lambda: b"s" * 10)
    assert cache.get_or_make("big", lambda: b"b" * 26) == b"b" * 26
    assert (len(cache), cache.size_bytes) == (1, 10)
    assert cache.get_or_make("big", lambda: b"again") == b"again"


def test_clear_forgets_entries_and_bytes() -> None:
    cache = ImmutableResponseCache(max_entries=10, max_bytes=100)
    cache.get_or_make("a", lambda: b"12345")
    cache.clear()
    assert (len(cache), cache.size_bytes) == (0, 0)


def test_a_compressed_cache_keeps_bodies_deflated_and_gives_them_back_whole() -> None:
    cache = ImmutableResponseCache(max_entries=10, max_bytes=1000, compressed=True)
    body = b'{"label_zh":"\xe4\xba\x88\xe4\xbb\xa5\xe5\x85\xac\xe5\xbc\x80","value":0},' * 100
    assert cache.get_or_make("a", lambda: body) == body
    assert cache.get_or_make("a", lambda: b"never made") == body
    assert cache.size_bytes == len(zlib.compress(body, 1)) < len(body) // 20
    # The budget counts the deflated size: a body over a quarter of it as JSON is kept.
    assert len(body) > cache.max_bytes // 4
    assert len(cache) == 1
