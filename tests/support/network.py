"""What the tests' network guards allow: loopback and local sockets only."""

from __future__ import annotations

import ipaddress
from typing import Any


def is_loopback(address: Any) -> bool:
    """``address`` as given to ``socket.connect``: an AF_UNIX path, or a host on this machine."""
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
