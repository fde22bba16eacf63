"""The agent loop: the SDK's ``beta.messages.tool_runner`` with our tools, under our limits.

The SDK runs the loop (request, run the tools the model asked for, send the
results, repeat). We iterate it turn by turn, streaming each reply, and after
every turn add its usage to the meter and check the three budgets:

* turns: a turn that still asks for tools when ``max_turns`` replies were
  spent raises :class:`~foreman.errors.MaxTurnsExceeded` (its tools do not run);
  ``max_iterations`` is the runner's own backstop;
* tokens: input + output over ``max_tokens`` raises ``TokenBudgetExceeded``;
* wall time: every HTTP attempt gets the time left as its timeout
  (:class:`~foreman.workers.limits.DeadlineGuard`) and the stream is checked
  between events, so a slow answer raises ``WallTimeExceeded``, never hangs.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from foreman.errors import LLMError, TokenBudgetExceeded, WallTimeExceeded
from foreman.workers.context import WorkContext
from foreman.workers.limits import check_time, check_tokens, check_turns
from foreman.workers.sdk_tools import sdk_tools
from foreman.workers.tools import Toolbox

if TYPE_CHECKING:
    from anthropic.resources.beta.messages import Messages as BetaMessages

MAX_OUTPUT_PER_TURN = 8192


@dataclass(frozen=True)
class AgentRun:
    summary: str  # the text of the model's last reply
    stop_reason: str | None


def enabled_tools(ctx: WorkContext, box: Toolbox) -> list[str]:
    names: list[str] = []
    for name in ctx.spec.tools:
        if name in ("write", "edit") and not ctx.spec.writes_code:
            continue
        if name == "run" and not box.commands:
            continue
        names.append(name)
    return names


def run_agent(ctx: WorkContext, *, system: str, user: str, box: Toolbox) -> AgentRun:
    """Run the model with ``box``'s tools until it stops; raise on any exhausted budget."""
    why = ctx.llm.missing()
    if why is not None:
        raise LLMError(f"worker '{ctx.spec.name}' needs a model: {why}")
    if ctx.instructions:
        system = f"{system}\n\n{ctx.instructions}"
    try:
        return _loop(ctx, system=system, user=user, box=box)
    except LLMError as err:
        if time.monotonic() >= ctx.deadline - 0.05:
            raise WallTimeExceeded(f"the wall-clock budget ran out: {err.message}") from err
        raise


def _loop(ctx: WorkContext, *, system: str, user: str, box: Toolbox) -> AgentRun:
    from foreman.llm import llm_errors, system_blocks
    from foreman.llm.usage import TokenUsage

    spec = ctx.spec
    summary, stop_reason = "", None
    with llm_errors():
        # A cloud provider's client serves the same beta Messages API (its tool runner is the
        # first-party one), typed as its own class.
        messages = cast("BetaMessages", ctx.client().beta.messages)
        runner = messages.tool_runner(
            model=ctx.model(spec.model),
            max_tokens=min(MAX_OUTPUT_PER_TURN, spec.max_tokens),
            system=system_blocks(system),
            messages=[{"role": "user", "content": user}],
            tools=sdk_tools(box, enabled_tools(ctx, box)),
            stream=True,
            max_iterations=spec.max_turns,
        )
        try:
            for stream in runner:
                for _event in stream:
                    check_time(ctx.deadline)
                message = stream.get_final_message()
                ctx.meter.turns += 1
                ctx.meter.llm.add(TokenUsage.of(message.usage))
                texts = [block.text for block in message.content if block.type == "text"]
                if any(t.strip() for t in texts):
                    summary = "\n".join(t for t in texts if t.strip())
                stop_reason = message.stop_reason
                check_tokens(ctx.meter, spec.max_tokens)
                check_time(ctx.deadline)
                check_turns(ctx.meter, spec.max_turns, stop_reason in ("tool_use", "pause_turn"))
        finally:
            runner.close()
    if stop_reason == "refusal":
        raise LLMError("the model refused to continue")
    if stop_reason in ("max_tokens", "model_context_window_exceeded"):
        raise TokenBudgetExceeded(f"the model's last answer was cut off ({stop_reason})")
    return AgentRun(summary.strip(), stop_reason)
