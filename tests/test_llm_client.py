"""foreman.llm against FakeAnthropic, through the real SDK (scenarios L01-L08)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Literal

import anthropic
import pytest
from anthropic import beta_tool
from pydantic import BaseModel

from foreman import actions
from foreman.config.models import LLMConfig
from foreman.errors import ExitCode, LLMBudgetError, LLMError
from foreman.llm import (
    PromptTooLongError,
    TokenUsage,
    llm_errors,
    make_client,
    parse_structured,
    stream_text,
)
from foreman.llm.provider import LLMAccess
from foreman.settings import Settings
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_anthropic import FakeAnthropic


class Route(BaseModel):
    worker: Literal["triage", "docs", "debug"]
    confidence: float


@pytest.fixture
def client(fake_anthropic: FakeAnthropic) -> Iterator[anthropic.Anthropic]:
    made = make_client(api_key=fake_anthropic.api_key, base_url=fake_anthropic.url)
    yield made
    made.close()


def route(client: anthropic.Anthropic) -> tuple[Route, TokenUsage]:
    return parse_structured(
        client,
        model="claude-haiku-4-5",
        system="Route the issue to one worker.",
        user="Docs typo in README",
        output_type=Route,
        max_tokens=200,
    )


def assert_key_hidden(error: BaseException, fake: FakeAnthropic) -> None:
    assert fake.api_key not in str(error)
    assert fake.api_key not in repr(error.args)


# -- client construction ----------------------------------------------------------------------


def test_importing_foreman_llm_does_not_import_anthropic():
    code = "import sys, foreman.llm; print('anthropic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_key_is_an_llm_error_not_a_type_error(key):
    with pytest.raises(LLMError, match="no Anthropic API key"):
        make_client(api_key=key)


def test_key_and_base_url_from_environment(fake_anthropic, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", fake_anthropic.api_key)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_anthropic.url)
    fake_anthropic.script(steps.json_reply({"worker": "docs", "confidence": 0.8}))
    access = LLMAccess(LLMConfig(), Settings.from_env().llm.provider_env)
    client = access.client()
    try:
        assert route(client)[0].worker == "docs"
    finally:
        client.close()
    assert fake_anthropic.api_key in actions.known_secrets({})


# -- structured output (L06) --------------------------------------------------------------------


def test_parse_structured_round_trip_with_cached_system_prompt(fake_anthropic, client):
    usage = steps.FakeUsage(input_tokens=12, output_tokens=8, cache_creation_input_tokens=300)
    fake_anthropic.script(steps.json_reply({"worker": "docs", "confidence": 0.9}, usage=usage))

    answer, used = route(client)

    assert answer == Route(worker="docs", confidence=0.9)
    assert used == TokenUsage(
        requests=1, input_tokens=12, output_tokens=8, cache_creation_input_tokens=300
    )
    body = fake_anthropic.requests[0].body
    assert body["system"] == [
        {
            "type": "text",
            "text": "Route the issue to one worker.",
            "cache_control": {"type": "ephemeral"},
        }
    ]
    assert body["output_config"]["format"]["type"] == "json_schema"
    assert body["output_config"]["format"]["schema"]["properties"]["worker"]["enum"] == [
        "triage",
        "docs",
        "debug",
    ]
    assert body["messages"] == [{"role": "user", "content": "Docs typo in README"}]


def test_parse_structured_without_cache(fake_anthropic, client):
    fake_anthropic.script(steps.json_reply({"worker": "triage", "confidence": 0.2}))
    parse_structured(
        client,
        model="m",
        system="s",
        user="u",
        output_type=Route,
        max_tokens=10,
        cache_system=False,
    )
    assert "cache_control" not in fake_anthropic.requests[0].body["system"][0]


@pytest.mark.parametrize(
    "reply",
    [
        pytest.param(steps.text("Sure! The worker is docs."), id="not-json"),
        pytest.param(steps.json_reply({"worker": "deploy", "confidence": 1}), id="unknown-worker"),
        pytest.param(steps.json_reply({"confidence": 0.5}), id="missing-field"),
        pytest.param(steps.text('{"worker": "do', stop_reason="max_tokens"), id="truncated"),
        pytest.param(
            steps.Raw(
                {
                    "id": "msg_raw",
                    "type": "message",
                    "role": "assistant",
                    "model": "m",
                    "content": [{"type": "text", "text": "[1, 2]"}],
                    "stop_reason": "end_turn",
                    "usage": {"input_tokens": 1, "output_tokens": 1},
                }
            ),
            id="raw-wrong-shape",
        ),
    ],
)
def test_L06_invalid_structured_output_is_rejected_without_retry(fake_anthropic, client, reply):
    fake_anthropic.script(reply)
    with pytest.raises(LLMError, match="invalid structured output for Route") as info:
        route(client)
    assert type(info.value) is LLMError
    assert fake_anthropic.count == 1


def test_L06_refusal_is_rejected(fake_anthropic, client):
    fake_anthropic.script(steps.text("I can't help with that.", stop_reason="refusal"))
    with pytest.raises(LLMError, match="invalid structured output"):
        route(client)


# -- transient failures and retry bounds (L01, L02, L07) ----------------------------------------


def test_L01_overloaded_on_every_attempt_gives_up_after_the_retries(fake_anthropic, client):
    fake_anthropic.script(*[steps.overloaded() for _ in range(3)], steps.text("never reached"))
    with pytest.raises(LLMError, match="529 overloaded_error") as info:
        route(client)
    assert type(info.value) is LLMError
    assert info.value.exit_code == ExitCode.LLM
    assert "after 3 attempts" in str(info.value)
    assert fake_anthropic.statuses() == [529, 529, 529]
    assert fake_anthropic.remaining == 1
    assert_key_hidden(info.value, fake_anthropic)


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_L07_attempts_per_call_are_max_retries_plus_one(fake_anthropic, max_retries):
    faults = [steps.server_error(), steps.overloaded(), steps.rate_limited()] * 3
    fake_anthropic.script(*faults)
    client = make_client(
        api_key=fake_anthropic.api_key, base_url=fake_anthropic.url, max_retries=max_retries
    )
    try:
        with pytest.raises(LLMError):
            route(client)
    finally:
        client.close()
    assert fake_anthropic.count == max_retries + 1


def test_L02_short_retry_after_is_waited_for(fake_anthropic, client):
    fake_anthropic.script(
        steps.rate_limited(retry_after_ms=5), steps.json_reply({"worker": "debug", "confidence": 1})
    )
    assert route(client)[0].worker == "debug"
    assert fake_anthropic.statuses() == [429, 200]


@pytest.mark.parametrize(
    "fault",
    [
        steps.rate_limited(retry_after_ms=None, retry_after="3600"),
        steps.rate_limited(retry_after_ms=7_200_000),
        steps.overloaded(retry_after_ms=None, retry_after="Wed, 21 Oct 2099 07:28:00 GMT"),
    ],
    ids=["retry-after-seconds", "retry-after-ms", "retry-after-date"],
)
def test_L02_retry_after_beyond_the_budget_fails_clearly_at_once(fake_anthropic, client, fault):
    fake_anthropic.script(fault, steps.text("never reached"))
    with pytest.raises(LLMError, match=r"more than the 60s wait budget") as info:
        route(client)
    assert fake_anthropic.count == 1
    assert_key_hidden(info.value, fake_anthropic)


def test_L02_server_forbidding_retry_is_not_reported_as_a_wait(fake_anthropic, client):
    fault = steps.Fault(
        429, "rate_limit_error", "slow down", {"retry-after": "3600", "x-should-retry": "false"}
    )
    fake_anthropic.script(fault)
    with pytest.raises(LLMError, match="429 rate_limit_error: slow down"):
        route(client)
    assert fake_anthropic.count == 1


# -- non-transient failures (L03, L08, auth) ----------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        steps.spend_limit(),
        steps.Fault(429, "rate_limit_error", "You have reached your specified API usage limits."),
        steps.Fault(429, "rate_limit_error", "Extra usage is required for long context requests."),
        steps.credit_exhausted(),
        steps.Fault(402, "billing_error", "There is an issue with your payment method."),
    ],
    ids=["429-error-code", "429-usage-limit", "429-extra-usage", "400-credit", "402-billing"],
)
def test_L03_spend_limit_is_a_budget_error_without_retry(fake_anthropic, client, fault):
    fake_anthropic.script(fault, steps.text("never reached"))
    with pytest.raises(LLMBudgetError) as info:
        route(client)
    assert info.value.exit_code == ExitCode.LIMIT
    assert fake_anthropic.count == 1
    assert_key_hidden(info.value, fake_anthropic)


def test_L03_without_the_guard_the_sdk_would_retry_a_spend_limit(fake_anthropic):
    """Why RetryGuard exists: to the bare SDK a spend-limit 429 is just another 429."""
    fake_anthropic.script(*[steps.spend_limit() for _ in range(3)])
    bare = anthropic.Anthropic(api_key=fake_anthropic.api_key, base_url=fake_anthropic.url)
    try:
        with pytest.raises(anthropic.RateLimitError):
            bare.messages.create(
                model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}]
            )
    finally:
        bare.close()
    assert fake_anthropic.count == 3


def test_L03_spend_limit_stops_a_tool_runner_too(fake_anthropic, client):
    @beta_tool
    def noop() -> str:
        """Do nothing."""
        return "ok"

    fake_anthropic.script(steps.spend_limit())
    runner = client.beta.messages.tool_runner(
        model="m", max_tokens=10, tools=[noop], messages=[{"role": "user", "content": "go"}]
    )
    with pytest.raises(LLMBudgetError), llm_errors():
        runner.until_done()
    assert fake_anthropic.count == 1


@pytest.mark.parametrize(
    "fault", [steps.prompt_too_long(), steps.request_too_large()], ids=["400", "413"]
)
def test_L08_oversized_prompt_is_flagged_and_not_retried(fake_anthropic, client, fault):
    fake_anthropic.script(fault, steps.text("never reached"))
    with pytest.raises(PromptTooLongError) as info:
        route(client)
    assert isinstance(info.value, LLMError)
    assert fake_anthropic.count == 1


def test_bad_key_fails_fast_without_showing_it(fake_anthropic):
    client = make_client(api_key="sk-ant-not-the-right-key-123456", base_url=fake_anthropic.url)
    try:
        with pytest.raises(LLMError, match="rejected the API key") as info:
            route(client)
    finally:
        client.close()
    assert "sk-ant-not-the-right-key-123456" not in str(info.value)
    assert fake_anthropic.count == 1


def test_L05_slow_answer_past_the_timeout_is_an_llm_error(fake_anthropic):
    fake_anthropic.script(steps.Delay(30, steps.text("late")))
    client = make_client(
        api_key=fake_anthropic.api_key, base_url=fake_anthropic.url, timeout=0.2, max_retries=0
    )
    try:
        with pytest.raises(LLMError, match="timed out"):
            route(client)
    finally:
        client.close()


# -- streaming (L04) ----------------------------------------------------------------------------


def test_stream_text_round_trip(fake_anthropic, client):
    fake_anthropic.script(steps.text("A complete streamed answer."))
    text, used = stream_text(client, model="m", system="s", user="u", max_tokens=50)
    assert text == "A complete streamed answer."
    assert used.requests == 1
    assert fake_anthropic.requests[0].streamed


def test_L04_error_event_after_200_fails_and_discards_partial_text(fake_anthropic, client):
    fake_anthropic.script(steps.StreamError(deltas=("PARTIAL-", "SECRET-PLAN ")))
    with pytest.raises(LLMError, match="stream failed mid-answer") as info:
        stream_text(client, model="m", system="s", user="u", max_tokens=50)
    assert "PARTIAL" not in str(info.value)
    assert "overloaded_error" in str(info.value)
    assert fake_anthropic.count == 1


# -- helpers ------------------------------------------------------------------------------------


def test_llm_errors_leaves_bugs_alone():
    with pytest.raises(KeyError), llm_errors():
        raise KeyError("a bug keeps its own type")


def test_usage_accumulates():
    total = TokenUsage()
    total.add(TokenUsage(requests=1, input_tokens=10, output_tokens=2, cache_read_input_tokens=5))
    total.add(
        TokenUsage(requests=1, input_tokens=1, output_tokens=1, cache_creation_input_tokens=7)
    )
    assert total == TokenUsage(
        requests=2,
        input_tokens=11,
        output_tokens=3,
        cache_read_input_tokens=5,
        cache_creation_input_tokens=7,
    )
    assert total.total_input_tokens == 23
