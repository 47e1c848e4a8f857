"""Why a receipt was rejected: one stable code per check, for machines (`--json`, the board's
skip list, tests). The values are the strings the verifier has always printed; a StrEnum, so a
new check cannot invent a code that no consumer knows, and a typo is a type error."""

from __future__ import annotations

from enum import StrEnum


class RejectionCode(StrEnum):
    """In the order the verifier's checks run (see runner/receipts/_verify.py)."""

    ok = "ok"
    unreadable = "unreadable"  # the file cannot be read
    envelope = "envelope"  # not JSON, duplicate key, malformed DSSE, not the one stored form
    keyless = "keyless"  # a Sigstore bundle that is malformed or fails verification / policy
    payload_type = "payload-type"  # payloadType is not application/vnd.in-toto+json
    signature = "signature"  # a signature does not verify (or is neither Ed25519 nor SSHSIG)
    untrusted_key = "untrusted-key"  # signed by a key that is not in keys/allowed_signers
    namespace = "namespace"  # SSHSIG namespace wrong, or the trust line does not allow it
    keyid = "keyid"  # the keyid hint names a different key than the one that verified
    payload = "payload"  # payload not JSON, duplicate key, or not RFC 8785 canonical
    statement = "statement"  # not an in-toto Statement v1
    predicate_type = "predicate-type"  # predicateType is not the receipt's
    schema = "schema"  # predicate fails schemas/receipt.schema.json
    predicate = "predicate"  # predicate fails the model's cross-field rules
    artifact = "artifact"  # an artifact path leaves the folder, or a file is missing or differs
    subjects = "subjects"  # statement subjects differ from the predicate's artifacts and task
    principal = "principal"  # the signer's principal (or Sigstore runner id) is not runner.id
    key_validity = "key-validity"  # the trust line's validity window excludes the time
    file_name = "file-name"  # the file is not named after the receipt's cell
    task_digest = "task-digest"  # the task digest differs from the catalog's
    duplicate_cell = "duplicate-cell"  # another receipt in the set is for the same cell
    methodology = "methodology"  # in a store, a receipt of another methodology version's section
    image_not_locked = "image-not-locked"  # official: the agent image is not images/lock.json's
    # `--rescore`: the receipt verified, but re-running its checks did not agree.
    rescore_unknown_task = "rescore-unknown-task"
    rescore_task_digest = "rescore-task-digest"
    rescore_image = "rescore-image"
    rescore_infra = "rescore-infra"
    rescore_differs = "rescore-differs"


class RescoreCode(StrEnum):
    """The result of re-running one receipt's checks (runner.rescore)."""

    ok = "ok"
    no_checks = "no-checks"  # nothing was recorded to compare (an infra error): not a failure
    unknown_task = "unknown-task"
    task_digest = "task-digest"
    image = "image"
    infra = "infra"
    differs = "differs"

    def rejection(self) -> RejectionCode:
        """The verdict code of a receipt whose re-score failed this way."""
        return RejectionCode(f"rescore-{self.value}")
