"""The faulty-burst soak: events through plan -> work -> gate against both fakes, in process
(``harness.Soak``); ``scripts/soak.py`` and the soak tests run it."""
