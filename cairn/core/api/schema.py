"""OpenAPI schema additions: the problem-details answers every operation may give."""

from typing import Any

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An RFC 9457 problem details object.",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["pointer", "detail", "code"],
                "properties": {
                    "pointer": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                    "detail": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}

_DESCRIPTIONS = {
    "400": "Invalid request: `errors` names each field and what is wrong with it.",
    "401": "Not authenticated.",
    "403": "Authenticated, but not allowed (or a read-only token tried to write).",
    "404": "Not found, or not visible to you: the two are indistinguishable.",
    "415": "The request body's media type is not one this operation accepts.",
    "429": "Too many requests.",
}


def add_problem_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Document the problem-details answers of every operation.

    A drf-spectacular postprocessing hook: it runs after the default hooks.
    """
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    reference = {"$ref": "#/components/schemas/Problem"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # Lists answer 404 too, for a page number past the end.
            codes = ["400", "401", "403", "404", "429"]
            if "requestBody" in operation:
                codes.append("415")
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/problem+json": {"schema": reference}},
                    },
                )
    return result
