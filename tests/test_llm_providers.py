"""Claude through Amazon Bedrock, Google Vertex AI and Microsoft Foundry (llm.provider).

The SDK's own clients (AnthropicBedrock, AnthropicVertex, AnthropicFoundry) talk over
HTTP to FakeAnthropic behind a cloud front (tests/fakes/cloud_server.py) that checks
what the service checks: a SigV4 signature recomputed from the request (Bedrock), the
bearer token and project/location path (Vertex), the api key (Foundry). Through each:
a routing call (structured output), an agent worker (the tool runner, streamed), a
review (the worker's and the gate's), and faults.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import unquote

import anthropic  # noqa: F401  (imported up front: its import time is not the worker's budget)
import pytest

from foreman.cli import main
from tests.fakes import anthropic_steps as steps
from tests.fakes.fake_cloud import CLOUDS
from tests.support.sample_repos import LINT_FILES, bundle, calc_repo, make_repo, run_work

EVENTS = Path(__file__).resolve().parents[1] / "workflows-examples" / "events"
BRIEF = "add(2, 3) returns -1 instead of 5. Reproduce with `python run_tests.py`."
APPROVE = steps.json_reply({"verdict": "approve", "reasons": ["minimal, tested fix"]})
# The model ids each provider is asked for (haiku: the router; sonnet-4-6: agents, reviewer).
ROUTER_ID = {
    "bedrock": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "vertex": "claude-haiku-4-5@20251001",
    "foundry": "claude-haiku-4-5",
}
AGENT_ID = {
    "bedrock": "global.anthropic.claude-sonnet-4-6",
    "vertex": "claude-sonnet-4-6",
    "foundry": "claude-sonnet-4-6",
}


@pytest.fixture(params=sorted(CLOUDS))
def cloud(request: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    fake = CLOUDS[request.param]().start()
    for name, value in fake.env().items():  # type: ignore[attr-defined]
        monkeypatch.setenv(name, value)
    fake.provider = request.param  # type: ignore[attr-defined]
    try:
        yield fake
    finally:
        fake.stop()
    assert not fake.errors, f"fake script errors: {fake.errors}"


def _config(provider: str, extra: str = "") -> str:
    return f"version: 1\nllm:\n  provider: {provider}\n{extra}"


def _where(req: Any) -> str:
    return unquote(req.cloud_path)


def answer(worker: str) -> dict[str, Any]:
    return {"tasks": [{"worker": worker, "focus": "do it", "confidence": 0.9, "reason": "r"}]}


def plan(root: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    code = main(["plan", "--event", str(EVENTS / "issue-bug.json"), "--root", str(root)])
    out = capsys.readouterr().out
    assert code == 0, out
    return json.loads(out)


def _plan_repo(tmp_path: Path, provider: str) -> Path:
    routing = "routing:\n  classifier: {enabled: false}\n  llm: {max_retries: 2}\n"
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(_config(provider) + routing)
    return tmp_path


def test_a_routing_call_through_each_provider(
    tmp_path: Path, cloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.script(steps.json_reply(answer("debug")))
    p = plan(_plan_repo(tmp_path, cloud.provider), capsys)
    assert [(t["worker"], t["layer"]) for t in p["tasks"]] == [("debug", "llm")]
    (req,) = cloud.message_requests
    assert req.status == 200 and req.auth
    assert req.body["model"] == ROUTER_ID[cloud.provider]
    assert req.body["output_config"]["format"]["type"] == "json_schema"  # messages.parse
    if cloud.provider == "bedrock":
        assert _where(req) == f"/model/{ROUTER_ID['bedrock']}/invoke" and req.auth == "sigv4"
    if cloud.provider == "vertex":
        assert _where(req) == (
            "/v1/projects/foreman-fake-1/locations/us-east5/publishers/anthropic/models/"
            "claude-haiku-4-5@20251001:rawPredict"
        )


def test_throttling_then_an_answer_through_each_provider(
    tmp_path: Path, cloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.script(steps.rate_limited(), steps.json_reply(answer("debug")))
    p = plan(_plan_repo(tmp_path, cloud.provider), capsys)
    assert [t["worker"] for t in p["tasks"]] == ["debug"]
    assert cloud.statuses() == [429, 200]


def test_server_errors_on_every_attempt_end_in_triage(
    tmp_path: Path, cloud: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud.script(*[steps.server_error()] * 3)
    p = plan(_plan_repo(tmp_path, cloud.provider), capsys)
    assert [t["worker"] for t in p["tasks"]] == ["triage"]
    assert cloud.statuses() == [500, 500, 500]  # max_retries: 2, so three attempts


def test_an_agent_worker_and_its_review_through_each_provider(tmp_path: Path, cloud: Any) -> None:
    repo = calc_repo(tmp_path / "repo")
    config = repo / ".github" / "foreman.yml"
    config.write_text(_config(cloud.provider) + config.read_text().replace("version: 1\n", ""))
    cloud.script(
        steps.tool_use(("read_file", {"path": "calc.py"}), text="Reading the code."),
        steps.tool_use(
            ("edit_file", {"path": "calc.py", "old_text": "a - b", "new_text": "a + b"})
        ),
        steps.tool_use(("run_command", {"command": "python run_tests.py"})),
        steps.text("add() subtracted; it now adds."),
        APPROVE,
    )
    assert run_work({"id": "d1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "proposed", result.reason
    assert "+    return a + b" in patch
    assert [(t.before, t.after) for t in result.tests] == [("fail", "pass")]
    assert result.review is not None and result.review.verdict == "approve"
    requests = cloud.message_requests
    assert len(requests) == 5 and all(r.status == 200 for r in requests)
    assert {r.body["model"] for r in requests} == {AGENT_ID[cloud.provider]}
    agent, review = requests[:4], requests[4]
    assert all(r.streamed for r in agent) and "tool_result" in json.dumps(agent[1].conversation)
    assert "tools" not in review.body and "+    return a + b" in json.dumps(review.body)
    if cloud.provider == "bedrock":
        assert _where(agent[0]).endswith("/invoke-with-response-stream")
    if cloud.provider == "vertex":
        assert _where(agent[0]).endswith(":streamRawPredict")


def test_an_error_mid_stream_fails_the_worker(tmp_path: Path, cloud: Any) -> None:
    repo = calc_repo(tmp_path / "repo")
    config = repo / ".github" / "foreman.yml"
    config.write_text(_config(cloud.provider) + config.read_text().replace("version: 1\n", ""))
    cloud.script(steps.StreamError(deltas=("Looking",), error_type="overloaded_error"))
    assert run_work({"id": "d1", "worker": "debug", "brief": BRIEF}, repo, tmp_path / "out") == 0
    result, patch = bundle(tmp_path / "out")
    assert result.verdict == "failed" and patch == ""


def test_the_gates_reviewer_through_each_provider(cloud: Any) -> None:
    import os

    from foreman.config.load import parse_config
    from foreman.gate.reviewer import make_reviewer

    config = parse_config(_config(cloud.provider), "foreman.yml")
    review = make_reviewer(config, dict(os.environ))
    cloud.script(steps.json_reply({"verdict": "request_changes", "reasons": ["no test"]}))
    b = SimpleNamespace(task=SimpleNamespace(brief="Fix it."), patch="--- a/x\n+++ b/x\n+y\n")
    verdict, why = review(b)  # type: ignore[arg-type]
    assert why == "" and verdict is not None and verdict.verdict == "request_changes"
    (req,) = cloud.message_requests
    assert req.body["model"] == AGENT_ID[cloud.provider] and not req.streamed


def test_a_lint_fix_review_through_each_provider(tmp_path: Path, cloud: Any) -> None:
    config = _config(cloud.provider, "workers:\n  lint-fix:\n    review: true\n")
    repo = make_repo(tmp_path / "repo", {**LINT_FILES, ".github/foreman.yml": config})
    cloud.script(APPROVE)
    task = {"id": "t1", "worker": "lint-fix", "brief": "Fix the lint errors."}
    assert run_work(task, repo, tmp_path / "out") == 0
    result, _ = bundle(tmp_path / "out")
    assert result.review is not None and result.review.verdict == "approve"


def test_the_bedrock_front_refuses_a_request_signed_with_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fake checks the signature itself: a test passing through it proves SigV4 worked."""
    fake = CLOUDS["bedrock"]().start()
    try:
        for name, value in fake.env().items():  # type: ignore[attr-defined]
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-key-at-all-0000000000")
        fake.script(steps.json_reply(answer("debug")))
        p = plan(_plan_repo(tmp_path, "bedrock"), capsys)
        assert [t["worker"] for t in p["tasks"]] == ["triage"]
        assert [(r.status, r.step) for r in fake.requests] == [(403, "auth")]
        assert fake.remaining == 1  # the script never answered
    finally:
        fake.stop()


