"""A small thread-safe LRU cache, for what one index generation computes again and again.

>>> cache = Lru(2)
>>> cache.get("a", lambda: 1), cache.get("a", lambda: 2), len(cache)
(1, 1, 1)
"""

import threading
from collections import OrderedDict


class Lru:
    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def get(self, key, compute):
        """The value for `key`, computed by `compute()` the first time."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        # Computed outside the lock: two threads may compute the same value, harmlessly.
        value = compute()
        with self._lock:
            self._items[key] = value
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return value
