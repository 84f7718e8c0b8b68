"""A small thread-safe LRU cache, for what one index generation computes again and again.

Its size is a count of items, or of whatever `weight` measures (bytes, say).

>>> cache = Lru(2)
>>> cache.get("a", lambda: 1), cache.get("a", lambda: 2), len(cache)
(1, 1, 1)
>>> sized = Lru(5, weight=len)
>>> sized.get("a", lambda: "abc"), sized.get("b", lambda: "xyz"), sized.keys()
('abc', 'xyz', ['b'])
"""

import threading
from collections import OrderedDict


class Lru:
    def __init__(self, size: int, weight=None):
        self.size = size
        self._weight = weight or (lambda value: 1)
        self._held = 0
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def keys(self) -> list:
        """Oldest first."""
        with self._lock:
            return list(self._items)

    def get(self, key, compute):
        """The value for `key`, computed by `compute()` the first time."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        # Computed outside the lock: two threads may compute the same value, harmlessly.
        value = compute()
        with self._lock:
            if key in self._items:
                self._held -= self._weight(self._items[key])
            self._items[key] = value
            self._held += self._weight(value)
            while self._held > self.size and len(self._items) > 1:  # the newest always stays
                self._held -= self._weight(self._items.popitem(last=False)[1])
        return value
