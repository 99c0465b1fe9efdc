from pathlib import Path

from django.core.management import call_command

DOCUMENT = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


def test_published_openapi_document_is_current(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"

    call_command(
        "spectacular", "--file", str(generated), "--validate", "--fail-on-warn"
    )

    assert generated.read_text() == DOCUMENT.read_text(), (
        "docs/openapi.yaml is out of date: run `make schema`"
    )
