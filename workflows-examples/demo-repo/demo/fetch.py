"""``demo fetch``: read a URL, with retries."""

from __future__ import annotations

import os
import time
import urllib.request


def fetch(url: str, retries: int = 0) -> bytes:
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.read()
        except OSError:
            if attempt == retries:
                raise
            time.sleep(2 ** attempt)
    raise AssertionError("unreachable")
