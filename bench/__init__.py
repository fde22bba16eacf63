"""The benchmark: ``python -m bench.run`` prints one table of what a user would see."""
