"""A tiny calculator: the example repository for `foreman doctor`."""


def add(a: int, b: int) -> int:
    return a + b