def test_validate_names_a_model_the_provider_does_not_have(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config("vertex", "workers:\n  debug:\n    model: claude-nonesuch-9\n")
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "foreman.yml").write_text(config)
    assert main(["validate", "--root", str(tmp_path)]) == 3
    err = capsys.readouterr().err
    assert "foreman.yml:6: model 'claude-nonesuch-9' is not known for llm.provider vertex" in err
    assert "llm.models" in err and "Traceback" not in err
    known = "  provider: vertex\n  models: {claude-nonesuch-9: claude-nonesuch-9@20270101}\n"
    (tmp_path / ".github" / "foreman.yml").write_text(config.replace("  provider: vertex\n", known))
    assert main(["validate", "--root", str(tmp_path)]) == 0


@pytest.mark.parametrize(
    ("provider", "model", "profile", "expected"),
    [
        (
            "bedrock",
            "claude-sonnet-4-5",
            "global",
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ),
        ("bedrock", "claude-opus-4-6", None, "anthropic.claude-opus-4-6-v1"),
        (
            "bedrock",
            "claude-haiku-4-5-20251001",
            "eu",
            "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
        ),
        ("bedrock", "us.anthropic.claude-x-v1:0", "global", "us.anthropic.claude-x-v1:0"),
        ("vertex", "claude-sonnet-4-5", None, "claude-sonnet-4-5@20250929"),
        ("vertex", "claude-sonnet-4-6", None, "claude-sonnet-4-6"),
        ("vertex", "claude-x@20270101", None, "claude-x@20270101"),
        ("anthropic", "claude-anything", None, "claude-anything"),
        ("foundry", "my-deployment", None, "my-deployment"),
    ],
)
def test_model_ids_per_provider(
    provider: str, model: str, profile: str | None, expected: str
) -> None:
    from foreman.config.model_ids import provider_model

    assert provider_model(provider, model, overrides={}, bedrock_profile=profile) == expected


