"""Offline verification of receipt envelopes and bundles against the trust store.

Order matters: nothing inside the payload is believed before its signature verifies, and every
check reads the stored bytes (the payload is the signed bytes, never a re-serialized parse).

Verdict codes: RejectionCode (runner/receipts/_codes.py), in the order the checks run.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError
from jsonschema.exceptions import best_match
from pydantic import ValidationError

from runner import RECEIPT_PREDICATE_TYPE
from runner.receipts._canonical import (
    StrictJsonError,
    fast_dumps_sorted,
    loads_canonical,
    loads_fast,
    loads_strict,
)
from runner.receipts._codes import RejectionCode as Code
from runner.receipts._dsse import INTOTO_PAYLOAD_TYPE, Envelope, EnvelopeError
from runner.receipts._ed25519 import ed25519_verifies
from runner.receipts._keyless import BUNDLE_SUFFIX, KeylessError, KeylessVerifier
from runner.receipts._models import AgentRef, ImageSource, Receipt, Tier
from runner.receipts._paths import RealPaths, read_fd, walk_named
from runner.receipts._schema import model_schema
from runner.receipts._sign import ENVELOPE_SUFFIX
from runner.receipts._sshkeys import (
    RECEIPT_NAMESPACE,
    SSHSIG_MAGIC,
    SshSigError,
    fingerprint,
    parse_sshsig,
    verify_sshsig,
)
from runner.receipts._statement import (
    STATEMENT_TYPE,
    ArtifactError,
    check_artifacts,
    expected_subjects,
)
from runner.receipts._trust import AllowedSigner, TrustStore

RECEIPT_SUFFIXES = (ENVELOPE_SUFFIX, BUNDLE_SUFFIX)


@dataclass(frozen=True)
class Verdict:
    """The outcome for one receipt file. `code` is a stable short category for machines."""

    path: Path
    ok: bool
    tier: Tier | None = None
    code: Code = Code.ok
    reason: str = ""
    principal: str | None = None
    statement_digest: str | None = None  # sha256 of the signed statement bytes
    receipt: Receipt | None = field(default=None, repr=False, compare=False)
    # sha256 of the file bytes that were verified (the board's digest), so nobody re-reads a
    # file that may have changed since
    envelope_digest: str | None = None

    # The verified predicate as compact JSON, what a worker process sends back (see __reduce__)
    predicate_json: bytes | None = field(default=None, repr=False, compare=False)
    # When the images were checked: "" (the locked image) or why the image is not the locked one
    # (a community receipt still passes; an official one is rejected instead).
    image_note: str | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Sent back from worker processes: the receipt as JSON re-validates in half the time
        # that unpickling the nested pydantic models takes, and the predicate re-encoded by
        # orjson is both quicker to write than model_dump_json and quicker to validate.
        receipt_json = (
            self.predicate_json or self.receipt.model_dump_json().encode()
            if self.receipt is not None
            else None
        )
        fields = (self.path, self.ok, self.tier, self.code, self.reason, self.principal)
        return _rebuild_verdict, (
            *fields,
            self.statement_digest,
            receipt_json,
            self.envelope_digest,
            self.image_note,
        )

    def line(self) -> str:
        if self.ok:
            if self.image_note:  # only a community receipt passes with another image
                return f"ok {self.tier} {self.path} (image not locked: {self.image_note})"
            return f"ok {self.tier} {self.path}"
        return f"FAIL {self.path}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "ok": self.ok,
            "tier": self.tier.value if self.tier else None,
            "code": self.code,
            "reason": self.reason,
            "principal": self.principal,
            "statement_digest": self.statement_digest,
            "cell": self.receipt.cell.key if self.receipt else None,
            "image_locked": None if self.image_note is None else self.image_note == "",
            "image_note": self.image_note or None,
        }


def _rebuild_verdict(
    path: Path,
    ok: bool,
    tier: Tier | None,
    code: Code,
    reason: str,
    principal: str | None,
    statement_digest: str | None,
    receipt_json: bytes | None,
    envelope_digest: str | None,
    image_note: str | None,
) -> Verdict:
    receipt = Receipt.model_validate_json(receipt_json) if receipt_json is not None else None
    return Verdict(
        path,
        ok,
        tier,
        code,
        reason,
        principal,
        statement_digest,
        receipt,
        envelope_digest,
        image_note=image_note,
    )


@dataclass(frozen=True)
class LockedAgentImage:
    """What images/lock.json and the image folder's dependency lock say an agent image is."""

    version: str
    lock_sha256: str  # sha256:<hex> of the folder's lock files
    registry_digest: str | None  # <registry>/<name>@sha256:..., None until pushed


