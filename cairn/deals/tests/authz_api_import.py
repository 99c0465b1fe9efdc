"""Authorization rules of the CSV import API routes: POST-only, so a GET answers
405 to every signed-in persona (who may import what is tested in test_imports_api).
"""

from cairn.core.authz import API_ANONYMOUS, Rule, same_for_all

POST_ONLY = same_for_all(405, anonymous=API_ANONYMOUS)

RULES = [
    Rule("deal-registration-import", expect=POST_ONLY),
    Rule("direct-opportunity-import", expect=POST_ONLY),
]
