"""The fetch URL of a cmi5 launch: the AU posts to it once for its auth token.

The token in the address is the credential, so the view needs no session and no
CSRF token, and answers any origin (an AU may be hosted elsewhere). As cmi5
requires, it always answers 200 with JSON: the auth token, or an error code.
"""

import orjson
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cairn.lrs.services.launches import FetchRefusedError, redeem_fetch_token

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Cache-Control": "no-store",
}


@csrf_exempt
def cmi5_fetch(request: HttpRequest, token: str) -> HttpResponse:
    """Give the AU its auth token, once (cmi5's fetch URL)."""
    if request.method == "OPTIONS":
        response = HttpResponse(status=200)
    elif request.method != "POST":
        response = HttpResponse(status=405, headers={"Allow": "POST, OPTIONS"})
    else:
        try:
            body = {"auth-token": redeem_fetch_token(token)}
        except FetchRefusedError as error:
            body = {"error-code": error.code, "error-text": error.text}
        response = HttpResponse(orjson.dumps(body), content_type="application/json")
    for name, value in CORS.items():
        response[name] = value
    return response