def image_mismatch(agent: AgentRef, locked: Mapping[str, LockedAgentImage]) -> str:
    """Why the receipt's agent image is not the locked one ("" when it is)."""
    want = locked.get(agent.name)
    if want is None:
        return f"agent {agent.name} is not in images/lock.json"
    if agent.version != want.version:
        return f"{agent.name} {agent.version} ran, the lock pins {want.version}"
    ident = agent.image_identity
    if ident is None:
        return "the receipt records no image identity"
    if ident.lock_sha256 != want.lock_sha256:
        return f"built from dependency lock {ident.lock_sha256[:19]}, not {want.lock_sha256[:19]}"
    if ident.source is ImageSource.registry and ident.registry_digest != want.registry_digest:
        return f"pulled as {ident.registry_digest}, the lock names {want.registry_digest}"
    return ""


def _read_file(path: Path) -> bytes:
    """The file's bytes, as Path.read_bytes() returns them (see read_fd). O_NONBLOCK: a FIFO
    named like a receipt reads as empty (and fails as an envelope) instead of hanging."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        return read_fd(fd, os.fstat(fd).st_size)
    finally:
        os.close(fd)


class _Reject(Exception):
    def __init__(self, code: Code, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SchemaCheck:
    """The predicate schema, compiled once (building a validator costs far more than using one).

    `jsonschema` (Draft 2020-12) is the validator of record and writes the messages. When the
    compiled `jsonschema-rs` is installed it answers the common case, valid, about 100x faster;
    whenever it says invalid, `jsonschema` is asked, and if the two disagree the receipt fails.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        Draft202012Validator.check_schema(schema)
        self.reference = Draft202012Validator(schema)
        try:
            import jsonschema_rs
        except ImportError:
            self.fast: Any = None
        else:
            self.fast = jsonschema_rs.Draft202012Validator(schema)

    def best_error(self, instance: Any) -> SchemaError | None:
        """None when `instance` is valid, else jsonschema's most relevant error."""
        if self.fast is not None and self.fast.is_valid(instance):
            return None
        err = best_match(self.reference.iter_errors(instance))
        if err is None and self.fast is not None:
            return SchemaError("schema validators disagree; rejecting")
        return err

    def problem(self, instance: Any) -> str | None:
        err = self.best_error(instance)
        return None if err is None else f"{err.json_path}: {err.message[:200]}"


@lru_cache(maxsize=8)
def schema_check(schema_path: Path | None) -> SchemaCheck:
    if schema_path is None:
        schema = model_schema(Receipt)
    else:
        schema = loads_strict(schema_path.read_bytes())
    return SchemaCheck(schema)


