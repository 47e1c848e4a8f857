"""Errors."""


class CronSyntaxError(ValueError):
    """An expression (or one of its fields) is malformed; the message names the field."""

    def __init__(self, expression: str, problem: str, field: str | None = None) -> None:
        where = f" in the {field} field" if field else ""
        super().__init__(f"{problem}{where} of {expression!r}")
        self.expression = expression
        self.problem = problem
        self.field = field
