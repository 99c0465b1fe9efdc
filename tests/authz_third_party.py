"""Authorization rules of routes that Cairn mounts but does not write: the API schema
and docs, django-allauth's pages and the Django admin.
"""

from cairn.core.authz import API_ANONYMOUS, Rule, same_for_all

RULES = [
    Rule("home", expect=same_for_all(302, partner_a_admin=302)),
    Rule("api-schema", expect=same_for_all(200)),
    Rule("api-docs", expect=same_for_all(200)),
]

__all__ = ["API_ANONYMOUS", "RULES"]
