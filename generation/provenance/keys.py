"""Who signs the studio's Content Credentials: the operator's certificate chain and key (a file's
path or the PEM itself), a callable that returns a c2pa.Signer (a KMS, an HSM), or — on a fresh
install — a local CA and signing certificate made once in STUDIO_C2PA_DIR. The local signer
makes valid signatures that nobody trusts: every page that shows credentials says so, and
`check --deploy` warns when production uses it (docs/provenance.md)."""

from __future__ import annotations

import datetime
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.utils.module_loading import import_string

LOCAL_ORG = "Reelroom local signer (untrusted, for testing)"
LOCAL_FILE = "local-signer.pem"  # the key and the chain, written at once


@dataclass(frozen=True)
class Identity:
    name: str
    local: bool  # the studio's own test CA: valid signatures, trusted by nobody


def _pem(value: str) -> bytes:
    """A PEM given inline, or the file it is in."""
    if "-----BEGIN" in value:
        return value.encode()
    return Path(value).expanduser().read_bytes()


def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )


def _usage(signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def make_bundle(org: str = LOCAL_ORG, name: str = "Reelroom local") -> bytes:
    """A CA and a leaf certificate it issues for claim signing (C2PA needs a chain: a
    self-signed leaf is refused), as one PEM: the leaf's key, the leaf, the CA."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} CA", org))
        .issuer_name(_name(f"{name} CA", org))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{name} signer", org))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        private
        + leaf.public_bytes(serialization.Encoding.PEM)
        + ca.public_bytes(serialization.Encoding.PEM)
    )


def ensure_local() -> Path:
    """The local signer's file, made on first use (or at setup: `manage.py provenance_setup`).
    Written whole or not at all: two workers that race both end with one working signer."""
    path = Path(settings.STUDIO_C2PA_DIR) / LOCAL_FILE
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".signer-")
    with os.fdopen(handle, "wb") as out:
        out.write(make_bundle())
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    return path


def uses_local() -> bool:
    return not (
        settings.STUDIO_C2PA_SIGNER
        or (settings.STUDIO_C2PA_CERT_CHAIN and settings.STUDIO_C2PA_PRIVATE_KEY)
    )


def split(bundle: bytes) -> tuple[bytes, bytes]:
    """(chain, key) of a bundle: the key block, and every certificate in order."""
    key_start = bundle.index(b"-----BEGIN PRIVATE KEY-----")
    key_end = bundle.index(b"-----END PRIVATE KEY-----") + len(b"-----END PRIVATE KEY-----")
    return bundle[key_end:].strip() + b"\n", bundle[key_start:key_end] + b"\n"


def signer() -> tuple[c2pa.Signer, Identity]:
    """A fresh signer (a c2pa Signer signs once) and who it is."""
    if settings.STUDIO_C2PA_SIGNER:
        made = import_string(settings.STUDIO_C2PA_SIGNER)()
        return made, Identity(settings.STUDIO_C2PA_SIGNER.rsplit(".", 1)[-1], local=False)
    if uses_local():
        chain, key = split(ensure_local().read_bytes())
        local = True
    else:
        chain = _pem(settings.STUDIO_C2PA_CERT_CHAIN)
        key = _pem(settings.STUDIO_C2PA_PRIVATE_KEY)
        local = False
    info = c2pa.C2paSignerInfo(
        alg=settings.STUDIO_C2PA_ALG.encode(),
        sign_cert=chain,
        private_key=key,
        ta_url=settings.STUDIO_C2PA_TSA_URL.encode() if settings.STUDIO_C2PA_TSA_URL else None,
    )
    leaf = x509.load_pem_x509_certificate(chain)
    names = leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return c2pa.Signer.from_info(info), Identity(str(names[0].value) if names else "", local)
