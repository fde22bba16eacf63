"""The toolbox as ``@beta_tool`` functions for the SDK's tool runner (lazy ``anthropic``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from foreman.workers.tools import ERROR, Toolbox

if TYPE_CHECKING:
    from anthropic.lib.tools import BetaFunctionTool


def sdk_tools(box: Toolbox, enabled: Sequence[str]) -> list[BetaFunctionTool[Callable[..., str]]]:
    """The runnable tools named in ``enabled`` (config names: read, list, search, …)."""
    from anthropic import beta_tool
    from anthropic.lib.tools import ToolError

    def answer(text: str) -> str:
        if text.startswith(ERROR):
            raise ToolError(text)
        return text

    def read_file(path: str, start_line: int = 1, max_lines: int = 2000) -> str:
        """Read a text file of the repository checkout.

        Args:
            path: Repository-relative path, e.g. 'src/app.py'.
            start_line: First line to return (1-based).
            max_lines: How many lines to return at most.
        """
        return answer(box.read_file(path, start_line, max_lines))

    def list_dir(path: str = ".") -> str:
        """List a directory of the repository checkout (directories end with '/').

        Args:
            path: Repository-relative directory; '.' is the root.
        """
        return answer(box.list_dir(path))

    def search(pattern: str, path: str = ".") -> str:
        """Search text files for a regular expression; answers 'path:line: text' lines. One
        search may take 5 seconds; a pattern that backtracks past that is stopped.

        Args:
            pattern: A Python regular expression.
            path: Repository-relative file or directory to search in.
        """
        return answer(box.search(pattern, path))

    def write_file(path: str, content: str) -> str:
        """Create or overwrite a file with the given content (only inside your allowed paths).

        Args:
            path: Repository-relative path.
            content: The complete new content of the file.
        """
        return answer(box.write_file(path, content))

    def edit_file(path: str, old_text: str, new_text: str, replace_all: bool = False) -> str:
        """Replace an exact piece of text in a file (only inside your allowed paths).

        Args:
            path: Repository-relative path of an existing file.
            old_text: Text to replace, copied exactly; it must occur once unless replace_all.
            new_text: The replacement text.
            replace_all: Replace every occurrence instead of exactly one.
        """
        return answer(box.edit_file(path, old_text, new_text, replace_all))

    def run_command(command: str) -> str:
        """Run one allowed command (no shell: no pipes, ';', '&&' or redirections). After an
        allowed command only existing paths or test ids (path::name) and the options -q -v -x
        -s --lf --ff --tb=short -k EXPR may follow.

        Args:
            command: The command line, e.g. 'pytest -q tests/test_app.py'.
        """
        return answer(box.run_command(command))

    table: dict[str, Callable[..., str]] = {
        "read": read_file,
        "list": list_dir,
        "search": search,
        "write": write_file,
        "edit": edit_file,
        "run": run_command,
    }
    return [beta_tool(table[name]) for name in dict.fromkeys(enabled) if name in table]
