"""FakeAnthropic driven by the real anthropic SDK (no foreman code involved)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import anthropic
import pytest
from anthropic import beta_tool
from pydantic import BaseModel

from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic

USER = [{"role": "user", "content": "hi"}]


@pytest.fixture
def sdk(fake_anthropic: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    client = anthropic.Anthropic(api_key=fake_anthropic.api_key, base_url=fake_anthropic.url)
    yield client
    client.close()


def _post(fake: FakeAnthropic, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{fake.url}/v1/messages",
        data=json.dumps(body or {"model": "m", "max_tokens": 5, "messages": USER}).encode(),
        headers={"content-type": "application/json", "anthropic-version": "2023-06-01", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # loopback only
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.loads(err.read())


def test_create_round_trip_logs_request_without_key(fake_anthropic, sdk):
    usage = steps.FakeUsage(input_tokens=7, output_tokens=3, cache_read_input_tokens=100)
    fake_anthropic.script(steps.text("hello there", usage=usage))

    message = sdk.messages.create(model="claude-x", max_tokens=50, messages=USER)

    assert message.content[0].text == "hello there"
    assert message.stop_reason == "end_turn"
    assert message.model == "claude-x"
    assert (message.usage.input_tokens, message.usage.output_tokens) == (7, 3)
    assert message.usage.cache_read_input_tokens == 100
    [request] = fake_anthropic.requests
    assert (request.path, request.status, request.step) == ("/v1/messages", 200, "Reply")
    assert request.body["messages"] == USER
    assert "authorization" not in request.headers and "x-api-key" not in request.headers
    assert fake_anthropic.api_key not in json.dumps(request.headers)
    assert fake_anthropic.remaining == 0


def test_stream_round_trip_sends_the_real_event_sequence(fake_anthropic, sdk):
    fake_anthropic.script(steps.text("a streamed answer of some length"), steps.text("again"))

    with sdk.messages.stream(model="m", max_tokens=50, messages=USER) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "a streamed answer of some length"
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens == 10

    raw = sdk.messages.create(model="m", max_tokens=50, messages=USER, stream=True)
    kinds = [event.type for event in raw]
    assert kinds[0] == "message_start"
    assert kinds[1:3] == ["content_block_start", "content_block_delta"]
    assert kinds[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert all(r.streamed for r in fake_anthropic.requests)


def test_streamed_tool_use_arrives_as_input_json_deltas(fake_anthropic, sdk):
    fake_anthropic.script(steps.tool_use(("lookup", {"query": "a fairly long query string"})))
    with sdk.messages.stream(model="m", max_tokens=50, messages=USER) as stream:
        final = stream.get_final_message()
    [block] = final.content
    assert block.type == "tool_use"
    assert block.input == {"query": "a fairly long query string"}
    assert final.stop_reason == "tool_use"


class Verdict(BaseModel):
    label: str
    confidence: float


def test_parse_round_trip_sends_output_config_json_schema(fake_anthropic, sdk):
    fake_anthropic.script(steps.json_reply({"label": "bug", "confidence": 0.9}))

    message = sdk.messages.parse(model="m", max_tokens=50, messages=USER, output_format=Verdict)

    assert message.parsed_output == Verdict(label="bug", confidence=0.9)
    body = fake_anthropic.requests[0].body
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert body["output_config"]["format"]["schema"]["required"] == ["label", "confidence"]
    assert "output_format" not in body


def test_tool_runner_runs_tools_and_sends_results_back(fake_anthropic, sdk):
    ran: list[tuple[str, Any]] = []

    @beta_tool
    def read_file(path: str) -> str:
        """Read a file of the repository.

        Args:
            path: path relative to the repository root
        """
        ran.append(("read_file", path))
        return f"contents of {path}"

    @beta_tool
    def count_lines(text: str) -> str:
        """Count lines."""
        ran.append(("count_lines", text))
        return str(text.count("\n") + 1)

    seen: dict[str, Any] = {}

    def after_tool(body: dict[str, Any]) -> steps.Step:
        seen["body"] = body
        return steps.text("README.md looks fine")

    fake_anthropic.script(steps.tool_use(("read_file", {"path": "README.md"})), after_tool)

    runner = sdk.beta.messages.tool_runner(
        model="m",
        max_tokens=100,
        system="You review files.",
        tools=[read_file, count_lines],
        messages=[{"role": "user", "content": "check README.md"}],
        max_iterations=5,
    )
    final = runner.until_done()

    assert ran == [("read_file", "README.md")]
    assert final.content[0].text == "README.md looks fine"
    first, second = fake_anthropic.requests
    assert {t["name"] for t in first.body["tools"]} == {"read_file", "count_lines"}
    tool_use_id = second.conversation[1]["content"][0]["id"]
    [result] = seen["body"]["messages"][-1]["content"]
    assert result == {
        "type": "tool_result",
        "tool_use_id": tool_use_id,
        "content": "contents of README.md",
    }
    # the SDK threads by default: turn 2 only sends the new message; the fake keeps the rest
    assert second.body["thread"]["type"] == "continue"
    assert [m["role"] for m in second.conversation] == ["user", "assistant", "user"]


def test_tool_runner_falls_back_to_full_history_without_threads():
    @beta_tool
    def ping() -> str:
        """Ping."""
        return "pong"

    with FakeAnthropic(threads=False) as fake:
        client = anthropic.Anthropic(api_key=fake.api_key, base_url=fake.url)
        fake.script(steps.tool_use(("ping", {})), steps.text("done"))
        final = client.beta.messages.tool_runner(
            model="m", max_tokens=10, tools=[ping], messages=USER
        ).until_done()
        client.close()
    assert final.content[0].text == "done"
    assert fake.statuses() == [400, 200, 200]  # thread refused once, then full history
    assert not fake.errors
    assert len(fake.requests[-1].body["messages"]) == 3


def test_tool_runner_replays_history_when_the_thread_is_lost(fake_anthropic, sdk):
    @beta_tool
    def forget() -> str:
        """Make the server lose its threads."""
        fake_anthropic.forget_threads()
        return "forgotten"

    fake_anthropic.script(steps.tool_use(("forget", {})), steps.text("done"))
    final = sdk.beta.messages.tool_runner(
        model="m", max_tokens=10, tools=[forget], messages=USER
    ).until_done()
    assert final.content[0].text == "done"
    assert fake_anthropic.statuses() == [200, 404, 200]
    assert fake_anthropic.requests[-1].body["thread"] == {"type": "create"}
    assert len(fake_anthropic.requests[-1].body["messages"]) == 3


def test_tool_runner_max_iterations_stops_quietly(fake_anthropic, sdk):
    @beta_tool
    def ping() -> str:
        """Ping."""
        return "pong"

    fake_anthropic.script(steps.tool_use(("ping", {})), steps.tool_use(("ping", {})))
    runner = sdk.beta.messages.tool_runner(
        model="m", max_tokens=10, tools=[ping], messages=USER, max_iterations=1
    )
    last = runner.until_done()
    assert last.stop_reason == "tool_use"  # no exception: the caller must check
    assert fake_anthropic.count == 1


def test_fault_is_retried_by_the_sdk_then_succeeds(fake_anthropic, sdk):
    fake_anthropic.script(steps.overloaded(), steps.text("ok"))
    assert sdk.messages.create(model="m", max_tokens=5, messages=USER).content[0].text == "ok"
    assert fake_anthropic.statuses() == [529, 200]
    assert [r.headers["x-stainless-retry-count"] for r in fake_anthropic.requests] == ["0", "1"]


def test_error_body_has_anthropic_shape(fake_anthropic):
    fake_anthropic.script(steps.spend_limit())
    status, body = _post(fake_anthropic, {"x-api-key": fake_anthropic.api_key})
    assert status == 429
    assert body["type"] == "error"
    assert body["error"]["type"] == "rate_limit_error"
    assert body["error"]["details"] == {"error_code": "enforced_spend_limit_reached"}
    assert body["request_id"].startswith("req_")


def test_x_api_key_and_bearer_are_both_accepted(fake_anthropic):
    fake_anthropic.script(steps.text("one"), steps.text("two"))
    assert _post(fake_anthropic, {"x-api-key": fake_anthropic.api_key})[0] == 200
    bearer = {"authorization": f"Bearer {fake_anthropic.api_key}"}
    assert _post(fake_anthropic, bearer)[0] == 200


def test_wrong_key_gets_401_and_consumes_no_step(fake_anthropic):
    fake_anthropic.script(steps.text("unused"))
    client = anthropic.Anthropic(api_key="sk-ant-wrong-key-0000000000", base_url=fake_anthropic.url)
    with pytest.raises(anthropic.AuthenticationError) as info:
        client.messages.create(model="m", max_tokens=5, messages=USER)
    client.close()
    assert info.value.body["error"]["type"] == "authentication_error"
    assert _post(fake_anthropic, {})[0] == 401
    assert fake_anthropic.statuses() == [401, 401]
    assert fake_anthropic.remaining == 1


def test_exhausted_script_fails_loudly_once(fake_anthropic, sdk):
    with pytest.raises(anthropic.InternalServerError, match="FakeAnthropic script exhausted"):
        sdk.messages.create(model="m", max_tokens=5, messages=USER)
    assert fake_anthropic.count == 1
    assert fake_anthropic.exhausted_hits == 1


def test_raw_step_is_sent_verbatim(fake_anthropic, sdk):
    fake_anthropic.script(
        steps.Raw({"weird": True}, status=418, headers={"x-should-retry": "false"})
    )
    with pytest.raises(anthropic.APIStatusError) as info:
        sdk.messages.create(model="m", max_tokens=5, messages=USER)
    assert info.value.status_code == 418
    assert info.value.body == {"weird": True}


def test_stream_error_event_after_200_raises(fake_anthropic, sdk):
    fake_anthropic.script(steps.StreamError(deltas=("half ", "an ")))
    received: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError, match="Overloaded"),
        sdk.messages.stream(model="m", max_tokens=5, messages=USER) as stream,
    ):
        received.extend(stream.text_stream)
    assert received == ["half ", "an "]
    assert fake_anthropic.count == 1  # a broken stream is not retried


def test_delay_past_the_client_timeout(fake_anthropic):
    fake_anthropic.script(steps.Delay(30, steps.text("too late")))
    client = anthropic.Anthropic(
        api_key=fake_anthropic.api_key, base_url=fake_anthropic.url, timeout=0.2, max_retries=0
    )
    with pytest.raises(anthropic.APITimeoutError):
        client.messages.create(model="m", max_tokens=5, messages=USER)
    client.close()


def test_requests_are_served_in_parallel(fake_anthropic):
    barrier = threading.Barrier(2, timeout=5)

    def meet(_body: dict[str, Any]) -> steps.Step:
        barrier.wait()  # a single-threaded server would never get here twice
        return steps.text("met")

    fake_anthropic.script(meet, meet)
    results: list[int] = []
    workers = [
        threading.Thread(
            target=lambda: results.append(
                _post(fake_anthropic, {"x-api-key": fake_anthropic.api_key})[0]
            )
        )
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert results == [200, 200]


def test_count_tokens_does_not_consume_the_script(fake_anthropic, sdk):
    fake_anthropic.script(steps.text("kept"))
    counted = sdk.messages.count_tokens(model="m", messages=USER)
    assert counted.input_tokens > 0
    assert fake_anthropic.remaining == 1


def test_base_url_from_environment(fake_anthropic, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake_anthropic.api_key)
    fake_anthropic.script(steps.text("via env"))
    client = anthropic.Anthropic()
    assert (
        client.messages.create(model="m", max_tokens=5, messages=USER).content[0].text == "via env"
    )
    client.close()
