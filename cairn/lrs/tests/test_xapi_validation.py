"""Statement validation, rule by rule, for xAPI 1.0.3 and 2.0.

Each case changes one thing in a valid sample statement; invalid cases assert the
exact JSON path the error names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from cairn.lrs.tests.test_xapi_samples import (
    DELETE,
    OTHER_ID,
    mutate,
    typical,
    with_substatement,
)
from cairn.lrs.xapi.errors import XAPIError
from cairn.lrs.xapi.validate import (
    is_duration,
    is_language_tag,
    is_uuid,
    parse_timestamp,
    validate_activity_id,
    validate_agent,
    validate_statement,
)

BOTH = ("1.0.3", "2.0.0")
V1 = ("1.0.3",)
V2 = ("2.0.0",)

T = typical
S = with_substatement

AGENT = {"objectType": "Agent", "mbox": "mailto:bob@partner-b.example"}
GROUP = {"objectType": "Group", "member": [{"mbox": "mailto:a@x.example"}]}
SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"
CONTEXT_AGENT = {
    "objectType": "contextAgent",
    "agent": {"mbox": "mailto:coach@x.example"},
    "relevantTypes": ["https://academy.example.com/roles/coach"],
}
CONTEXT_GROUP = {
    "objectType": "contextGroup",
    "group": {"objectType": "Group", "mbox": "mailto:cohort@x.example"},
    "relevantTypes": ["https://academy.example.com/roles/cohort"],
}
CHOICE = {
    "interactionType": "choice",
    "correctResponsesPattern": ["golf[,]tetris"],
    "choices": [
        {"id": "golf", "description": {"en-US": "Golf"}},
        {"id": "tetris", "description": {"en-US": "Tetris"}},
    ],
}

VALID: list[tuple[str, Any, dict[str, Any], tuple[str, ...]]] = [
    ("minimal", T, dict.fromkeys(("id", "result", "context"), DELETE), BOTH),
    ("actor objectType omitted", T, {"actor.objectType": DELETE}, BOTH),
    ("actor mbox_sha1sum", T, {"actor": {"mbox_sha1sum": SHA1.upper()}}, BOTH),
    ("actor openid", T, {"actor": {"openid": "https://openid.example/ada"}}, BOTH),
    (
        "actor account",
        T,
        {"actor": {"account": {"homePage": "https://crm.example", "name": "a b"}}},
        BOTH,
    ),
    ("actor anonymous group", T, {"actor": {**GROUP}}, BOTH),
    (
        "actor identified group, empty member list",
        T,
        {"actor": {"objectType": "Group", "mbox": "mailto:g@x.example", "member": []}},
        BOTH,
    ),
    ("uppercase uuid", T, {"id": OTHER_ID.upper()}, BOTH),
    ("verb without display", T, {"verb.display": DELETE}, BOTH),
    ("empty language map", T, {"verb.display": {}}, BOTH),
    (
        "language tags",
        T,
        {"verb.display": {"zh-Hant-TW": "x", "sr-Latn-RS": "y"}},
        BOTH,
    ),
    ("grandfathered tag", T, {"verb.display": {"i-klingon": "x"}}, BOTH),
    ("activity without objectType", T, {"object.objectType": DELETE}, BOTH),
    ("activity without definition", T, {"object.definition": DELETE}, BOTH),
    ("choice interaction", T, {"object.definition": CHOICE}, BOTH),
    (
        "matching interaction",
        T,
        {
            "object.definition": {
                "interactionType": "matching",
                "source": [{"id": "a"}],
                "target": [{"id": "1"}],
            }
        },
        BOTH,
    ),
    (
        "object agent",
        T,
        {"object": AGENT, "context.revision": DELETE, "context.platform": DELETE},
        BOTH,
    ),
    (
        "object statement ref",
        T,
        {
            "object": {"objectType": "StatementRef", "id": OTHER_ID},
            "context.revision": DELETE,
            "context.platform": DELETE,
        },
        BOTH,
    ),
    (
        "voiding",
        T,
        {
            "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": OTHER_ID},
            "context": DELETE,
        },
        BOTH,
    ),
    ("score without scaled", T, {"result.score": {"raw": 0, "min": 0}}, BOTH),
    (
        "score at bounds",
        T,
        {"result.score": {"scaled": -1, "raw": 100, "max": 100}},
        BOTH,
    ),
    ("duration weeks", T, {"result.duration": "P3W"}, BOTH),
    ("duration fine precision", T, {"result.duration": "P1DT12H36M0.12567S"}, BOTH),
    (
        "context activity single object",
        T,
        {"context.contextActivities.other": {"id": "urn:x:1"}},
        BOTH,
    ),
    (
        "extension values may be null or empty",
        T,
        {"result.extensions": {"urn:x:a": "", "urn:x:b": None, "urn:x:c": {}}},
        BOTH,
    ),
    ("timestamp offset", T, {"timestamp": "2026-11-23T05:00:00+01:00"}, BOTH),
    ("timestamp without offset", T, {"timestamp": "2026-11-23T05:00:00"}, BOTH),
    ("timestamp basic format", T, {"timestamp": "20261123T050000Z"}, BOTH),
    ("timestamp null means absent", T, {"timestamp": None}, V2),
    ("timestamp rfc 3339", T, {"timestamp": "2008-09-15T15:53:00.601+00:00"}, BOTH),
    ("stored", T, {"stored": "2026-11-23T04:00:01Z"}, BOTH),
    ("authority agent", T, {"authority": AGENT}, BOTH),
    (
        "authority oauth group",
        T,
        {
            "authority": {
                "objectType": "Group",
                "member": [
                    {"account": {"homePage": "https://lrs.example", "name": "app"}},
                    {"mbox": "mailto:ada@partner-a.example"},
                ],
            }
        },
        BOTH,
    ),
    ("version 1.0", T, {"version": "1.0"}, BOTH),
    ("version 1.0.9", T, {"version": "1.0.9"}, BOTH),
    ("version 2.0.0", T, {"version": "2.0.0"}, V2),
    (
        "attachment content type parameters",
        T,
        {"attachments[0].contentType": "text/plain; charset=ascii"},
        BOTH,
    ),
    ("no attachments", T, {"attachments": []}, BOTH),
    ("context agents", T, {"context.contextAgents": [CONTEXT_AGENT]}, V2),
    ("context groups", T, {"context.contextGroups": [CONTEXT_GROUP]}, V2),
    (
        "context agent without relevant types",
        T,
        {"context.contextAgents": [{"objectType": "contextAgent", "agent": AGENT}]},
        V2,
    ),
    ("substatement", S, {}, BOTH),
    (
        "substatement context agents",
        S,
        {"object.context.contextAgents": [CONTEXT_AGENT]},
        V2,
    ),
]

INVALID: list[tuple[str, Any, dict[str, Any], str, tuple[str, ...]]] = [
    # statement level
    ("unknown property", T, {"Actor": AGENT}, "Actor", BOTH),
    ("actor missing", T, {"actor": DELETE}, "actor", BOTH),
    ("verb missing", T, {"verb": DELETE}, "verb", BOTH),
    ("object missing", T, {"object": DELETE}, "object", BOTH),
    ("actor null", T, {"actor": None}, "actor", BOTH),
    ("context null", T, {"context": None}, "context", BOTH),
    ("id not uuid", T, {"id": OTHER_ID + "8"}, "id", BOTH),
    ("id non hex", T, {"id": "M" + OTHER_ID[1:]}, "id", BOTH),
    ("id number", T, {"id": 12345}, "id", BOTH),
    # agents and groups
    (
        "actor objectType lowercase",
        T,
        {"actor.objectType": "agent"},
        "actor.objectType",
        BOTH,
    ),
    ("actor name number", T, {"actor.name": 7}, "actor.name", BOTH),
    ("agent without ifi", T, {"actor": {"name": "x"}}, "actor", BOTH),
    ("agent with two ifis", T, {"actor.openid": "https://o.example/a"}, "actor", BOTH),
    (
        "mbox without mailto",
        T,
        {"actor.mbox": "ada@partner-a.example"},
        "actor.mbox",
        BOTH,
    ),
    (
        "mbox_sha1sum not hex",
        T,
        {"actor": {"mbox_sha1sum": "z" * 40}},
        "actor.mbox_sha1sum",
        BOTH,
    ),
    (
        "openid not iri",
        T,
        {"actor": {"openid": "openid.example/ada"}},
        "actor.openid",
        BOTH,
    ),
    (
        "account homePage missing",
        T,
        {"actor": {"account": {"name": "a"}}},
        "actor.account.homePage",
        BOTH,
    ),
    (
        "account homePage not irl",
        T,
        {"actor": {"account": {"homePage": "crm.example", "name": "a"}}},
        "actor.account.homePage",
        BOTH,
    ),
    (
        "account name missing",
        T,
        {"actor": {"account": {"homePage": "https://crm.example"}}},
        "actor.account.name",
        BOTH,
    ),
    (
        "account name number",
        T,
        {"actor": {"account": {"homePage": "https://crm.example", "name": 5}}},
        "actor.account.name",
        BOTH,
    ),
    (
        "account extra property",
        T,
        {"actor": {"account": {"homePage": "https://c.example", "name": "a", "id": 1}}},
        "actor.account.id",
        BOTH,
    ),
    (
        "anonymous group without member",
        T,
        {"actor": {"objectType": "Group"}},
        "actor.member",
        BOTH,
    ),
    (
        "anonymous group empty member",
        T,
        {"actor": {"objectType": "Group", "member": []}},
        "actor.member",
        BOTH,
    ),
    (
        "group member not array",
        T,
        {"actor": {**GROUP, "member": AGENT}},
        "actor.member",
        BOTH,
    ),
    (
        "group member is group",
        T,
        {"actor": {**GROUP, "member": [GROUP]}},
        "actor.member[0].objectType",
        BOTH,
    ),
    (
        "group member invalid",
        T,
        {"actor": {**GROUP, "member": [{"name": "x"}]}},
        "actor.member[0]",
        BOTH,
    ),
    (
        "group two ifis",
        T,
        {
            "actor": {
                **GROUP,
                "mbox": "mailto:g@x.example",
                "openid": "https://o.example/g",
            }
        },
        "actor",
        BOTH,
    ),
    # verb
    ("verb id missing", T, {"verb.id": DELETE}, "verb.id", BOTH),
    (
        "verb id not iri",
        T,
        {"verb.id": "adlnet.gov/expapi/verbs/completed"},
        "verb.id",
        BOTH,
    ),
    ("verb display string", T, {"verb.display": "completed"}, "verb.display", BOTH),
    (
        "verb display bad tag",
        T,
        {"verb.display": {"a12345678": "x"}},
        "verb.display.a12345678",
        BOTH,
    ),
    (
        "verb display repeated singleton",
        T,
        {"verb.display": {"zh-z-aaa-z-bbb": "x"}},
        "verb.display.zh-z-aaa-z-bbb",
        BOTH,
    ),
    (
        "verb display value number",
        T,
        {"verb.display": {"en": 1}},
        "verb.display.en",
        BOTH,
    ),
    ("verb extra property", T, {"verb.name": "x"}, "verb.name", BOTH),
    (
        "voiding without statement ref",
        T,
        {"verb.id": "http://adlnet.gov/expapi/verbs/voided"},
        "object",
        BOTH,
    ),
    # activities
    (
        "object objectType lowercase",
        T,
        {"object.objectType": "activity"},
        "object.objectType",
        BOTH,
    ),
    ("activity id missing", T, {"object.id": DELETE}, "object.id", BOTH),
    (
        "activity id not iri",
        T,
        {"object.id": "academy.example.com/m3"},
        "object.id",
        BOTH,
    ),
    ("definition not object", T, {"object.definition": "x"}, "object.definition", BOTH),
    (
        "definition name number",
        T,
        {"object.definition.name": 1},
        "object.definition.name",
        BOTH,
    ),
    (
        "definition type not iri",
        T,
        {"object.definition.type": "module"},
        "object.definition.type",
        BOTH,
    ),
    (
        "definition moreInfo not irl",
        T,
        {"object.definition.moreInfo": "m3"},
        "object.definition.moreInfo",
        BOTH,
    ),
    (
        "definition extension key",
        T,
        {"object.definition.extensions": {"level": 1}},
        "object.definition.extensions.level",
        BOTH,
    ),
    (
        "definition unknown property",
        T,
        {"object.definition.names": {}},
        "object.definition.names",
        BOTH,
    ),
    (
        "interactionType wrong case",
        T,
        {"object.definition": {**CHOICE, "interactionType": "Choice"}},
        "object.definition.interactionType",
        BOTH,
    ),
    (
        "pattern without interactionType",
        T,
        {"object.definition": {"correctResponsesPattern": ["a"]}},
        "object.definition.correctResponsesPattern",
        BOTH,
    ),
    (
        "choices without interactionType",
        T,
        {"object.definition": {"choices": []}},
        "object.definition.choices",
        BOTH,
    ),
    (
        "pattern not strings",
        T,
        {"object.definition": {**CHOICE, "correctResponsesPattern": [1]}},
        "object.definition.correctResponsesPattern[0]",
        BOTH,
    ),
    (
        "component list for other type",
        T,
        {"object.definition": {**CHOICE, "interactionType": "likert"}},
        "object.definition.choices",
        BOTH,
    ),
    (
        "component duplicate id",
        T,
        {"object.definition": {**CHOICE, "choices": [{"id": "a"}, {"id": "a"}]}},
        "object.definition.choices[1].id",
        BOTH,
    ),
    (
        "component bad description",
        T,
        {
            "object.definition": {
                **CHOICE,
                "choices": [{"id": "a", "description": {"?": "x"}}],
            }
        },
        "object.definition.choices[0].description.?",
        BOTH,
    ),
    (
        "component extra property",
        T,
        {"object.definition": {**CHOICE, "choices": [{"id": "a", "name": {}}]}},
        "object.definition.choices[0].name",
        BOTH,
    ),
    # agents, statement refs and substatements as objects
    (
        "object agent without objectType",
        T,
        {"object": {"mbox": "mailto:b@x.example"}, "context": DELETE},
        "object.mbox",
        BOTH,
    ),
    (
        "statement ref id missing",
        T,
        {"object": {"objectType": "StatementRef"}, "context": DELETE},
        "object.id",
        BOTH,
    ),
    (
        "statement ref id not uuid",
        T,
        {"object": {"objectType": "StatementRef", "id": "x"}, "context": DELETE},
        "object.id",
        BOTH,
    ),
    ("substatement with id", S, {"object.id": OTHER_ID}, "object.id", BOTH),
    (
        "substatement with stored",
        S,
        {"object.stored": "2026-11-23T04:00:00Z"},
        "object.stored",
        BOTH,
    ),
    (
        "substatement with version",
        S,
        {"object.version": "1.0.0"},
        "object.version",
        BOTH,
    ),
    (
        "substatement with authority",
        S,
        {"object.authority": AGENT},
        "object.authority",
        BOTH,
    ),
    (
        "nested substatement",
        S,
        {"object.object": {"objectType": "SubStatement"}},
        "object.object.objectType",
        BOTH,
    ),
    ("substatement without verb", S, {"object.verb": DELETE}, "object.verb", BOTH),
    (
        "substatement team not group",
        S,
        {"object.context.team": AGENT},
        "object.context.team.objectType",
        BOTH,
    ),
    (
        "substatement platform with agent object",
        S,
        {"object.object": AGENT},
        "object.context.platform",
        BOTH,
    ),
    # result
    ("result unknown property", T, {"result.grade": "A"}, "result.grade", BOTH),
    (
        "score scaled above 1",
        T,
        {"result.score.scaled": 1.01},
        "result.score.scaled",
        BOTH,
    ),
    (
        "score scaled string",
        T,
        {"result.score.scaled": "0.5"},
        "result.score.scaled",
        BOTH,
    ),
    ("score raw boolean", T, {"result.score.raw": True}, "result.score.raw", BOTH),
    ("score nan", T, {"result.score.raw": float("nan")}, "result.score.raw", BOTH),
    (
        "score min above max",
        T,
        {"result.score": {"min": 5, "max": 4}},
        "result.score.max",
        BOTH,
    ),
    ("score raw below min", T, {"result.score.raw": -1}, "result.score.raw", BOTH),
    ("score raw above max", T, {"result.score.raw": 101}, "result.score.raw", BOTH),
    ("success string", T, {"result.success": "true"}, "result.success", BOTH),
    ("completion null", T, {"result.completion": None}, "result.completion", BOTH),
    ("response number", T, {"result.response": 3}, "result.response", BOTH),
    (
        "duration alternative format",
        T,
        {"result.duration": "P0000-00-01T12:00:00"},
        "result.duration",
        BOTH,
    ),
    ("duration weeks mixed", T, {"result.duration": "P4W1D"}, "result.duration", BOTH),
    ("duration empty", T, {"result.duration": "PT"}, "result.duration", BOTH),
    (
        "result extension key",
        T,
        {"result.extensions": {"attempts": 1}},
        "result.extensions.attempts",
        BOTH,
    ),
    # context
    (
        "registration not uuid",
        T,
        {"context.registration": "abc"},
        "context.registration",
        BOTH,
    ),
    (
        "instructor invalid",
        T,
        {"context.instructor": {"key": "v"}},
        "context.instructor.key",
        BOTH,
    ),
    ("team is agent", T, {"context.team": AGENT}, "context.team.objectType", BOTH),
    (
        "team without objectType",
        T,
        {"context.team": {"mbox": "mailto:t@x.example"}},
        "context.team.objectType",
        BOTH,
    ),
    (
        "context activities unknown key",
        T,
        {"context.contextActivities.consequences": []},
        "context.contextActivities.consequences",
        BOTH,
    ),
    (
        "context activity string",
        T,
        {"context.contextActivities.other": "urn:x:1"},
        "context.contextActivities.other",
        BOTH,
    ),
    (
        "context activity bad member",
        T,
        {"context.contextActivities.parent[0].key": "v"},
        "context.contextActivities.parent[0].key",
        BOTH,
    ),
    (
        "context activity not activity",
        T,
        {"context.contextActivities.parent[0].objectType": "Agent"},
        "context.contextActivities.parent[0].objectType",
        BOTH,
    ),
    ("revision number", T, {"context.revision": 3}, "context.revision", BOTH),
    (
        "revision with agent object",
        T,
        {"object": AGENT, "context.platform": DELETE},
        "context.revision",
        BOTH,
    ),
    (
        "platform with statement ref",
        T,
        {
            "object": {"objectType": "StatementRef", "id": OTHER_ID},
            "context.revision": DELETE,
        },
        "context.platform",
        BOTH,
    ),
    (
        "language invalid",
        T,
        {"context.language": "en_US"},
        "context.language",
        BOTH,
    ),
    (
        "context statement not ref",
        T,
        {"context.statement.objectType": "Statement"},
        "context.statement.objectType",
        BOTH,
    ),
    (
        "context statement id",
        T,
        {"context.statement.id": 1},
        "context.statement.id",
        BOTH,
    ),
    (
        "context extension key",
        T,
        {"context.extensions": {"x": 1}},
        "context.extensions.x",
        BOTH,
    ),
    (
        "context agents in 1.0.3",
        T,
        {"context.contextAgents": [CONTEXT_AGENT]},
        "context.contextAgents",
        V1,
    ),
    (
        "context agents not array",
        T,
        {"context.contextAgents": CONTEXT_AGENT},
        "context.contextAgents",
        V2,
    ),
    (
        "context agent objectType",
        T,
        {"context.contextAgents": [{**CONTEXT_AGENT, "objectType": "Agent"}]},
        "context.contextAgents[0].objectType",
        V2,
    ),
    (
        "context agent missing agent",
        T,
        {"context.contextAgents": [{"objectType": "contextAgent"}]},
        "context.contextAgents[0].agent",
        V2,
    ),
    (
        "context agent is group",
        T,
        {"context.contextAgents": [{**CONTEXT_AGENT, "agent": GROUP}]},
        "context.contextAgents[0].agent.objectType",
        V2,
    ),
    (
        "relevant types empty",
        T,
        {"context.contextAgents": [{**CONTEXT_AGENT, "relevantTypes": []}]},
        "context.contextAgents[0].relevantTypes",
        V2,
    ),
    (
        "relevant types not iri",
        T,
        {"context.contextGroups": [{**CONTEXT_GROUP, "relevantTypes": ["coach"]}]},
        "context.contextGroups[0].relevantTypes[0]",
        V2,
    ),
    (
        "context group objectType",
        T,
        {"context.contextGroups": [{**CONTEXT_GROUP, "objectType": "Group"}]},
        "context.contextGroups[0].objectType",
        V2,
    ),
    (
        "context group is agent",
        T,
        {"context.contextGroups": [{**CONTEXT_GROUP, "group": AGENT}]},
        "context.contextGroups[0].group.objectType",
        V2,
    ),
    (
        "context group member misplaced",
        T,
        {"context.contextGroups": [{**CONTEXT_GROUP, "member": []}]},
        "context.contextGroups[0].member",
        V2,
    ),
    # timestamps, authority, version
    ("timestamp not date", T, {"timestamp": "01/011/2015"}, "timestamp", BOTH),
    (
        "timestamp negative zero",
        T,
        {"timestamp": "2008-09-15T15:53:00.601-00:00"},
        "timestamp",
        BOTH,
    ),
    (
        "timestamp negative zero short",
        T,
        {"timestamp": "2008-09-15T15:53:00.601-00"},
        "timestamp",
        BOTH,
    ),
    (
        "timestamp impossible date",
        T,
        {"timestamp": "2026-02-30T00:00:00Z"},
        "timestamp",
        BOTH,
    ),
    ("timestamp date only", T, {"timestamp": "2026-02-03"}, "timestamp", BOTH),
    ("timestamp null", T, {"timestamp": None}, "timestamp", V1),
    (
        "substatement timestamp null",
        S,
        {"object.timestamp": None},
        "object.timestamp",
        V2,
    ),
    ("stored invalid", T, {"stored": "yesterday"}, "stored", BOTH),
    (
        "substatement timestamp",
        S,
        {"object.timestamp": "noon"},
        "object.timestamp",
        BOTH,
    ),
    (
        "authority identified group",
        T,
        {
            "authority": {
                "objectType": "Group",
                "mbox": "mailto:g@x.example",
                "member": [AGENT, {"mbox": "mailto:c@x.example"}],
            }
        },
        "authority",
        BOTH,
    ),
    (
        "authority group of three",
        T,
        {"authority": {"objectType": "Group", "member": [AGENT, AGENT, AGENT]}},
        "authority",
        BOTH,
    ),
    (
        "authority objectType",
        T,
        {"authority": {**AGENT, "objectType": "Person"}},
        "authority.objectType",
        BOTH,
    ),
    ("version 1.1.0", T, {"version": "1.1.0"}, "version", BOTH),
    ("version 0.9.9", T, {"version": "0.9.9"}, "version", BOTH),
    ("version 2.0.0 in 1.0.3", T, {"version": "2.0.0"}, "version", V1),
    ("version number", T, {"version": 1.0}, "version", BOTH),
    # attachments
    ("attachments not array", T, {"attachments": {}}, "attachments", BOTH),
    ("attachment not object", T, {"attachments": ["x"]}, "attachments[0]", BOTH),
    (
        "attachment usageType missing",
        T,
        {"attachments[0].usageType": DELETE},
        "attachments[0].usageType",
        BOTH,
    ),
    (
        "attachment usageType not iri",
        T,
        {"attachments[0].usageType": "signature"},
        "attachments[0].usageType",
        BOTH,
    ),
    (
        "attachment display missing",
        T,
        {"attachments[0].display": DELETE},
        "attachments[0].display",
        BOTH,
    ),
    (
        "attachment description bad tag",
        T,
        {"attachments[0].description": {"es-MXX-1": "x"}},
        "attachments[0].description.es-MXX-1",
        BOTH,
    ),
    (
        "attachment contentType number",
        T,
        {"attachments[0].contentType": 5},
        "attachments[0].contentType",
        BOTH,
    ),
    (
        "attachment length string",
        T,
        {"attachments[0].length": "4235"},
        "attachments[0].length",
        BOTH,
    ),
    (
        "attachment length negative",
        T,
        {"attachments[0].length": -1},
        "attachments[0].length",
        BOTH,
    ),
    (
        "attachment sha2 not hex",
        T,
        {"attachments[0].sha2": "not a hash"},
        "attachments[0].sha2",
        BOTH,
    ),
    (
        "attachment fileUrl not irl",
        T,
        {"attachments[0].fileUrl": "files/sig"},
        "attachments[0].fileUrl",
        BOTH,
    ),
    (
        "attachment unknown property",
        T,
        {"attachments[0].size": 1},
        "attachments[0].size",
        BOTH,
    ),
]


def _cases(table, width):
    return [
        pytest.param(version, *case[1:width], id=f"{case[0]} [{version}]")
        for case in table
        for version in case[width]
    ]


@pytest.mark.parametrize(("version", "base", "changes"), _cases(VALID, 3))
def test_valid_statement(version, base, changes):
    validate_statement(mutate(base(), changes), version=version)


@pytest.mark.parametrize(("version", "base", "changes", "path"), _cases(INVALID, 4))
def test_invalid_statement_names_the_field(version, base, changes, path):
    with pytest.raises(XAPIError) as caught:
        validate_statement(mutate(base(), changes), version=version)
    assert caught.value.status == 400
    assert caught.value.path == path
    assert caught.value.message.startswith(f"{path}: ")


@pytest.mark.parametrize("statement", [None, [], "{}", 1])
def test_statement_must_be_an_object(statement):
    with pytest.raises(XAPIError) as caught:
        validate_statement(statement, version="2.0.0")
    assert caught.value.path == "statement"


def test_unknown_version_is_refused():
    with pytest.raises(XAPIError) as caught:
        validate_statement(typical(), version="1.0.2")
    assert (caught.value.status, caught.value.path) == (400, "version")


def test_error_message_names_path_and_reason():
    statement = mutate(typical(), {"actor.mbox": "ada@partner-a.example"})
    with pytest.raises(XAPIError) as caught:
        validate_statement(statement, version="1.0.3")
    assert str(caught.value) == "actor.mbox: must be a mailto: IRI"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23T04:00:00Z", datetime(2026, 11, 23, 4, tzinfo=UTC)),
        ("2026-11-23T04:00:00.5Z", datetime(2026, 11, 23, 4, 0, 0, 500000, tzinfo=UTC)),
        (
            "2026-11-23T04:00:00.1234567Z",
            datetime(2026, 11, 23, 4, 0, 0, 123456, tzinfo=UTC),
        ),
        ("2023-05-04T12:00:00-05:00", datetime(2023, 5, 4, 17, tzinfo=UTC)),
        ("2023-05-04T12:00:00+0530", datetime(2023, 5, 4, 6, 30, tzinfo=UTC)),
        ("2023-05-04T12:00:00+00:00", datetime(2023, 5, 4, 12, tzinfo=UTC)),
        ("2023-05-04T12:00", datetime(2023, 5, 4, 12, tzinfo=UTC)),
        ("20230504T120000-0100", datetime(2023, 5, 4, 13, tzinfo=UTC)),
        ("2023-05-04t12:00:00z", datetime(2023, 5, 4, 12, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_returns_aware_utc(text, expected):
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2023-05-04",
        "2023-05-04 12:00:00Z",
        "2023-13-04T12:00:00Z",
        "2023-05-04T25:00:00Z",
        "2023-05-04T12:00:00-0000",
        "2023-05-04T12:00:00+24:00",
        "2023-05-04T12:00:00+05:60",
        "12:00:00",
        "",
    ],
)
def test_parse_timestamp_refuses(text):
    with pytest.raises(XAPIError) as caught:
        parse_timestamp(text, path="since")
    assert caught.value.path == "since"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("fd41c918-b88b-4b20-a0a5-a4c32391aaa0", True),
        ("FD41C918-B88B-4B20-A0A5-A4C32391AAA0", True),
        ("00000000-0000-0000-0000-000000000000", True),
        ("fd41c918b88b4b20a0a5a4c32391aaa0", False),
        ("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}", False),
        ("fd41c918-b88b-4b20-a0a5-a4c32391aaa", False),
        (12345, False),
    ],
)
def test_is_uuid(value, expected):
    assert is_uuid(value) is expected


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", True),
        ("de-DE", True),
        ("zh-Hant", True),
        ("zh-Hans-CN", True),
        ("sr-Latn-RS", True),
        ("es-419", True),
        ("cmn", True),
        ("ase", True),
        ("de-CH-1901", True),
        ("en-a-bbb-x-a-ccc", True),
        ("en-a-abcde-b-abcde", True),
        ("x-whatever", True),
        ("und", True),
        ("zh-min-nan", True),
        ("a12345678", False),
        ("zh-z-aaa-z-bbb-c-ccc", False),
        ("de-1901-1901", False),
        ("en_US", False),
        ("en-", False),
        ("toolonglanguage", False),
        ("", False),
        (None, False),
    ],
)
def test_is_language_tag(tag, expected):
    assert is_language_tag(tag) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PT1H", True),
        ("P1Y2M3DT4H5M6.7S", True),
        ("P2W", True),
        ("PT0.01S", True),
        ("P1D", True),
        ("P1DT", False),
        ("P", False),
        ("1H", False),
        ("PT1H30", False),
        ("P1W2D", False),
        ("P0001-00-00T00:00:00", False),
    ],
)
def test_is_duration(value, expected):
    assert is_duration(value) is expected


def test_validate_agent_accepts_agents_and_identified_groups():
    validate_agent({"mbox": "mailto:a@x.example"})
    validate_agent({"objectType": "Group", "openid": "https://o.example/g"})


@pytest.mark.parametrize(
    ("agent", "allow_group", "path"),
    [
        ({"name": "no ifi"}, True, "agent"),
        ("mailto:a@x.example", True, "agent"),
        ({"mbox": "a@x.example"}, True, "agent.mbox"),
        (
            {"objectType": "Group", "openid": "https://o.example/g"},
            False,
            "agent.objectType",
        ),
        (
            {"objectType": "Person", "mbox": "mailto:a@x.example"},
            True,
            "agent.objectType",
        ),
    ],
)
def test_validate_agent_refuses(agent, allow_group, path):
    with pytest.raises(XAPIError) as caught:
        validate_agent(agent, allow_group=allow_group)
    assert caught.value.path == path


def test_validate_activity_id():
    validate_activity_id("https://academy.example.com/a")
    with pytest.raises(XAPIError) as caught:
        validate_activity_id("academy.example.com/a")
    assert caught.value.path == "activityId"
