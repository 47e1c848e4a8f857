"""The trust store in keys/: who may sign receipts, and for which tier.

- allowed_signers: ssh-keygen ALLOWED SIGNERS format; principal = runner id. Community tier.
- sigstore_identities.json: GitHub Actions workflow identities allowed to sign keylessly, each
  mapped to a runner id. Official tier.
- sigstore/trusted_root.json: the pinned Sigstore trust root, so verification needs no network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from runner.receipts._sshkeys import fingerprint, load_public_key_line, public_key_blob

ALLOWED_SIGNERS = "allowed_signers"
SIGSTORE_IDENTITIES = "sigstore_identities.json"
TRUSTED_ROOT = "sigstore/trusted_root.json"

GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


class TrustStoreError(ValueError):
    """A trust store file is malformed; the message names the file and line."""


@dataclass(frozen=True)
class AllowedSigner:
    principals: tuple[str, ...]
    public_key: Ed25519PublicKey
    namespaces: tuple[str, ...] | None  # None: any namespace
    valid_after: datetime | None
    valid_before: datetime | None
    source: str  # "file:line", for messages
    key_blob: bytes = field(repr=False)
    fingerprint: str = ""

    def allows_namespace(self, namespace: str) -> bool:
        return self.namespaces is None or namespace in self.namespaces

    def validity_problem(self, at: datetime) -> str | None:
        if self.valid_after is not None and at < self.valid_after:
            return (
                f"key {self.fingerprint} is not valid before {self.valid_after:%Y-%m-%dT%H:%M:%SZ}"
            )
        if self.valid_before is not None and at >= self.valid_before:
            return f"key {self.fingerprint} expired at {self.valid_before:%Y-%m-%dT%H:%M:%SZ}"
        return None


_PATTERN_CHARS = re.compile(r"[*?!]")
_KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-",
    "ssh-dss",
    "rsa-sha2-",
)


def _split_fields(line: str) -> list[str]:
    """Split on unquoted whitespace; double quotes group (as in `namespaces="a,b"`)."""
    fields, cur, quoted = [], [], False
    for ch in line:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch.isspace() and not quoted:
            if cur:
                fields.append("".join(cur))
                cur = []
        else:
            cur.append(ch)
    if quoted:
        raise ValueError("unterminated quote")
    if cur:
        fields.append("".join(cur))
    return fields


def _split_options(text: str) -> list[str]:
    out, cur, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
            cur.append(ch)
        elif ch == "," and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def _parse_time(value: str) -> datetime:
    """ssh-keygen's YYYYMMDD[HHMM[SS]][Z]. Times without Z are read as UTC here (ssh-keygen
    reads them as local time), so write the Z to mean the same thing to both."""
    text = value[:-1] if value.endswith("Z") else value
    for fmt, n in (("%Y%m%d", 8), ("%Y%m%d%H%M", 12), ("%Y%m%d%H%M%S", 14)):
        if len(text) == n and text.isdigit():
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
    raise ValueError(f"bad time {value!r} (want YYYYMMDD[HHMM[SS]][Z])")


def parse_allowed_signers(text: str, source: str = ALLOWED_SIGNERS) -> list[AllowedSigner]:
    signers = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"{source}:{lineno}"
        try:
            signers.append(_parse_signer_line(line, where))
        except ValueError as exc:
            raise TrustStoreError(f"{where}: {exc}") from None
    return signers


def _parse_signer_line(line: str, where: str) -> AllowedSigner:
    fields = _split_fields(line)
    if len(fields) < 3:
        raise ValueError("want: principals [options] keytype base64-key")
    principals = tuple(_unquote(fields[0]).split(","))
    if any(not p or _PATTERN_CHARS.search(p) for p in principals):
        raise ValueError("principals must be plain runner ids (no patterns, no empty entries)")
    rest = fields[1:]
    options: list[str] = []
    if not rest[0].startswith(_KEY_TYPES):
        options = _split_options(rest[0])
        rest = rest[1:]
    if len(rest) < 2:
        raise ValueError("missing key type or key")
    namespaces: tuple[str, ...] | None = None
    valid_after = valid_before = None
    for opt in options:
        name, _, value = opt.partition("=")
        name = name.lower()
        if name == "namespaces":
            namespaces = tuple(n for n in _unquote(value).split(",") if n)
        elif name == "valid-after":
            valid_after = _parse_time(_unquote(value))
        elif name == "valid-before":
            valid_before = _parse_time(_unquote(value))
        elif name == "cert-authority":
            raise ValueError("cert-authority keys are not supported for receipts")
        else:
            raise ValueError(f"unknown option {name!r}")
    if rest[0] != "ssh-ed25519":
        raise ValueError(f"key type {rest[0]} is not supported (ssh-ed25519 only)")
    try:
        key = load_public_key_line(f"{rest[0]} {rest[1]}")
    except ValueError as exc:
        raise ValueError(f"bad key: {exc}") from None
    return AllowedSigner(
        principals=principals,
        public_key=key,
        namespaces=namespaces,
        valid_after=valid_after,
        valid_before=valid_before,
        source=where,
        key_blob=public_key_blob(key),
        fingerprint=fingerprint(key),
    )


GITHUB = "https://github.com"
DEFAULT_WORKFLOW = ".github/workflows/sweep.yml"
DEFAULT_REF = "refs/heads/main"

# GitHub's rules: an owner is 1-39 letters, digits and inner hyphens; a repository name is
# letters, digits, '.', '_' and '-' (not "." or ".."). Anything else cannot be a workflow's home.
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_WORKFLOW = re.compile(r"^\.github/workflows/[A-Za-z0-9._-]+\.ya?ml$")
# A full ref as the OIDC token's `ref` claim spells it; git's ref-format rules, strictly.
_REF = re.compile(r"^refs/(heads|tags)/(?!.*(?:\.\.|//|@\{|\.lock(?:/|$)|/\.))[A-Za-z0-9._/-]+$")


def check_repository(repository: str) -> str:
    """OWNER/NAME as GitHub spells it, or ValueError saying what is wrong."""
    owner, sep, name = repository.partition("/")
    if not sep or not _OWNER.match(owner) or not _NAME.match(name) or name in (".", ".."):
        raise ValueError(f"repository {repository!r} is not OWNER/NAME (e.g. octo-org/bench)")
    return repository


def check_workflow(workflow: str) -> str:
    if not _WORKFLOW.match(workflow):
        raise ValueError(f"workflow {workflow!r} is not .github/workflows/FILE.yml")
    return workflow


def check_ref(ref: str) -> str:
    if not _REF.match(ref) or ref.endswith(("/", ".")):
        raise ValueError(f"ref {ref!r} is not a full branch or tag ref (e.g. refs/heads/main)")
    return ref


class SigstoreIdentity(BaseModel):
    """A workflow identity allowed to sign official receipts, and the runner id it signs as.

    Every field is checked against the Fulcio certificate (see runner.receipts.identity_policy):
    the SAN (`identity`), the issuer, and the repository and ref extensions, old and new."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    runner_id: str = Field(min_length=1, description="Must equal the receipt's runner.id")
    issuer: str = GITHUB_OIDC_ISSUER
    repository: str = Field(description="Source repository URI: https://github.com/OWNER/NAME")
    workflow: str = Field(description="The signing workflow's path: .github/workflows/F.yml")
    ref: str = Field(description="The ref the workflow runs on: refs/heads/main")
    identity: str = Field(
        description="Certificate SAN: https://github.com/OWNER/NAME/.github/workflows/F.yml@REF"
    )
    runner_environment: str | None = Field(
        default="github-hosted", description="github-hosted, self-hosted, or null for either"
    )

    @property
    def owner_name(self) -> str:
        return self.repository.removeprefix(GITHUB + "/")

    @model_validator(mode="after")
    def _consistent(self) -> SigstoreIdentity:
        if not self.repository.startswith(GITHUB + "/"):
            raise ValueError(f"repository must start with {GITHUB}/")
        check_repository(self.owner_name)
        check_workflow(self.workflow)
        check_ref(self.ref)
        want = f"{self.repository}/{self.workflow}@{self.ref}"
        if self.identity != want:
            raise ValueError(f"identity must be {want} (repository/workflow@ref)")
        return self


