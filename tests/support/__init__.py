"""Helpers shared by the tests, bench/ and scripts/: sample repositories, harnesses, the
scenario catalogue and its scoreboard plugin, the act harness (``act``)."""
