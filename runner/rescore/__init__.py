"""Rescore: re-apply a receipt's recorded patch and re-run the task's checks, so a verdict that
was edited before signing cannot land."""

from runner.rescore._rescore import Rescore, RunChecks, rescore_receipt, sample_receipts

__all__ = ["Rescore", "RunChecks", "rescore_receipt", "sample_receipts"]
