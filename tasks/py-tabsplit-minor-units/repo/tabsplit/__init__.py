"""tabsplit: group expenses, balances and settlements across currencies."""

from tabsplit.currency import Currency, get_currency
from tabsplit.expenses import Expense, split_expense
from tabsplit.fx import RateTable
from tabsplit.ledger import Ledger, Transfer
from tabsplit.money import Money

__all__ = [
    "Currency",
    "Expense",
    "Ledger",
    "Money",
    "RateTable",
    "Transfer",
    "get_currency",
    "split_expense",
]
