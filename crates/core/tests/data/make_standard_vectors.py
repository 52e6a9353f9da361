#!/usr/bin/env python3
"""Regenerates the Standard Webhooks vectors that hookguard's tests read.

The signatures come from implementations independent of hookguard: the
Python `standardwebhooks` library (v1, HMAC) and Python `cryptography`
(v1a, ed25519, on OpenSSL). The tests only read the JSON files; run this
to regenerate them:

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install standardwebhooks cryptography
    /tmp/venv/bin/python crates/core/tests/data/make_standard_vectors.py

Keys are derived from fixed seeds so the files are stable; ed25519 is
deterministic, so the same seed and message always give the same signature.
"""

import base64
import json
import pathlib
from datetime import datetime, timezone

import cryptography
import standardwebhooks
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    PrivateFormat,
    NoEncryption,
)

HERE = pathlib.Path(__file__).parent
ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = '{"test": 2432232314}'
MESSAGE = f"{ID}.{TIMESTAMP}.{BODY}".encode()
# The group order of ed25519 (RFC 8032 §5.1).
L = 2**252 + 27742317777372353535851937790883648493


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def key_pair(seed_byte: int):
    private = Ed25519PrivateKey.from_private_bytes(bytes([seed_byte]) * 32)
    seed = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    spki = private.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return private, seed, raw, spki


def write(name: str, data: dict) -> None:
    (HERE / name).write_text(json.dumps(data, indent=2) + "\n")


def lenient_secret_vector(name: str, secret: str, note: str) -> None:
    signed = standardwebhooks.Webhook(secret).sign(
        ID, datetime.fromtimestamp(TIMESTAMP, tz=timezone.utc), BODY
    )
    write(
        name,
        {
            "source": f"Python standardwebhooks {standardwebhooks.__version__ if hasattr(standardwebhooks, '__version__') else ''}".strip()
            + f" ({note}); make_standard_vectors.py",
            "scheme": "standard",
            "secret": secret,
            "id": ID,
            "timestamp": TIMESTAMP,
            "body": BODY,
            "header": "webhook-signature",
            "signature": signed,
        },
    )


