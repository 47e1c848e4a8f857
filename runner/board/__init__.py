"""Board: merge verified receipts into per-cell aggregates, summaries and a static site."""

from runner.board._build import (
    BoardError,
    VerifiedReceipt,
    board_json,
    build_board,
    catalog_digest,
    receipts_digest,
)
from runner.board._diff import BoardDiff, CellChange, diff_boards, load_board
from runner.board._inputs import (
    RECEIPT_SUFFIXES,
    ReceiptVerifier,
    VerificationResult,
    adapt_verdicts,
    collect_verified,
    expand_receipt_paths,
    receipts_verifier,
)
from runner.board._models import (
    AgentSummary,
    Axes,
    Board,
    BoardColumn,
    CellAggregate,
    CostBasis,
    Evidence,
    HeadToHead,
    Interval,
    ModelSummary,
    Outcomes,
    UnscoredCell,
)
from runner.board._output import archive_board, board_files, board_schema, write_tree
from runner.board._publish import (
    MODELS_TOML,
    RECEIPTS_DIR,
    publishable,
    published_board,
    published_files,
    select_standing,
)
from runner.board._recheck import SiteCheck, recheck_site
from runner.board._render import render_site
from runner.board._stats import mcnemar_exact_p, wilson_interval

__all__ = [
    "MODELS_TOML",
    "RECEIPTS_DIR",
    "RECEIPT_SUFFIXES",
    "AgentSummary",
    "Axes",
    "Board",
    "BoardColumn",
    "BoardDiff",
    "BoardError",
    "CellAggregate",
    "CellChange",
    "CostBasis",
    "Evidence",
    "HeadToHead",
    "Interval",
    "ModelSummary",
    "Outcomes",
    "ReceiptVerifier",
    "SiteCheck",
    "UnscoredCell",
    "VerificationResult",
    "VerifiedReceipt",
    "adapt_verdicts",
    "archive_board",
    "board_files",
    "board_json",
    "board_schema",
    "build_board",
    "catalog_digest",
    "collect_verified",
    "diff_boards",
    "expand_receipt_paths",
    "load_board",
    "mcnemar_exact_p",
    "publishable",
    "published_board",
    "published_files",
    "receipts_digest",
    "receipts_verifier",
    "recheck_site",
    "render_site",
    "select_standing",
    "wilson_interval",
    "write_tree",
]
