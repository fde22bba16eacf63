"""Run a module's act cases a few at a time; each test still asserts its own case.

An act run is mostly waiting (act, bash steps, uv, python starting, the fakes), so
the runs of a module overlap well. A case is written as an ordinary test function
under ``@World.case`` (or a subclass's): its parameters are the names a
:class:`World` provides (``act_runner``, ``tmp_path``, ``fake_github``,
``fake_anthropic`` and what a module's subclass adds) or the test's own
parameters. The module's ``act_cases`` fixture (a :class:`Batch`) runs every
selected case in a thread pool when the first of them is asked for; each test
then waits for its own case and re-raises what it raised, with the case's
traceback. A case's fakes are its own, started on first use and stopped (the
Anthropic fake checked for script errors) when it ends.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.fake_anthropic import FakeAnthropic
from tests.fakes.github.fixtures import DEMO_REPO
from tests.fakes.github.server import FakeGitHub
from tests.support.act.harness import ActRunner

# Runs at once; FOREMAN_ACT_PARALLEL=1 runs them one after the other.
PARALLEL = int(os.environ.get("FOREMAN_ACT_PARALLEL") or 3)

Case = Callable[..., None]
CASES: dict[str, Case] = {}


@dataclass
class World:
    """What one case gets in place of fixtures: its own fakes and directories."""

    act_runner: ActRunner
    tmp_path: Path
    stack: ExitStack = field(default_factory=ExitStack)

    @cached_property
    def fake_github(self) -> FakeGitHub:
        fake = FakeGitHub()
        fake.add_repo(DEMO_REPO)
        fake.start()
        self.stack.callback(fake.stop)
        return fake

    @cached_property
    def fake_anthropic(self) -> FakeAnthropic:
        fake = FakeAnthropic().start()

        def stop() -> None:
            fake.stop()
            assert not fake.errors, f"FakeAnthropic script errors: {fake.errors}"

        self.stack.callback(stop)
        return fake

    @classmethod
    def case(cls, case: Case) -> Callable[..., None]:
        """Register ``case``; the test pytest runs in its place waits for its outcome."""
        CASES[case.__name__] = case
        kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
        own = [
            p
            for name, p in inspect.signature(case).parameters.items()
            if not hasattr(cls, name) and name not in cls.__dataclass_fields__
        ]

        def test(act_cases: Batch, request: pytest.FixtureRequest, **_params: Any) -> None:
            __tracebackhide__ = True
            act_cases.outcome(request.node)

        test.__name__ = test.__qualname__ = case.__name__
        test.__doc__ = case.__doc__
        test.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter("act_cases", kind), inspect.Parameter("request", kind), *own]
        )
        return test


class Batch:
    """The selected cases of one module, started together on first use."""

    def __init__(
        self,
        items: list[pytest.Item],
        world: Callable[[pytest.Item], World],
    ) -> None:
        self._items = items
        self._world = world
        self._futures: dict[str, Future[None]] = {}
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix="act-case")

    def _run(self, item: pytest.Item, world: World) -> None:
        __tracebackhide__ = True
        case = CASES[item.originalname]  # type: ignore[attr-defined]
        params = getattr(getattr(item, "callspec", None), "params", {})
        with world.stack:
            kwargs = {
                name: params[name] if name in params else getattr(world, name)
                for name in inspect.signature(case).parameters
            }
            case(**kwargs)

    def outcome(self, item: pytest.Item) -> None:
        __tracebackhide__ = True
        if not self._futures:
            for each in self._items:
                world = self._world(each)  # made here, in order: no race on directories
                self._futures[each.nodeid] = self._pool.submit(self._run, each, world)
        self._futures[item.nodeid].result()

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)


def batch_fixture(
    request: pytest.FixtureRequest,
    world: Callable[[pytest.Item], World],
    first: Collection[str] = (),
) -> Iterator[Batch]:
    """The body of a module's ``act_cases`` fixture: its selected ``World.case`` tests.

    ``first``: cases started before the others (the longest, so they do not end last).
    """
    items = [
        i
        for i in request.session.items
        if i.module is request.module and getattr(i, "originalname", "") in CASES
    ]
    items.sort(key=lambda i: i.originalname not in first)  # type: ignore[attr-defined]
    batch = Batch(items, world)
    try:
        yield batch
    finally:
        batch.close()