def test_a_missing_extra_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    from foreman.config.models import LLMConfig
    from foreman.errors import LLMError
    from foreman.llm.provider import LLMAccess

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "botocore" else real(name, *a)
    )
    env = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLEEXAMPLE12", "AWS_SECRET_ACCESS_KEY": "s" * 40,
           "AWS_REGION": "us-west-2"}  # fmt: skip
    access = LLMAccess(LLMConfig(provider="bedrock"), env)
    assert access.available
    with pytest.raises(LLMError, match=r"install agent-foreman\[bedrock\]"):
        access.client()


@pytest.mark.parametrize(
    ("provider", "env", "why"),
    [
        ("bedrock", {"AWS_ACCESS_KEY_ID": "AKIA1", "AWS_SECRET_ACCESS_KEY": "x"}, "region"),
        ("bedrock", {"AWS_REGION": "us-east-1"}, "no AWS credentials"),
        ("vertex", {"CLOUD_ML_REGION": "us-east5", "GOOGLE_OAUTH_ACCESS_TOKEN": "t"}, "project"),
        ("vertex", {"CLOUD_ML_REGION": "global", "GCLOUD_PROJECT": "p-12345"}, "credentials"),
        ("foundry", {"ANTHROPIC_FOUNDRY_API_KEY": "k"}, "resource"),
        ("anthropic", {"AWS_SECRET_ACCESS_KEY": "x"}, "no Anthropic API key"),
    ],
)
def test_what_is_missing_is_said(provider: str, env: dict[str, str], why: str) -> None:
    from foreman.config.models import LLMConfig
    from foreman.llm.provider import LLMAccess

    missing = LLMAccess(LLMConfig(provider=provider), env).missing()  # type: ignore[arg-type]
    assert missing is not None and why in missing
