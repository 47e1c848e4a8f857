"""Errors."""


class LedgerError(Exception):
    """Base class."""


class InsufficientFunds(LedgerError):
    """A withdrawal or transfer would take an account below zero."""


class UnknownAccount(LedgerError):
    """The account has never been opened."""


class CorruptLog(LedgerError):
    """The event log cannot be read (other than a torn final line)."""
