from __future__ import annotations

import socket

import pytest


def test_non_loopback_connection_is_refused() -> None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(RuntimeError, match="only loopback"):
            s.connect(("93.184.216.34", 443))
    finally:
        s.close()


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(10)
    client = socket.socket()
    try:
        client.connect(server.getsockname())
        accepted, peer = server.accept()  # the connection really reached the listener
        accepted.close()
        assert peer == client.getsockname()
    finally:
        client.close()
        server.close()
