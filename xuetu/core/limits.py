"""Counting requests in a time window (rate limits), in the cache every limit shares."""

from __future__ import annotations

from django.core.cache import cache


def count_in_window(key: str, seconds: int) -> int:
    """One more under `key` within the window that the first one opened; the count so far,
    this one included (a window that expired in between starts again at 1)."""
    if cache.add(key, 1, seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, seconds)
        return 1
