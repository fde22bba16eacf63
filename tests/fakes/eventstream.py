"""The AWS event-stream framing Bedrock's ``invoke-with-response-stream`` answers in.

A message is a prelude (total length, headers length, CRC32 of those 8 bytes), the
headers (name length, name, type 7 = string, value length, value), the payload and a
CRC32 of everything before it; all integers big-endian.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any


def _headers(headers: dict[str, str]) -> bytes:
    out = b""
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        out += struct.pack(">B", len(raw_name)) + raw_name
        out += struct.pack(">BH", 7, len(raw_value)) + raw_value
    return out


def frame(headers: dict[str, str], payload: bytes) -> bytes:
    head = _headers(headers)
    total = 12 + len(head) + len(payload) + 4
    prelude = struct.pack(">II", total, len(head))
    prelude += struct.pack(">I", zlib.crc32(prelude) & 0xFFFFFFFF)
    body = prelude + head + payload
    return body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def chunk(event: dict[str, Any]) -> bytes:
    """One Messages stream event as Bedrock sends it: base64 JSON inside a ``chunk``."""
    payload = {"bytes": base64.b64encode(json.dumps(event).encode()).decode(), "p": "abcd"}
    return frame(
        {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"},
        json.dumps(payload).encode(),
    )


def exception(kind: str, message: str) -> bytes:
    """A mid-stream error frame (``internalServerException``, ``throttlingException``, ...)."""
    return frame(
        {
            ":exception-type": kind,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        json.dumps({"message": message}).encode(),
    )


def sse_to_frames(data: bytes) -> tuple[bytes, bytes]:
    """Complete SSE events in ``data`` as frames, and the incomplete rest."""
    out = b""
    while b"\n\n" in data:
        event, data = data.split(b"\n\n", 1)
        fields = dict(line.split(": ", 1) for line in event.decode().splitlines() if ": " in line)
        body = json.loads(fields.get("data", "{}"))
        if fields.get("event") == "error":
            error = body.get("error", {})
            out += exception("internalServerException", str(error.get("message", "error")))
        else:
            out += chunk(body)
    return out, data
