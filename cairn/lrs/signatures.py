"""Signed statements: a JWS (RS256/384/512) over the statement, as an attachment.

The LRS refuses a signature it can tell is wrong: not a compact JWS, another
algorithm, a payload that is not the statement, or (when the JWS carries its
certificate in `x5c`) a signature that the certificate's key does not verify.
"""

import base64
import binascii
import copy
from collections.abc import Callable, Mapping
from typing import Any

import jwt
import orjson
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from cairn.lrs.xapi.errors import XAPIError

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = ["RS256", "RS384", "RS512"]


def check_signatures(
    statement: dict[str, Any],
    parts: Mapping[str, bytes],
    *,
    same_statement: Callable[[dict[str, Any], dict[str, Any]], bool],
    path: str = "",
) -> None:
    """Check every signature attachment of `statement` against its part."""
    for position, attachment in enumerate(statement.get("attachments") or []):
        if attachment.get("usageType") != SIGNATURE_USAGE:
            continue
        where = f"{path}attachments[{position}]"
        if attachment.get("contentType") != "application/octet-stream":
            raise XAPIError(
                "a signature's contentType is application/octet-stream.",
                path=f"{where}.contentType",
            )
        token = parts.get(attachment["sha2"])
        if token is None:
            raise XAPIError("the signature is not in the request.", path=where)
        payload = _verified_payload(token, where)
        unsigned = copy.deepcopy(statement)
        unsigned["attachments"] = [
            item
            for item in unsigned.get("attachments") or []
            if item.get("usageType") != SIGNATURE_USAGE
        ]
        if not unsigned["attachments"]:
            del unsigned["attachments"]
        if "id" not in payload:
            unsigned.pop("id", None)
        if not same_statement(payload, unsigned):
            raise XAPIError("the signed payload is not this statement.", path=where)


def _verified_payload(token: bytes, where: str) -> dict[str, Any]:
    try:
        text = token.decode("ascii").strip()
        header = jwt.get_unverified_header(text)
    except (UnicodeDecodeError, jwt.exceptions.DecodeError) as error:
        raise XAPIError("the signature is not a compact JWS.", path=where) from error
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise XAPIError(
            f"the signature's algorithm must be one of {', '.join(ALGORITHMS)}.",
            path=where,
        )
    certificates = header.get("x5c")
    try:
        if certificates:
            key = _certificate_key(certificates[0], where)
            raw = jwt.api_jws.decode(text, key, algorithms=[algorithm])
        else:
            raw = jwt.api_jws.decode(
                text, algorithms=[algorithm], options={"verify_signature": False}
            )
    except jwt.exceptions.InvalidSignatureError as error:
        raise XAPIError("the signature does not verify.", path=where) from error
    except jwt.exceptions.PyJWTError as error:
        raise XAPIError(f"the signature is malformed: {error}.", path=where) from error
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise XAPIError("the signed payload is not JSON.", path=where) from error
    if not isinstance(payload, dict):
        raise XAPIError("the signed payload is not a statement.", path=where)
    return payload


def _certificate_key(encoded: Any, where: str) -> RSAPublicKey:
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(encoded))
    except (binascii.Error, ValueError, TypeError) as error:
        raise XAPIError("the x5c certificate is malformed.", path=where) from error
    key = certificate.public_key()
    if not isinstance(key, RSAPublicKey):
        raise XAPIError("the x5c certificate's key is not RSA.", path=where)
    return key
