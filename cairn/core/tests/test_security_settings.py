"""Production settings pass Django's deployment checks and send the security headers.

Production settings are read once at start-up from the environment, so they are
checked in a separate process started with a production-like environment.
"""

import json
import os
import secrets
import subprocess
import sys
from typing import Any

from django.test import Client

from config.env import BASE_DIR

PRODUCTION_HOST = "cairn.example"
HEADERS_SCRIPT = """
import json
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="cairn.example")
secure = client.get("/health/live", secure=True)
plain = client.get("/")
print(json.dumps({
    "secure": {"status": secure.status_code, "headers": dict(secure.headers)},
    "plain": {"status": plain.status_code, "location": plain.get("Location", "")},
}))
"""


def run_in_production(*args: str) -> subprocess.CompletedProcess[str]:
    """Run Python in a process configured like a production deployment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CAIRN_", "DJANGO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        CAIRN_DEBUG="0",
        CAIRN_SECRET_KEY=secrets.token_urlsafe(50),
        CAIRN_ALLOWED_HOSTS=PRODUCTION_HOST,
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    completed = run_in_production(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING"
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_production_responses_enforce_https_and_send_security_headers() -> None:
    completed = run_in_production("-c", HEADERS_SCRIPT)
    assert completed.returncode == 0, completed.stderr

    answers: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])

    assert answers["plain"] == {
        "status": 301,
        "location": f"https://{PRODUCTION_HOST}/",
    }
    secure = answers["secure"]
    assert secure["status"] == 200
    headers = secure["headers"]
    assert headers["Strict-Transport-Security"].startswith(
        "max-age=31536000; includeSubDomains"
    )
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_responses_carry_content_security_policy_and_nosniff() -> None:
    response = Client().get("/health/live")

    directives = sorted(
        part.strip() for part in response["Content-Security-Policy"].split(";")
    )
    assert directives == [
        "base-uri 'self'",
        "default-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "img-src 'self' data:",
        "script-src 'self'",
        "style-src 'self'",
    ]
    assert response["X-Content-Type-Options"] == "nosniff"
