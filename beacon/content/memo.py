"""Per-process memory of small reads that every public page needs, valid for one page-cache generation.

The generation (beacon.content.cache) changes in the same transaction as anything public pages show, so a value
remembered for generation G is exactly what the database would say for as long as G is current. When the
generation moves on, everything remembered is dropped. This is not the page cache: it keeps no pages, only the
site, the live campaign week, the news filters and the like, and it stays on when the page cache is off.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Hashable
from typing import Any

# Set by the page cache middleware for the length of a request (None outside a request: nothing is remembered).
generation_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("beacon_generation", default=None)
_lock = threading.Lock()
_state: dict[str, Any] = {"generation": None, "values": {}}
MAX_VALUES = 2000


def remember(key: Hashable, compute: Callable[[], Any]) -> Any:
    """compute(), or the value it gave earlier in this generation. Outside a request it just computes."""
    generation = generation_var.get()
    if generation is None:
        return compute()
    with _lock:
        if _state["generation"] != generation:
            _state["generation"] = generation
            _state["values"] = {}
        values = _state["values"]
        if key in values:
            return values[key]
    value = compute()
    with _lock:
        if _state["generation"] == generation and len(values) < MAX_VALUES:
            values[key] = value
    return value


def forget() -> None:
    with _lock:
        _state["generation"] = None
        _state["values"] = {}
