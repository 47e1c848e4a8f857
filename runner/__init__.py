"""CodingAgentBench runner: runs CLI coding agents in pinned images and emits signed receipts."""

__version__ = "0.1.0"

# The methodology version this harness scores under (see METHODOLOGY.md). Receipts carry it;
# boards never mix receipts of different versions.
METHODOLOGY_VERSION = "3.0"

# The in-toto predicate type of a receipt, versioned with the receipt schema.
RECEIPT_PREDICATE_TYPE = "https://codingagentbench.dev/receipt/v1"
