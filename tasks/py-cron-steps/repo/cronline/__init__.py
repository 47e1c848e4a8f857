"""cronline: cron expressions and their schedules."""

from cronline.errors import CronSyntaxError
from cronline.expression import CronExpression, parse_cron
from cronline.fields import FIELDS, FieldSpec

__all__ = ["FIELDS", "CronExpression", "CronSyntaxError", "FieldSpec", "parse_cron"]
