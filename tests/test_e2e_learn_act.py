"""End to end under act: the scheduled learn job saves a model to the Actions cache and the
next plan run restores it and decides an issue the shipped model abstains on (issue #23).

The cache is the stand-in of act_support/standins/cache: entries scoped by the ref that
saved them; a run reads its own ref's and the default branch's, never another ref's.
"""

from __future__ import annotations

import gzip
import json
import shutil
import time
from pathlib import Path

import pytest

from foreman.classifier.model import save
from foreman.classifier.train import train
from foreman.config.models import ClassifierConfig
from foreman.routing.classifier import Classifier
from tests.fakes.github.server import FakeGitHub
from tests.support.act.events import issue_event, repository
from tests.support.act.harness import ActRunner, ConsumerRepo, act_copy, mirror_into, prebuild_venv
from tests.support.learn import NEW_BUG, earlier_model, seed_opening_labels

pytestmark = [pytest.mark.act, pytest.mark.timeout(900)]

GITHUB_TOKEN = "ghs_e2eLearnFakeTokenQQ7k2Qw7Lm4Xp8Rt6Vb3Nc5Hd1Jf0"
LEARN_CRON = "41 4 * * 0"  # minimal.yml's learn-schedule
CONFIG = "version: 1\nrouting:\n  fallback: triage\n"


@pytest.fixture(scope="module")
def act_runner(tmp_path_factory: pytest.TempPathFactory) -> ActRunner:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path_factory.mktemp("act-learn")
    action = act_copy(work / "action")
    tool_cache = work / "tool-cache"
    return ActRunner(work, action, tool_cache, uv_env=prebuild_venv(action, tool_cache))


def _poison(cache: Path, ref: str) -> None:
    """A newer cache entry saved in a pull request's scope: a model that calls the new bug a
    question, as a PR whose workflow saved its own model would."""
    rows = [(title, body, "question") for title, body in [NEW_BUG] * 8]
    rows += [(f"add an option for {i}", "It would be nice.", "feature") for i in range(8)]
    model = train(rows, epochs=4, threshold=0.0)
    model.meta.update({"repository": "octo/demo", "learned_at": "2099-01-01T00:00:00Z"})
    entry = cache / ref.replace("/", "+") / "foreman-model-999-1"
    (entry / "data").mkdir(parents=True)
    save(model, entry / "data" / "model.json.gz")
    (entry / "created").write_text(str(time.time_ns() + 10**12))


def test_the_learn_job_saves_a_model_the_next_plan_decides_with(
    act_runner: ActRunner, tmp_path: Path, fake_github: FakeGitHub
) -> None:
    consumer = ConsumerRepo.create(tmp_path / "demo", {"README.md": "# demo\n"}, config=CONFIG)
    fake_github.add_token(GITHUB_TOKEN, "write")
    mirror_into(fake_github, consumer)
    seed_opening_labels(fake_github, "octo/demo", 210)  # each filed with a label
    cache = tmp_path / "actions-cache"
    env = {
        "GITHUB_API_URL": fake_github.url,
        "FOREMAN_GITHUB_THROTTLE": "0",
        "ACT_STANDIN_CACHE": str(cache),
    }
    secrets = {"GITHUB_TOKEN": GITHUB_TOKEN}
    # Last month's model in the default branch's cache: the learn job restores it and scores
    # it on the 28 issues opened since (2025-07-02 to 07-29) before it fits the new one.
    earlier = cache / "refs+heads+main" / "foreman-model-earlier"
    (earlier / "data").mkdir(parents=True)
    earlier_model(earlier / "data" / "model.json.gz", "octo/demo", "2025-07-01T12:00:00Z")
    (earlier / "created").write_text(str(time.time_ns() - 10**12))

    learn = act_runner.run(
        consumer,
        "schedule",
        {"schedule": LEARN_CRON, "repository": repository()},
        scratch=tmp_path / "learn",
        env=env,
        secrets=secrets,
        timeout=800,
    )
    jobs = learn.job_results()
    assert learn.returncode == 0 and jobs.get("learn") == "succeeded", learn.tail()
    assert "plan" not in jobs  # the learn run does nothing else
    (entry,) = [e for e in (cache / "refs+heads+main").iterdir() if e != earlier]
    model_file = entry / "data" / "model.json.gz"
    meta = json.loads(gzip.decompress(model_file.read_bytes()))["meta"]
    assert meta["repository"] == "octo/demo" and meta["own_rows"] == 210
    summary = learn.summaries()
    assert "| shipped (before) |" in summary and "| this repository's (after) |" in summary
    assert "The model learned on 2025-07-01, on the 28 issues opened since" in summary
    # The labels the newest 200 were opened with, read from their events through the action:
    # bugs' held, features' did not (every other question was filed as one).
    opening = meta["opening_labels"]
    assert opening["checked"] == 200
    bug, feature = opening["classes"]["bug"], opening["classes"]["feature"]
    assert bug["came"] == bug["held"] >= 20 and feature["held"] < 0.9 * feature["came"]
    assert "- bug: held on" in summary and "the plan routes issues opened with it" in summary

    title, body = NEW_BUG
    # The shipped model is unsure of the class, and of the worker too (the plan asks both).
    shipped = Classifier.load().predict(title, body, classes=ClassifierConfig().classes)
    assert shipped.label is None and shipped.worker is None
    _poison(cache, "refs/pull/7/merge")  # newer, but another ref's: never restored
    number = fake_github.add_issue("octo/demo", title, body, user="octo")
    plan_run = act_runner.run(
        consumer,
        "issues",
        issue_event(number, title, body),
        scratch=tmp_path / "plan",
        env=env,
        secrets=secrets,
        timeout=600,
    )
    assert plan_run.job_results().get("plan") == "succeeded", plan_run.tail()
    plan = plan_run.plan()
    task = plan["tasks"][0]
    assert task["layer"] == "classifier" and task["worker"] == "debug", plan
    assert task["reason"].startswith("classified as bug"), task["reason"]
    assert "by the model learned for octo/demo on " in task["reason"]
    assert "from 210 issues" in task["reason"]
    assert plan["rest_calls"] == 0