def official_identity(
    repository: str,
    workflow: str = DEFAULT_WORKFLOW,
    ref: str = DEFAULT_REF,
    *,
    runner_id: str = "official",
    runner_environment: str | None = "github-hosted",
) -> SigstoreIdentity:
    """The identity a sweep in OWNER/NAME's `workflow` on `ref` signs with (ValueError if bad)."""
    check_repository(repository)
    check_workflow(workflow)
    check_ref(ref)
    uri = f"{GITHUB}/{repository}"
    return SigstoreIdentity(
        runner_id=runner_id,
        repository=uri,
        workflow=workflow,
        ref=ref,
        identity=f"{uri}/{workflow}@{ref}",
        runner_environment=runner_environment,
    )


def workflow_ref_identity(workflow_ref: str) -> str:
    """The SAN Fulcio writes for a run whose `github.workflow_ref` is OWNER/NAME/PATH@REF."""
    return f"{GITHUB}/{workflow_ref}"


class SigstoreIdentities(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    identities: list[SigstoreIdentity]


def render_sigstore_identities(identities: list[SigstoreIdentity]) -> str:
    """The file's text: stable key order, one field a line, so a review diff reads well."""
    doc = SigstoreIdentities(identities=identities).model_dump(mode="json")
    return json.dumps(doc, indent=2) + "\n"


@dataclass(frozen=True)
class TrustStore:
    signers: tuple[AllowedSigner, ...] = ()
    sigstore_identities: tuple[SigstoreIdentity, ...] = ()
    trusted_root: Path | None = None

    def signers_for(self, keyid: str) -> list[AllowedSigner]:
        """Every signer, those whose fingerprint equals the (unauthenticated) keyid first."""
        first = [s for s in self.signers if s.fingerprint == keyid]
        return first + [s for s in self.signers if s.fingerprint != keyid]

    def signers_with_key(self, key_blob: bytes) -> list[AllowedSigner]:
        return [s for s in self.signers if s.key_blob == key_blob]


def load_trust_store(trust_dir: Path) -> TrustStore:
    """Read keys/. Missing files mean "nobody of that kind is trusted", not an error."""
    signers: list[AllowedSigner] = []
    path = trust_dir / ALLOWED_SIGNERS
    if path.is_file():
        signers = parse_allowed_signers(path.read_text(encoding="utf-8"), str(path))
    identities: list[SigstoreIdentity] = []
    path = trust_dir / SIGSTORE_IDENTITIES
    if path.is_file():
        try:
            identities = SigstoreIdentities.model_validate_json(path.read_bytes()).identities
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(x) for x in first["loc"])
            raise TrustStoreError(f"{path}: {loc}: {first['msg']}") from None
    root = trust_dir / TRUSTED_ROOT
    return TrustStore(tuple(signers), tuple(identities), root if root.is_file() else None)
