import tempfile
import unittest
from pathlib import Path

from demo.cli import main


class ParseTest(unittest.TestCase):
    def _file(self, text: str) -> str:
        folder = tempfile.mkdtemp()
        path = Path(folder) / "config.yml"
        path.write_text(text, encoding="utf-8")
        return str(path)

    def test_keys(self) -> None:
        self.assertEqual(main(["parse", self._file("b: 2\na: 1\n")]), 0)

    def test_empty_file(self) -> None:
        self.assertEqual(main(["parse", self._file("")]), 0)


if __name__ == "__main__":
    unittest.main()
