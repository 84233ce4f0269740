"""A local certificate authority for the federated dev stack and the federation tests.

Homeservers federate only over TLS, and Synapse verifies the other side's certificate
(``federation_verify_certificates``). On loopback there is no public CA, so busbaan
makes its own at start: :meth:`LocalCA.ensure` creates (or reuses) an ECDSA P-256 CA
in a directory, and :meth:`LocalCA.issue` signs a server certificate
for one host name. Each homeserver trusts only this CA for federation
(``federation_custom_ca_list``), so a server that shows any other certificate is refused.

Private keys are files with mode 0600; nothing here is ever logged but paths.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from busbaan.devstack._files import write_private
from busbaan.errors import BusbaanError

CA_CERT = "ca.crt"
CA_KEY = "ca.key"
#: Long enough for a development checkout, short enough to be obviously not for real.
CA_DAYS = 365
LEAF_DAYS = 90
#: A leaf is issued again when it has fewer days left than this.
RENEW_DAYS = 7


class CertificateError(BusbaanError):
    """The local CA or a certificate cannot be made or read."""

    errcode = "BB_TLS"


@dataclass(frozen=True, slots=True)
class ServerCertificate:
    """A server certificate (PEM, with the CA after it) and its private key."""

    hostname: str
    cert_path: Path
    key_path: Path


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    write_private(path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode("ascii"))


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


class LocalCA:
    """A certificate authority in ``directory`` (``ca.crt``, ``ca.key``)."""

    def __init__(self, directory: Path, name: str, key: ec.EllipticCurvePrivateKey,
                 cert: x509.Certificate) -> None:
        self.directory = directory
        self.name = name
        self._key = key
        self.cert = cert

    @property
    def cert_path(self) -> Path:
        """The CA certificate, for ``federation_custom_ca_list``."""
        return self.directory / CA_CERT

    @classmethod
    def ensure(cls, directory: Path, name: str = "busbaan lokale CA") -> LocalCA:
        """The CA in ``directory``: reused when it is there and valid, made otherwise."""
        directory = directory.absolute()
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / CA_CERT, directory / CA_KEY
        if cert_path.exists() and key_path.exists():
            try:
                cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
                key = serialization.load_pem_private_key(key_path.read_bytes(), None)
            except ValueError as exc:
                raise CertificateError(
                    f"{directory}: de lokale CA is onleesbaar ({exc}); verwijder de map",
                    f"{directory}: the local CA cannot be read ({exc}); delete the directory",
                ) from exc
            if isinstance(key, ec.EllipticCurvePrivateKey) and \
                    cert.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS):
                return cls(directory, name, key, cert)
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=CA_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256())
        )
        _write_key(key_path, key)
        cert_path.write_text(_pem(cert), encoding="ascii")
        # Leaves of an earlier CA would no longer verify: issue them again.
        for old in directory.glob("*.server.crt"):
            old.unlink()
        return cls(directory, name, key, cert)

    def issue(self, hostname: str, *, days: int = LEAF_DAYS) -> ServerCertificate:
        """A server certificate for ``hostname`` (no port), reused while it is valid."""
        host = hostname.partition(":")[0] if not hostname.startswith("[") else hostname
        cert_path = self.directory / f"{host}.server.crt"
        key_path = self.directory / f"{host}.server.key"
        if cert_path.exists() and key_path.exists():
            try:
                existing = x509.load_pem_x509_certificate(cert_path.read_bytes())
            except ValueError:
                existing = None
            if (existing is not None and existing.issuer == self.cert.subject
                    and existing.not_valid_after_utc - _now() > dt.timedelta(days=RENEW_DAYS)):
                return ServerCertificate(host, cert_path, key_path)
        key = ec.generate_private_key(ec.SECP256R1())
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                self._key.public_key()), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        _write_key(key_path, key)
        cert_path.write_text(_pem(cert) + _pem(self.cert), encoding="ascii")
        return ServerCertificate(host, cert_path, key_path)


__all__ = ["CertificateError", "LocalCA", "ServerCertificate"]
