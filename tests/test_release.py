"""The release workflow: its notes and version checks, and its build job under act.

The build job (.github/workflows/release.yml, job ``build``) runs offline under
act in host mode, as a maintainer's dispatch (a dry run: the Unreleased notes)
and as a tag push; the jobs that publish (attestation, release, major tag) need
GitHub and are checked statically in test_action_static.py.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from scripts import release_notes
from tests.support.act.harness import ActRunner, ConsumerRepo, copy_action, git, uv_environment

ROOT = Path(__file__).resolve().parents[1]

CHANGELOG = """# Changelog

## Unreleased

- Something new.

## 1.2.3 — 2026-12-01

- **Fix**: the thing.

## v1.2.2

- Older.
"""


def project(tmp_path: Path, version: str = "1.2.3", changelog: str = CHANGELOG) -> Path:
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\nversion = "{version}"\n')
    (tmp_path / "CHANGELOG.md").write_text(changelog)
    return tmp_path


def test_release_notes_take_the_tags_section(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert release_notes.notes("v1.2.3", root) == ("1.2.3", "- **Fix**: the thing.\n")
    assert release_notes.notes(None, root) == ("1.2.3", "- Something new.\n")
    root = project(tmp_path, version="1.2.2")
    assert release_notes.notes("v1.2.2", root) == ("1.2.2", "- Older.\n")


@pytest.mark.parametrize(
    ("tag", "version", "changelog", "message"),
    [
        ("v1.2.4", "1.2.3", CHANGELOG, "tag v1.2.4 does not match pyproject.toml's version 1.2.3"),
        ("1.2.3", "1.2.3", CHANGELOG, "release tags look like v1.2.3; got '1.2.3'"),
        ("v1.2.3-rc1", "1.2.3", CHANGELOG, "release tags look like v1.2.3"),
        ("v2.0.0", "2.0.0", CHANGELOG, "no '## 2.0.0' section"),
        ("v1.2.3", "1.2.3", "## 1.2.3\n\n## 1.2.2\n- x\n", "no '## 1.2.3' section with text"),
    ],
)
def test_release_notes_refuse_what_does_not_match(
    tmp_path: Path, tag: str, version: str, changelog: str, message: str
) -> None:
    with pytest.raises(release_notes.ReleaseError) as err:
        release_notes.notes(tag, project(tmp_path, version, changelog))
    assert message in str(err.value)


def test_release_notes_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "notes.md"
    assert release_notes.main(["--tag", "v9.9.9", "--out", str(out)]) == 2
    assert "does not match pyproject.toml's version" in capsys.readouterr().err
    assert not out.exists()


# -- the build job under act ---------------------------------------------------------------


@pytest.fixture(scope="module")
def release_repo(tmp_path_factory: pytest.TempPathFactory) -> ConsumerRepo:
    """A clone-shaped agent-foreman (the files a release builds from), as a git repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    path = copy_action(tmp_path_factory.mktemp("release") / "agent-foreman")
    shutil.copy2(ROOT / "CHANGELOG.md", path / "CHANGELOG.md")
    git(path, "init", "-q", "-b", "main")
    git(path, "remote", "add", "origin", "https://github.com/agent-foreman/agent-foreman.git")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "release")
    git(path, "tag", f"v{release_notes.project_version()}")
    return ConsumerRepo(path)


def build_job(release_repo: ConsumerRepo, tmp_path: Path, event_name: str, ref: str) -> Path:
    uv_env = uv_environment()
    runner = ActRunner(tmp_path, release_repo.path, tmp_path / "unused", uv_env=uv_env)
    event = {"ref": ref, "repository": {"full_name": "agent-foreman/agent-foreman",
                                        "default_branch": "main"}}  # fmt: skip
    if event_name == "workflow_dispatch":
        event["inputs"] = {}
    result = runner.run(
        release_repo, event_name, event, scratch=tmp_path / "run",
        env={"UV_NO_CACHE": "0"},
        args=["-W", ".github/workflows/release.yml", "-j", "build"],
        path_prefix=str(Path(uv_env["UV"]).parent),
    )  # fmt: skip
    assert result.returncode == 0, result.tail()
    assert result.job_results() == {"build": "succeeded"}, result.tail()
    return result.artifacts / "dist"


@pytest.mark.act
@pytest.mark.timeout(600)
def test_release_build_job_as_a_dry_run(release_repo: ConsumerRepo, tmp_path: Path) -> None:
    version = release_notes.project_version()
    dist = build_job(release_repo, tmp_path, "workflow_dispatch", "refs/heads/main")
    names = sorted(p.name for p in dist.iterdir() if not p.name.startswith("."))  # uv: .gitignore
    wheel = f"agent_foreman-{version}-py3-none-any.whl"
    assert names == sorted(["SHA256SUMS", f"agent_foreman-{version}.tar.gz", wheel,
                            "release-notes.md"]), names  # fmt: skip
    with zipfile.ZipFile(dist / wheel) as whl:
        assert "foreman/cli.py" in whl.namelist()
    sums = (dist / "SHA256SUMS").read_text()
    assert wheel in sums and f"agent_foreman-{version}.tar.gz" in sums
    expected = release_notes.section((ROOT / "CHANGELOG.md").read_text(), "Unreleased")
    assert (dist / "release-notes.md").read_text() == expected


@pytest.mark.act
@pytest.mark.timeout(600)
def test_release_build_job_on_the_version_tag(release_repo: ConsumerRepo, tmp_path: Path) -> None:
    version = release_notes.project_version()
    dist = build_job(release_repo, tmp_path, "push", f"refs/tags/v{version}")
    expected = release_notes.section((ROOT / "CHANGELOG.md").read_text(), version)
    assert (dist / "release-notes.md").read_text() == expected