def find_receipts(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched recursively for *.dsse.json and *.sigstore.json."""
    out: list[Path] = []
    seen: set[str] = set()
    real = RealPaths()
    for p in paths:
        found: list[tuple[str, bool | None]]
        if p.is_dir():
            found = [(f.path, f.symlink) for f in walk_named(p, RECEIPT_SUFFIXES)]
        else:
            found = [(os.fspath(p), None)]
        for q, symlink in found:
            key = real.file(q, symlink)
            if key not in seen:
                seen.add(key)
                out.append(Path(q))
    return out


@dataclass
class _Checker:
    trust: TrustStore
    now: datetime
    schema: SchemaCheck
    task_digests: Mapping[str, str] | None
    locked_images: Mapping[str, LockedAgentImage] | None = None
    _keyless: KeylessVerifier | None = None

    def keyless(self) -> KeylessVerifier:
        if self._keyless is None:
            try:
                self._keyless = KeylessVerifier(
                    self.trust.trusted_root, self.trust.sigstore_identities
                )
            except KeylessError as exc:
                raise _Reject(Code.keyless, str(exc)) from None
        return self._keyless

    # --- signatures ---------------------------------------------------------------------

    def envelope(self, raw: bytes) -> tuple[bytes, list[AllowedSigner]]:
        try:
            env = Envelope.from_dict(loads_fast(raw))
        except (ValueError, RecursionError, EnvelopeError):
            env = None
        # One stored form: any other bytes, even an equivalent encoding, are a changed file.
        if env is None or env.file_bytes() != raw:
            try:  # the strict reader names the problem (a duplicate key, bad base64, ...)
                Envelope.from_dict(loads_strict(raw))
            except (StrictJsonError, EnvelopeError) as exc:
                raise _Reject(Code.envelope, f"envelope: {exc}") from None
            raise _Reject(Code.envelope, "envelope file is not in its canonical stored form")
        if env.payload_type != INTOTO_PAYLOAD_TYPE:
            raise _Reject(Code.payload_type, f"payloadType {env.payload_type!r} is not in-toto")
        # Every signature must verify: we write one, so an extra that does not verify is tampering.
        matched: list[AllowedSigner] = []
        pae = env.pae()
        for i, sig in enumerate(env.signatures):
            signers, key_fp = self._verify_one(sig.sig, sig.keyid, pae, i)
            if sig.keyid and sig.keyid != key_fp:
                raise _Reject(
                    Code.keyid, f"signature {i} keyid {sig.keyid} is not its key {key_fp}"
                )
            matched.extend(signers)
        return env.payload, matched

    def _verify_one(
        self, sig: bytes, keyid: str, pae: bytes, i: int
    ) -> tuple[list[AllowedSigner], str]:
        if sig.startswith(SSHSIG_MAGIC):
            try:
                parsed = parse_sshsig(sig)
            except SshSigError as exc:
                raise _Reject(Code.signature, f"signature {i}: {exc}") from None
            key_fp = fingerprint(parsed.public_key)
            signers = self.trust.signers_with_key(parsed.public_key_blob)
            if not signers:
                raise _Reject(Code.untrusted_key, f"signature {i}: key {key_fp} is not trusted")
            if parsed.namespace != RECEIPT_NAMESPACE:
                raise _Reject(
                    Code.namespace,
                    f"signature {i}: SSHSIG namespace {parsed.namespace!r} is wrong",
                )
            try:
                verify_sshsig(parsed, pae, signers[0].public_key)
            except SshSigError as exc:
                raise _Reject(Code.signature, f"signature {i}: {exc}") from None
            return signers, key_fp
        if len(sig) != 64:
            raise _Reject(Code.signature, f"signature {i} is neither Ed25519 (64 bytes) nor SSHSIG")
        tried: set[bytes] = set()
        for signer in self.trust.signers_for(keyid):
            if signer.key_blob in tried:
                continue
            tried.add(signer.key_blob)
            if not ed25519_verifies(signer.public_key, sig, pae):
                continue
            return self.trust.signers_with_key(signer.key_blob), signer.fingerprint
        if keyid and not any(s.fingerprint == keyid for s in self.trust.signers):
            raise _Reject(
                Code.untrusted_key,
                f"signature {i}: key {keyid} is not trusted (no trusted key verifies)",
            )
        raise _Reject(Code.signature, f"signature {i} does not verify against any trusted key")

    def authorise(self, signers: list[AllowedSigner], runner_id: str) -> str:
        """A trusted line for this key must name the runner, allow the namespace, be in date."""
        named = [s for s in signers if runner_id in s.principals]
        if not named:
            who = sorted({p for s in signers for p in s.principals})
            raise _Reject(
                Code.principal,
                f"signed by {', '.join(who)}, but the runner id is {runner_id!r}",
            )
        in_namespace = [s for s in named if s.allows_namespace(RECEIPT_NAMESPACE)]
        if not in_namespace:
            raise _Reject(
                Code.namespace,
                f"key {named[0].fingerprint} ({named[0].source}) may not sign {RECEIPT_NAMESPACE}",
            )
        problems = [s.validity_problem(self.now) for s in in_namespace]
        if all(problems):
            raise _Reject(Code.key_validity, str(problems[0]))
        return runner_id

    # --- statement ----------------------------------------------------------------------

    def statement(self, payload: bytes) -> tuple[Receipt, bytes]:
        """The receipt, and its predicate as compact JSON (for sending between processes)."""
        try:
            stmt = loads_canonical(payload)
        except StrictJsonError as exc:
            raise _Reject(Code.payload, f"payload: {exc}") from None
        if not isinstance(stmt, dict):
            raise _Reject(Code.statement, "statement is not a JSON object")
        if stmt.get("_type") != STATEMENT_TYPE:
            raise _Reject(
                Code.statement,
                f"statement _type {stmt.get('_type')!r} is not {STATEMENT_TYPE}",
            )
        if stmt.get("predicateType") != RECEIPT_PREDICATE_TYPE:
            raise _Reject(
                Code.predicate_type,
                f"predicateType {stmt.get('predicateType')!r} is wrong",
            )
        predicate = stmt.get("predicate")
        problem = self.schema.problem(predicate)
        if problem is not None:
            raise _Reject(Code.schema, f"predicate {problem}")
        try:
            receipt = Receipt.model_validate(predicate)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise _Reject(Code.predicate, f"predicate: {first['msg']}") from None
        try:
            expected = expected_subjects(receipt)
        except ArtifactError as exc:
            raise _Reject(Code.artifact, str(exc)) from None
        subjects = stmt.get("subject")
        if (
            not isinstance(subjects, list)
            or sorted(subjects, key=lambda s: str(s.get("name")) if isinstance(s, dict) else "")
            != expected
        ):
            raise _Reject(Code.subjects, "statement subjects differ from the receipt's artifacts")
        return receipt, fast_dumps_sorted(predicate)

    def one(self, path: Path) -> Verdict:
        try:
            raw = _read_file(path)
        except OSError as exc:
            return Verdict(path, False, code=Code.unreadable, reason=f"cannot read: {exc.strerror}")
        try:
            if path.name.endswith(BUNDLE_SUFFIX):
                principal, payload = self._bundle(raw)
                tier, signers = Tier.official, None
            else:
                payload, signers = self.envelope(raw)
                tier, principal = Tier.community, None
            receipt, predicate_json = self.statement(payload)
            runner_id = receipt.runner.id
            if signers is not None:
                principal = self.authorise(signers, runner_id)
            elif principal != runner_id:
                raise _Reject(
                    Code.principal,
                    f"signed as {principal!r}, but the runner id is {runner_id!r}",
                )
            if path.name not in {receipt.cell.key + suffix for suffix in RECEIPT_SUFFIXES}:
                raise _Reject(Code.file_name, f"file name does not match cell {receipt.cell.key}")
            if self.task_digests is not None:
                want = self.task_digests.get(receipt.task.id)
                if want is None:
                    raise _Reject(Code.task_digest, f"task {receipt.task.id} is not in the catalog")
                if want != receipt.task.digest:
                    raise _Reject(
                        Code.task_digest,
                        f"task {receipt.task.id} is {want} in the catalog, not "
                        f"{receipt.task.digest} as recorded",
                    )
            try:
                check_artifacts(receipt, path.parent)
            except ArtifactError as exc:
                raise _Reject(Code.artifact, str(exc)) from None
            note = None
            if self.locked_images is not None:
                note = image_mismatch(receipt.agent, self.locked_images)
                if note and tier is Tier.official:
                    raise _Reject(
                        Code.image_not_locked, f"agent image is not the locked one: {note}"
                    )
        except _Reject as rej:
            return Verdict(path, False, code=rej.code, reason=rej.reason)
        digest = "sha256:" + hashlib.sha256(payload).hexdigest()
        file_digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        return Verdict(
            path,
            True,
            tier,
            Code.ok,
            "",
            principal,
            digest,
            receipt,
            file_digest,
            predicate_json,
            image_note=note,
        )

    def _bundle(self, raw: bytes) -> tuple[str, bytes]:
        try:
            loads_strict(raw)  # duplicate keys would let two parsers see two bundles
        except StrictJsonError as exc:
            raise _Reject(Code.envelope, f"bundle: {exc}") from None
        try:
            principal, payload_type, payload = self.keyless().verify(raw)
        except KeylessError as exc:
            raise _Reject(Code.keyless, str(exc)) from None
        if payload_type != INTOTO_PAYLOAD_TYPE:
            raise _Reject(Code.payload_type, f"payloadType {payload_type!r} is not in-toto")
        return principal, payload


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while verdicts pile up.

    Each verified receipt is about a hundred long-lived objects; with the collector on, its
    generational passes rescan all of them again and again (a third of the time for 10,000).
    Verifying makes no reference cycles that need collecting before it ends (reference counting
    frees the rest); collection resumes on exit. Forked workers inherit the paused collector.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Below this many receipts, forking workers costs more than it saves (bench/bench_verify.py).
AUTO_WORKERS_FROM = 1000


def auto_workers(receipts: int) -> int:
    """Processes to verify `receipts` envelopes in: one per core from AUTO_WORKERS_FROM on."""
    return (os.cpu_count() or 1) if receipts >= AUTO_WORKERS_FROM else 1


# The checker a forked worker inherits (set only while a pool runs; see _verify_in_workers).
_WORKER_CHECKER: _Checker | None = None


def _check_in_worker(path: Path) -> Verdict:
    assert _WORKER_CHECKER is not None
    return _WORKER_CHECKER.one(path)


def _verify_in_workers(checker: _Checker, files: list[Path], workers: int) -> list[Verdict]:
    """Forked workers inherit the checker (keys and compiled schema) instead of pickling it;
    each receipt is independent, so the verdicts are the same as in one process, in order."""
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            chunk = max(1, len(files) // (workers * 8))
            return pool.map(_check_in_worker, files, chunksize=chunk)
    finally:
        _WORKER_CHECKER = None


def verify_receipts(
    paths: Iterable[Path],
    trust: TrustStore,
    *,
    schema_path: Path | None = None,
    now: datetime | None = None,
    task_digests: Mapping[str, str] | None = None,
    locked_images: Mapping[str, LockedAgentImage] | None = None,
    workers: int = 1,
) -> list[Verdict]:
    """Verify every receipt under `paths`; one Verdict per file, in a stable order.

    schema_path: the committed receipt schema (default: the one generated from the model).
    now: the time key validity is judged at (default: the current time).
    task_digests: task id -> expected digest; when given, receipts must match it.
    locked_images: agent -> its locked image; when given, an official receipt must have run it
    and a community receipt's verdict says whether it did (image_note).
    workers: processes to verify in (forked; 1 = in this process). Worth it for large sets.
    """
    checker = _Checker(
        trust, now or datetime.now(UTC), schema_check(schema_path), task_digests, locked_images
    )
    files = find_receipts(paths)
    parallel = workers > 1 and len(files) >= 4 * workers
    with cyclic_gc_paused():
        if parallel and "fork" in multiprocessing.get_all_start_methods():
            verdicts = _verify_in_workers(checker, files, workers)
        else:
            verdicts = [checker.one(p) for p in files]
        by_cell: dict[str, list[int]] = defaultdict(list)
        for i, v in enumerate(verdicts):
            if v.ok and v.receipt is not None:
                by_cell[v.receipt.cell.key].append(i)
        for cell, idxs in by_cell.items():
            if len(idxs) < 2:
                continue
            for i in idxs:
                others = ", ".join(str(verdicts[j].path) for j in idxs if j != i)
                verdicts[i] = replace(
                    verdicts[i],
                    ok=False,
                    code=Code.duplicate_cell,
                    reason=f"cell {cell} is also in {others}",
                )
        return verdicts
