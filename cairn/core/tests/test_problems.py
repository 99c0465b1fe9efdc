from typing import Any

from rest_framework import serializers

from cairn.core.api.problems import flatten_errors


def test_nested_field_errors_become_json_pointers() -> None:
    class Line(serializers.Serializer[Any]):
        quantity = serializers.IntegerField(min_value=1)

    class Order(serializers.Serializer[Any]):
        name = serializers.CharField()
        lines = Line(many=True)

    order = Order(data={"lines": [{"quantity": 1}, {"quantity": 0}]})
    assert not order.is_valid()

    errors = flatten_errors(order.errors)

    assert [(e["pointer"], e["field"], e["code"]) for e in errors] == [
        ("/name", "name", "required"),
        ("/lines/1/quantity", "lines.1.quantity", "min_value"),
    ]


def test_unknown_api_path_answers_problem_details(client: Any, db: Any) -> None:
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://cairn.dev/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "No such resource.",
        "instance": "/api/v1/no-such-thing/",
    }


def test_anonymous_api_request_answers_401_problem(client: Any, db: Any) -> None:
    response = client.get("/api/v1/activity/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not authenticated"
    assert response["WWW-Authenticate"] == "Bearer"
