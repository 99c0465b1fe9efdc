"""Attachments in multipart/mixed, signed statements and 1.0.3's alternate syntax."""

import base64
import datetime
import hashlib
from typing import Any
from urllib.parse import urlencode

import jwt
import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.test import Client

from cairn.lrs.models import Statement, StatementAttachment
from cairn.lrs.multipart import boundary_of, build_multipart, parse_multipart
from cairn.lrs.signatures import SIGNATURE_USAGE
from cairn.lrs.tests.support import XAPIClient, make_xapi_client, statement
from cairn.lrs.xapi.errors import XAPIError

pytestmark = pytest.mark.django_db
STATEMENTS = "/xapi/statements"
CERTIFICATE_USAGE = "https://cairn.example/attachments/certificate"


def _attachment(content: bytes, **extra: Any) -> dict[str, Any]:
    return {
        "usageType": CERTIFICATE_USAGE,
        "display": {"en-US": "Certificate"},
        "contentType": "application/pdf",
        "length": len(content),
        "sha2": hashlib.sha256(content).hexdigest(),
        **extra,
    }


def _post_multipart(
    lrs: XAPIClient, body: Any, parts: list[tuple[dict[str, str], bytes]]
) -> Any:
    content, content_type = build_multipart(
        [({"Content-Type": "application/json"}, orjson.dumps(body)), *parts]
    )
    return Client().post(
        STATEMENTS, content, content_type=content_type, headers=lrs.headers()
    )


def _part(content: bytes, content_type: str = "application/pdf") -> Any:
    return (
        {
            "Content-Type": content_type,
            "Content-Transfer-Encoding": "binary",
            "X-Experience-API-Hash": hashlib.sha256(content).hexdigest(),
        },
        content,
    )


def test_an_attachment_is_stored_and_returned_with_attachments_true() -> None:
    lrs = make_xapi_client()
    pdf = b"%PDF-1.7 certificate of completion"

    response = _post_multipart(
        lrs, statement(attachments=[_attachment(pdf)]), [_part(pdf)]
    )

    assert response.status_code == 200, response.content
    [statement_id] = response.json()
    answer = lrs.get(STATEMENTS, {"statementId": statement_id, "attachments": "true"})
    parts = parse_multipart(answer.content, boundary_of(answer["Content-Type"]))
    assert orjson.loads(parts[0].content)["id"] == statement_id
    assert parts[1].content == pdf
    assert parts[1].headers["x-experience-api-hash"] == hashlib.sha256(pdf).hexdigest()


def test_without_attachments_true_the_answer_is_plain_json() -> None:
    lrs = make_xapi_client()
    pdf = b"%PDF-1.7 x"
    [statement_id] = _post_multipart(
        lrs, statement(attachments=[_attachment(pdf)]), [_part(pdf)]
    ).json()

    answer = lrs.get(STATEMENTS, {"statementId": statement_id})

    assert answer["Content-Type"] == "application/json"


def test_an_attachment_without_its_part_is_refused() -> None:
    lrs = make_xapi_client()

    response = lrs.post_json(
        STATEMENTS, statement(attachments=[_attachment(b"%PDF missing")])
    )

    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_an_attachment_with_a_file_url_needs_no_part() -> None:
    lrs = make_xapi_client()
    attachment = _attachment(b"x", fileUrl="https://files.example.com/cert.pdf")

    response = lrs.post_json(STATEMENTS, statement(attachments=[attachment]))

    assert response.status_code == 200


def test_a_part_that_belongs_to_no_attachment_is_refused() -> None:
    lrs = make_xapi_client()

    response = _post_multipart(lrs, statement(), [_part(b"stray")])

    assert response.status_code == 400
    assert StatementAttachment.objects.count() == 0


def test_a_part_whose_content_does_not_match_its_hash_is_refused() -> None:
    lrs = make_xapi_client()
    pdf = b"%PDF real"
    headers, _ = _part(pdf)

    response = _post_multipart(
        lrs, statement(attachments=[_attachment(pdf)]), [(headers, b"%PDF fake")]
    )

    assert response.status_code == 400
    assert Statement.objects.count() == 0


def test_a_multipart_body_must_start_with_json() -> None:
    lrs = make_xapi_client()
    content, content_type = build_multipart([({"Content-Type": "text/plain"}, b"hi")])

    response = Client().post(
        STATEMENTS, content, content_type=content_type, headers=lrs.headers()
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [b"no boundary at all", b"--b\r\nContent-Type: a\r\n\r\nx\r\n", b"--b\r\nX"],
)
def test_malformed_multipart_bodies_are_refused(body: bytes) -> None:
    with pytest.raises(XAPIError):
        parse_multipart(body, "b")


