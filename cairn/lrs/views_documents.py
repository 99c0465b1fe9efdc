"""The xAPI document resources (state, activity profile, agent profile) and the
activities and agents resources.

A GET of one document answers its content as stored, with the Content-Type it was
sent with, its ETag and Last-Modified; a GET without the document id answers the
ids of the scope (changed after `since`, if given). PUT replaces, POST merges JSON
objects, DELETE removes; all three honour If-Match and If-None-Match.
"""

from django.http import HttpResponse
from django.utils.http import http_date

from cairn.lrs import policies
from cairn.lrs.http import XAPIRequest, json_response, xapi_resource
from cairn.lrs.launch_rules import (
    activity_profile_rule,
    agent_profile_rule,
    state_rule,
)
from cairn.lrs.selectors_documents import (
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    STATE,
    DocumentResource,
    DocumentScope,
    find_activity,
    find_document,
    find_person,
    list_document_ids,
    parse_activity_params,
    parse_agent_params,
    parse_document_params,
)
from cairn.lrs.services.documents import (
    Preconditions,
    delete_document,
    delete_documents,
    etag_matches,
    post_document,
    put_document,
)
from cairn.lrs.xapi.errors import XAPIError

DOCUMENT_METHODS = {"GET", "PUT", "POST", "DELETE"}


def _state_scopes(method: str) -> set[str]:
    if method in {"GET", "HEAD"}:
        return set(policies.READ_STATE)
    return set(policies.WRITE_STATE)


def _profile_scopes(method: str) -> set[str]:
    if method in {"GET", "HEAD"}:
        return set(policies.READ_PROFILES)
    return set(policies.WRITE_PROFILES)


def _description_scopes(method: str) -> set[str]:
    return set(policies.READ_DESCRIPTIONS)


@xapi_resource(methods=DOCUMENT_METHODS, scopes=_state_scopes, launch_rule=state_rule)
def activities_state(request: XAPIRequest) -> HttpResponse:
    """Answer the state resource: one agent's documents in one activity."""
    return _documents(request, STATE)


@xapi_resource(
    methods=DOCUMENT_METHODS,
    scopes=_profile_scopes,
    launch_rule=activity_profile_rule,
)
def activities_profile(request: XAPIRequest) -> HttpResponse:
    """Answer the activity profile resource: documents about one activity."""
    return _documents(request, ACTIVITY_PROFILE)


@xapi_resource(
    methods=DOCUMENT_METHODS, scopes=_profile_scopes, launch_rule=agent_profile_rule
)
def agents_profile(request: XAPIRequest) -> HttpResponse:
    """Answer the agent profile resource: documents about one agent."""
    return _documents(request, AGENT_PROFILE)


@xapi_resource(methods={"GET"}, scopes=_description_scopes)
def activities(request: XAPIRequest) -> HttpResponse:
    """Answer the activities resource: an Activity with its canonical definition."""
    return json_response(find_activity(parse_activity_params(request.params)))


@xapi_resource(methods={"GET"}, scopes=_description_scopes)
def agents(request: XAPIRequest) -> HttpResponse:
    """Answer the agents resource: the Person object of an agent."""
    agent = parse_agent_params(request.params)
    return json_response(find_person(agent, client=request.client))


def _documents(request: XAPIRequest, resource: DocumentResource) -> HttpResponse:
    parsed = parse_document_params(resource, request.method, request.params)
    scope, document_id = parsed.scope, parsed.document_id
    preconditions = Preconditions(
        if_match=request.headers.get("If-Match"),
        if_none_match=request.headers.get("If-None-Match"),
    )
    if request.method in {"GET", "HEAD"}:
        if document_id is None:
            listed = list_document_ids(scope, parsed.since)
            headers: dict[str, str] = {}
            if listed.last_modified is not None:
                headers["Last-Modified"] = http_date(listed.last_modified.timestamp())
            return json_response(listed.ids, headers=headers)
        return _document_answer(request, scope, document_id, resource.id_param)
    if request.method == "DELETE":
        if document_id is None:
            delete_documents(scope)
        else:
            delete_document(scope, document_id, preconditions=preconditions)
        return HttpResponse(status=204)
    if document_id is None:  # parse_document_params requires it for PUT and POST
        raise XAPIError("is required.", path=resource.id_param)
    content_type = request.headers.get("Content-Type", "")
    if request.method == "PUT":
        put_document(
            scope,
            document_id,
            content=request.body,
            content_type=content_type,
            preconditions=preconditions,
            version=request.version,
        )
    else:
        post_document(
            scope,
            document_id,
            content=request.body,
            content_type=content_type,
            preconditions=preconditions,
        )
    return HttpResponse(status=204)


def _document_answer(
    request: XAPIRequest, scope: DocumentScope, document_id: str, id_param: str
) -> HttpResponse:
    document = find_document(scope, document_id)
    if document is None:
        raise XAPIError(f"No document with this {id_param}.", status=404)
    headers = {
        "ETag": f'"{document.etag}"',
        "Last-Modified": http_date(document.updated.timestamp()),
    }
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and etag_matches(if_none_match, document.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            bytes(document.content), content_type=document.content_type
        )
    for name, value in headers.items():
        response[name] = value
    return response