def v1a_vectors() -> None:
    private, seed, raw, spki = key_pair(0x42)
    other, _, other_raw, _ = key_pair(0x17)
    signature = private.sign(MESSAGE)
    private.public_key().verify(signature, MESSAGE)
    wrong_signature = other.sign(MESSAGE)

    # S + L encodes the same scalar non-canonically; strict verifiers refuse it.
    s = int.from_bytes(signature[32:], "little") + L
    assert s < 2**256
    non_canonical = signature[:32] + s.to_bytes(32, "little")

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    hmac_entry = standardwebhooks.Webhook(secret).sign(
        ID, datetime.fromtimestamp(TIMESTAMP, tz=timezone.utc), BODY
    )
    v1a = f"v1a,{b64(signature)}"
    wrong_v1a = f"v1a,{b64(wrong_signature)}"
    # The identity point: a small-order key under which R = identity, S = 0
    # "verifies" any message in a lax (unchecked) verifier.
    identity = bytes([1]) + bytes(31)
    forged = f"v1a,{b64(identity + bytes(32))}"

    keys = {
        "raw": b64(raw),
        "raw_whpk": "whpk_" + b64(raw),
        "raw_whpk_unpadded": "whpk_" + b64(raw).rstrip("="),
        "spki": b64(spki),
        "spki_whpk": "whpk_" + b64(spki),
        "other_raw": b64(other_raw),
    }
    cases = [
        {"name": f"public key {encoding}", "public_keys": [keys[encoding]], "signature": v1a,
         "expect": "ok", "public_key_index": 0}
        for encoding in ["raw", "raw_whpk", "raw_whpk_unpadded", "spki", "spki_whpk"]
    ] + [
        {"name": "wrong key", "public_keys": [keys["other_raw"]], "signature": v1a,
         "expect": "signature_mismatch"},
        {"name": "second key matches", "public_keys": [keys["other_raw"], keys["spki_whpk"]],
         "signature": v1a, "expect": "ok", "public_key_index": 1},
        {"name": "signature of another key", "public_keys": [keys["raw"]], "signature": wrong_v1a,
         "expect": "signature_mismatch"},
        {"name": "mixed v1 and v1a, secret and key: the secret is tried first",
         "secrets": [secret], "public_keys": [keys["raw"]],
         "signature": f"{hmac_entry} {v1a}", "expect": "ok", "secret_index": 0},
        {"name": "mixed v1 and v1a, key only", "public_keys": [keys["raw"]],
         "signature": f"{hmac_entry} {v1a}", "expect": "ok", "public_key_index": 0},
        {"name": "mixed v1 and v1a, secret only", "secrets": [secret],
         "signature": f"{v1a} {hmac_entry}", "expect": "ok", "secret_index": 0},
        {"name": "v1a only, no public key configured", "secrets": [secret], "signature": v1a,
         "expect": "signature_mismatch"},
        {"name": "wrong v1, right v1a", "secrets": ["whsec_" + b64(b"another secret")],
         "public_keys": [keys["raw"]], "signature": f"{hmac_entry} {v1a}", "expect": "ok",
         "public_key_index": 0},
        {"name": "non-canonical signature (S >= L)", "public_keys": [keys["raw"]],
         "signature": f"v1a,{b64(non_canonical)}", "expect": "signature_mismatch"},
        {"name": "truncated signature", "public_keys": [keys["raw"]],
         "signature": f"v1a,{b64(signature[:63])}", "expect": "signature_mismatch"},
        {"name": "signature without its padding", "public_keys": [keys["raw"]],
         "signature": v1a.rstrip("="), "expect": "signature_mismatch"},
        {"name": "identity forgery under a real key", "public_keys": [keys["raw"]],
         "signature": forged, "expect": "signature_mismatch"},
        {"name": "16 entries, the last one valid", "public_keys": [keys["raw"]],
         "signature": " ".join([wrong_v1a] * 15 + [v1a]), "expect": "ok", "public_key_index": 0},
        {"name": "17 entries", "public_keys": [keys["raw"]],
         "signature": " ".join([wrong_v1a] * 16 + [v1a]), "expect": "malformed_header"},
        {"name": "no entry of a known version", "public_keys": [keys["raw"]],
         "signature": "v2," + b64(signature), "expect": "malformed_header"},
    ]
    write(
        "standard-webhooks-v1a-python-cryptography.json",
        {
            "source": f"Python cryptography {cryptography.__version__} (OpenSSL ed25519); make_standard_vectors.py",
            "id": ID,
            "timestamp": TIMESTAMP,
            "body": BODY,
            "signature": v1a,
            "signing_keys": {
                "seed": "whsk_" + b64(seed),
                "seed_and_public": "whsk_" + b64(seed + raw),
            },
            "keys": keys,
            "refused_keys": [
                {"name": "small-order public key (the identity)", "key": "whpk_" + b64(identity),
                 "error": "PublicKeyWeak", "forged_signature": forged},
                {"name": "64-byte signing key whose public half is another key's",
                 "signing_key": "whsk_" + b64(seed + other_raw), "error": "SigningKeyMismatch"},
                {"name": "33-byte public key", "key": b64(raw + b"\x00"), "error": "PublicKeyLength"},
            ],
            "cases": cases,
        },
    )


lenient_secret_vector(
    "standard-webhooks-python-unpadded-secret.json",
    "whsec_7N4c0MGT1ALoOw3SQ/CYt1bsZot7xhlwW3L+50t0a1E",
    "a 32-byte secret written without base64 padding",
)
lenient_secret_vector(
    "standard-webhooks-python-trailing-bits-secret.json",
    "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwBr",
    "the library's own test secret, whose last character carries stray bits",
)
v1a_vectors()