# Signed statements ---------------------------------------------------------------


def _key_and_certificate() -> tuple[rsa.RSAPrivateKey, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Cairn test signer")])
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    return key, base64.b64encode(der).decode()


def _signed(
    signed: dict[str, Any], sent: dict[str, Any], algorithm: str = "RS256"
) -> tuple[dict[str, Any], Any]:
    key, certificate = _key_and_certificate()
    secret: Any = key if algorithm.startswith("RS") else "shared-secret" * 4
    headers = {"x5c": [certificate]} if algorithm.startswith("RS") else {}
    token = jwt.encode(signed, secret, algorithm=algorithm, headers=headers).encode()
    attachment = {
        "usageType": SIGNATURE_USAGE,
        "display": {"en-US": "Signature"},
        "contentType": "application/octet-stream",
        "length": len(token),
        "sha2": hashlib.sha256(token).hexdigest(),
    }
    return {**sent, "attachments": [attachment]}, _part(
        token, "application/octet-stream"
    )


def test_a_correctly_signed_statement_is_stored() -> None:
    lrs = make_xapi_client()
    original = statement()
    body, part = _signed(original, original)

    response = _post_multipart(lrs, body, [part])

    assert response.status_code == 200, response.content


def test_a_signature_over_another_statement_is_refused() -> None:
    lrs = make_xapi_client()
    body, part = _signed(statement(learner="bo@beta.example"), statement())

    response = _post_multipart(lrs, body, [part])

    assert response.status_code == 400
    assert "not this statement" in response.json()["detail"]
    assert Statement.objects.count() == 0


def test_a_signature_with_a_symmetric_algorithm_is_refused() -> None:
    lrs = make_xapi_client()
    body, part = _signed(statement(), statement(), algorithm="HS256")

    response = _post_multipart(lrs, body, [part])

    assert response.status_code == 400
    assert "algorithm" in response.json()["detail"]


def test_a_signature_that_is_not_a_jws_is_refused() -> None:
    lrs = make_xapi_client()
    junk = b"this is not a jws"
    attachment = {
        "usageType": SIGNATURE_USAGE,
        "display": {"en-US": "Signature"},
        "contentType": "application/octet-stream",
        "length": len(junk),
        "sha2": hashlib.sha256(junk).hexdigest(),
    }

    response = _post_multipart(
        lrs,
        statement(attachments=[attachment]),
        [_part(junk, "application/octet-stream")],
    )

    assert response.status_code == 400


# The alternate request syntax of 1.0.3 -------------------------------------------


def _alternate(lrs: XAPIClient, method: str, form: dict[str, str]) -> Any:
    headers = lrs.headers()
    fields = {
        "Authorization": headers["Authorization"],
        "X-Experience-API-Version": headers["X-Experience-API-Version"],
        **form,
    }
    return Client().post(
        f"{STATEMENTS}?method={method}",
        urlencode(fields),
        content_type="application/x-www-form-urlencoded",
    )


def test_the_alternate_syntax_reads_and_writes_in_1_0_3() -> None:
    lrs = make_xapi_client(version="1.0.3")
    statement_id = "0f2b8a4e-1d65-4a9e-9e1e-2f1ad1d8f5a1"

    put = _alternate(
        lrs,
        "PUT",
        {"statementId": statement_id, "content": orjson.dumps(statement()).decode()},
    )
    get = _alternate(lrs, "GET", {"statementId": statement_id})

    assert put.status_code == 204, put.content
    assert get.status_code == 200
    assert get.json()["id"] == statement_id


def test_the_alternate_syntax_refuses_other_query_parameters() -> None:
    lrs = make_xapi_client(version="1.0.3")

    response = Client().post(
        f"{STATEMENTS}?method=GET&limit=1",
        urlencode({"Authorization": lrs.headers()["Authorization"]}),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400


def test_the_alternate_syntax_is_not_part_of_2_0() -> None:
    lrs = make_xapi_client(version="2.0.0")

    response = _alternate(lrs, "GET", {})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "method"


def test_an_alternate_put_without_content_is_refused() -> None:
    lrs = make_xapi_client(version="1.0.3")

    response = _alternate(
        lrs, "PUT", {"statementId": "0f2b8a4e-1d65-4a9e-9e1e-2f1ad1d8f5a1"}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "content"
