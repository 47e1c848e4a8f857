"""Keyless (Sigstore) signing and verification of receipt statements: the official tier.

Signing needs an ambient OIDC identity (GitHub Actions with `id-token: write`) and the network;
verification needs only the bundle and the pinned trusted root in keys/. The `sigstore` package is
an optional extra, imported only here and only when a keyless path is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from runner.receipts._trust import SigstoreIdentity

if TYPE_CHECKING:
    from sigstore.verify.policy import VerificationPolicy

BUNDLE_SUFFIX = ".sigstore.json"


class KeylessError(Exception):
    """Keyless signing or verification failed; the message is the one-line reason."""


def _require_sigstore() -> None:
    try:
        import sigstore  # noqa: F401
    except ImportError:
        raise KeylessError(
            "the sigstore extra is not installed (pip install '.[sigstore]')"
        ) from None


def sign_statement_keyless(payload: bytes, *, staging: bool = False) -> str:
    """Sign the exact statement bytes with an ephemeral Fulcio certificate; return bundle JSON.

    The signer is created just before signing because the certificate lives about 10 minutes.
    """
    _require_sigstore()
    from sigstore.dsse import Statement
    from sigstore.errors import Error as SigstoreError
    from sigstore.models import ClientTrustConfig
    from sigstore.oidc import IdentityError, IdentityToken, detect_credential
    from sigstore.sign import SigningContext

    try:
        raw_token = detect_credential()
        if raw_token is None:
            raise KeylessError(
                "no ambient OIDC credential: keyless signing runs in GitHub Actions with "
                "`permissions: id-token: write`"
            )
        config = ClientTrustConfig.staging() if staging else ClientTrustConfig.production()
        context = SigningContext.from_trust_config(config)
        statement = Statement(payload)  # keeps these exact bytes as the DSSE payload
        with context.signer(IdentityToken(raw_token), cache=True) as signer:
            bundle = signer.sign_dsse(statement)
    except (IdentityError, SigstoreError) as exc:
        raise KeylessError(f"keyless signing failed: {exc}") from None
    envelope = bundle._dsse_envelope  # the public API has no accessor for the envelope
    if envelope is None or envelope._inner.payload != payload:
        raise KeylessError("sigstore returned a bundle whose payload is not the statement")
    text: str = bundle.to_json()
    return text


def identity_policy(identity: SigstoreIdentity) -> VerificationPolicy:
    """Every claim of the Fulcio certificate that names who signed, against `identity`.

    The SAN (workflow path @ ref) and the issuer decide; the repository and ref extensions are
    checked too, in both the deprecated raw form (1.5, 1.6) and the DER form (1.8, 1.12, 1.14,
    1.18) that Fulcio writes side by side for GitHub Actions, so a certificate whose extensions
    disagree with its SAN is rejected rather than trusted on one of them."""
    from sigstore.verify import policy

    checks: list[Any] = [
        policy.Identity(identity=identity.identity, issuer=identity.issuer),
        policy.OIDCIssuerV2(identity.issuer),
        policy.GitHubWorkflowRepository(identity.owner_name),
        policy.GitHubWorkflowRef(identity.ref),
        policy.OIDCSourceRepositoryURI(identity.repository),
        policy.OIDCSourceRepositoryRef(identity.ref),
        policy.OIDCBuildConfigURI(identity.identity),
    ]
    if identity.runner_environment is not None:
        checks.append(policy.OIDCRunnerEnvironment(identity.runner_environment))
    return policy.AllOf(checks)


class KeylessVerifier:
    """Verifies bundles offline against a pinned trusted root and the trusted identities."""

    def __init__(self, trusted_root: Path | None, identities: tuple[SigstoreIdentity, ...]):
        _require_sigstore()
        from sigstore.models import TrustedRoot
        from sigstore.verify import Verifier

        if trusted_root is None:
            raise KeylessError("no pinned trusted root (keys/sigstore/trusted_root.json)")
        try:
            root = TrustedRoot.from_file(str(trusted_root))
        except Exception as exc:  # sigstore raises several types for a bad root
            raise KeylessError(f"{trusted_root}: unusable trusted root: {exc}") from None
        self._verifier = Verifier(trusted_root=root)
        self._identities = identities

    def verify(self, raw: bytes) -> tuple[str, str, bytes]:
        """Return (runner id of the matching identity, payloadType, payload bytes)."""
        from sigstore.errors import Error as SigstoreError
        from sigstore.models import Bundle

        if not self._identities:
            raise KeylessError("no sigstore identities are trusted (keys/sigstore_identities.json)")
        try:
            bundle = Bundle.from_json(raw)
        except Exception as exc:  # pydantic, JSON and InvalidBundle errors alike
            raise KeylessError(f"malformed sigstore bundle: {_first_line(exc)}") from None
        policies = [identity_policy(i) for i in self._identities]
        try:
            payload_type, payload = self._verifier.verify_dsse(bundle, _AnyIdentity(policies))
        except SigstoreError as exc:
            raise KeylessError(f"sigstore verification failed: {_first_line(exc)}") from None
        except ValueError as exc:  # malformed certificate material surfaces as ValueError
            raise KeylessError(f"sigstore verification failed: {_first_line(exc)}") from None
        cert = bundle.signing_certificate
        for ident, pol in zip(self._identities, policies, strict=True):
            try:
                pol.verify(cert)
            except SigstoreError:
                continue
            return ident.runner_id, payload_type, payload
        raise KeylessError("no trusted identity matches the certificate")  # AnyOf said one did


class _AnyIdentity:
    """sigstore's AnyOf, but its error says why each identity did not match (AnyOf says only
    "0 of N policies succeeded")."""

    def __init__(self, policies: list[VerificationPolicy]) -> None:
        self._policies = policies

    def verify(self, cert: Any) -> None:
        from sigstore.errors import VerificationError

        reasons = []
        for pol in self._policies:
            try:
                pol.verify(cert)
            except VerificationError as exc:
                reasons.append(_first_line(exc))
            else:
                return
        raise VerificationError(f"certificate is not a trusted signer's: {'; '.join(reasons)}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:300]
