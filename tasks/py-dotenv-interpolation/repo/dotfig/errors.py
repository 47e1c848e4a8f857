"""Errors."""


class DotenvSyntaxError(ValueError):
    """A line of a .env file cannot be parsed."""

    def __init__(self, line: int, problem: str) -> None:
        super().__init__(f"line {line}: {problem}")
        self.line = line
        self.problem = problem


class SettingError(ValueError):
    """A setting is missing or has the wrong type."""
