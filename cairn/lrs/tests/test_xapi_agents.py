"""Agent identity keys, the statement filters' agent/activity sets, and Person."""

from __future__ import annotations

import pytest

from cairn.lrs.tests.test_xapi_samples import (
    ACTIVITY_ID,
    mutate,
    typical,
    with_substatement,
)
from cairn.lrs.xapi.agents import (
    agent_from_key,
    agent_key,
    agent_key_or_none,
    direct_agent_keys,
    person_for,
    related_activity_ids,
    related_agent_keys,
)
from cairn.lrs.xapi.errors import XAPIError

SHA1 = "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"


@pytest.mark.parametrize(
    ("agent", "key"),
    [
        ({"mbox": "mailto:a@x.example", "name": "A"}, "mbox:mailto:a@x.example"),
        ({"mbox_sha1sum": SHA1.upper()}, f"mbox_sha1sum:{SHA1}"),
        ({"openid": "https://o.example/a"}, "openid:https://o.example/a"),
        (
            {"account": {"homePage": "https://crm.example", "name": "jo smith"}},
            "account:https://crm.example jo smith",
        ),
        (
            {"objectType": "Group", "mbox": "mailto:g@x.example", "member": []},
            "mbox:mailto:g@x.example",
        ),
    ],
)
def test_agent_key_and_back(agent, key):
    assert agent_key(agent) == key
    rebuilt = agent_from_key(key)
    assert agent_key(rebuilt) == key


def test_agent_key_refuses_anonymous_group():
    group = {"objectType": "Group", "member": [{"mbox": "mailto:a@x.example"}]}
    assert agent_key_or_none(group) is None
    with pytest.raises(XAPIError) as caught:
        agent_key(group)
    assert (caught.value.status, caught.value.path) == (400, "agent")


def test_agent_from_key_refuses_unknown_kind():
    with pytest.raises(XAPIError):
        agent_from_key("email:a@x.example")


def test_direct_keys_are_actor_and_agent_object_with_group_members():
    statement = with_substatement()
    statement["actor"] = {
        "objectType": "Group",
        "mbox": "mailto:team@x.example",
        "member": [{"mbox": "mailto:m@x.example"}],
    }
    # A SubStatement's agents are "related", not direct.
    assert direct_agent_keys(statement) == {
        "mbox:mailto:team@x.example",
        "mbox:mailto:m@x.example",
    }
    statement["object"] = {"objectType": "Agent", "openid": "https://o.example/b"}
    assert direct_agent_keys(statement) == {
        "mbox:mailto:team@x.example",
        "mbox:mailto:m@x.example",
        "openid:https://o.example/b",
    }


def test_related_agent_keys_cover_every_agent_position():
    statement = mutate(
        typical(),
        {
            "authority": {
                "objectType": "Group",
                "member": [
                    {"account": {"homePage": "https://lrs.example", "name": "app"}},
                    {"mbox": "mailto:owner@x.example"},
                ],
            },
            "context.team": {"objectType": "Group", "openid": "https://o.example/t"},
            "context.contextAgents": [
                {"objectType": "contextAgent", "agent": {"mbox": "mailto:c@x.example"}}
            ],
            "context.contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": {
                        "objectType": "Group",
                        "member": [{"mbox_sha1sum": SHA1}],
                    },
                }
            ],
        },
    )
    assert related_agent_keys(statement) == {
        "mbox:mailto:ada@partner-a.example",
        "account:https://lrs.example app",
        "mbox:mailto:owner@x.example",
        "mbox:mailto:grace@vendor.example",
        "openid:https://o.example/t",
        "mbox:mailto:c@x.example",
        f"mbox_sha1sum:{SHA1}",
    }
    assert direct_agent_keys(statement) == {"mbox:mailto:ada@partner-a.example"}


def test_related_agent_keys_include_substatement_contents():
    assert related_agent_keys(with_substatement()) == {
        "mbox:mailto:ada@partner-a.example",
        f"mbox_sha1sum:{SHA1}",
        "account:https://crm.example u-17",
        "openid:https://openid.example/team-a",
    }


def test_related_activity_ids():
    assert related_activity_ids(typical()) == {
        ACTIVITY_ID,
        "https://academy.example.com/courses/onboarding",
        "https://w3id.org/xapi/cmi5/context/categories/cmi5",
    }
    assert related_activity_ids(with_substatement()) == {
        ACTIVITY_ID,
        "https://academy.example.com",
    }


def test_related_activity_ids_skip_non_activity_objects():
    statement = mutate(
        typical(),
        {"object": {"objectType": "Agent", "mbox": "mailto:b@x.example"}},
    )
    del statement["context"]
    assert related_activity_ids(statement) == set()


def test_person_merges_agent_records():
    person = person_for(
        [
            {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@x.example"},
            {"name": "Ada", "mbox_sha1sum": SHA1},
            {"name": "Ada L.", "openid": "https://o.example/ada"},
            {"account": {"homePage": "https://crm.example", "name": "ada"}},
            {"account": {"homePage": "https://crm.example", "name": "ada"}},
        ]
    )
    assert person == {
        "objectType": "Person",
        "name": ["Ada", "Ada L."],
        "mbox": ["mailto:ada@x.example"],
        "mbox_sha1sum": [SHA1],
        "openid": ["https://o.example/ada"],
        "account": [{"homePage": "https://crm.example", "name": "ada"}],
    }


def test_person_for_an_unknown_agent_holds_its_identifier_only():
    assert person_for([{"mbox": "mailto:new@x.example"}]) == {
        "objectType": "Person",
        "mbox": ["mailto:new@x.example"],
    }
