"""Turn a :class:`~tests.fakes.anthropic_steps.Reply` into Messages API JSON and SSE events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .anthropic_steps import FakeUsage, Reply


def content_blocks(reply: Reply, new_id: Any) -> list[dict[str, Any]]:
    """The reply's content; ``new_id(prefix)`` makes ``toolu_…`` ids."""
    blocks: list[dict[str, Any]] = []
    if reply.text is not None:
        blocks.append({"type": "text", "text": reply.text})
    for call in reply.tool_calls:
        blocks.append(
            {
                "type": "tool_use",
                "id": new_id("toolu"),
                "name": call.name,
                "input": dict(call.input),
            }
        )
    return blocks


def message_json(
    *, message_id: str, model: str, content: list[dict[str, Any]], reply: Reply, usage: FakeUsage
) -> dict[str, Any]:
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": reply.effective_stop_reason,
        "stop_sequence": None,
        "usage": usage.as_json(),
    }


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


def _chunks(value: str, size: int = 8) -> list[str]:
    return [value[i : i + size] for i in range(0, len(value), size)] or [""]


def message_start(message: dict[str, Any]) -> bytes:
    """``message_start`` carries the message with empty content and no stop reason yet."""
    usage = dict(message["usage"])
    usage["output_tokens"] = 1
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}
    return sse("message_start", {"type": "message_start", "message": start})


def text_block_events(index: int, deltas: list[str]) -> Iterator[bytes]:
    yield sse(
        "content_block_start",
        {
            "type": "content_block_start",
            "index": index,
            "content_block": {"type": "text", "text": ""},
        },
    )
    for delta in deltas:
        yield sse(
            "content_block_delta",
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": delta},
            },
        )


def stream_events(message: dict[str, Any]) -> Iterator[bytes]:
    """The full event sequence of a streamed reply, as the API sends it."""
    yield message_start(message)
    yield sse("ping", {"type": "ping"})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            yield from text_block_events(index, _chunks(block["text"]))
        else:
            start = {**block, "input": {}}
            yield sse(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": start},
            )
            for part in _chunks(json.dumps(block["input"])):
                yield sse(
                    "content_block_delta",
                    {
                        "type": "content_block_delta",
                        "index": index,
                        "delta": {"type": "input_json_delta", "partial_json": part},
                    },
                )
        yield sse("content_block_stop", {"type": "content_block_stop", "index": index})
    yield sse(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": message["usage"]["output_tokens"]},
        },
    )
    yield sse("message_stop", {"type": "message_stop"})


def assistant_param(content: list[dict[str, Any]]) -> dict[str, Any]:
    """The reply as the next request would carry it in ``messages``."""
    return {"role": "assistant", "content": content}
