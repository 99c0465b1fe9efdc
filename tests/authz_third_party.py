"""Authorization rules of routes that Cairn mounts but does not write: the API schema
and docs, django-allauth's pages and the Django admin.
"""

from cairn.core.authz import API_ANONYMOUS, Rule, same_for_all

SIGNED_IN_ONLY = same_for_all(200, anonymous=302)
SIGNED_OUT_ONLY = same_for_all(302, anonymous=200)

RULES = [
    Rule("home", expect=same_for_all(302)),
    Rule("api-schema", expect=same_for_all(200)),
    Rule("api-docs", expect=same_for_all(200)),
    # django-allauth: public account pages, and pages of one's own account.
    Rule("account_login", expect=SIGNED_OUT_ONLY),
    Rule("account_signup", expect=SIGNED_OUT_ONLY),
    Rule("account_logout", expect=SIGNED_IN_ONLY),
    Rule("account_change_password", expect=SIGNED_IN_ONLY),
    Rule("account_email", expect=SIGNED_IN_ONLY),
    Rule("account_reauthenticate", expect=SIGNED_IN_ONLY),
    Rule("mfa_index", expect=SIGNED_IN_ONLY),
    Rule("account_email_verification_sent", expect=same_for_all(200)),
    Rule("account_inactive", expect=same_for_all(200)),
    Rule("account_reset_password", expect=same_for_all(200)),
    Rule("account_reset_password_done", expect=same_for_all(200)),
    Rule("account_reset_password_from_key_done", expect=same_for_all(200)),
    Rule(
        "account_confirm_email",
        kwargs=lambda e: {"key": "bogus"},
        expect=same_for_all(200),
    ),
    Rule(
        "account_reset_password_from_key",
        kwargs=lambda e: {"uidb36": "1", "key": "set-password"},
        expect=same_for_all(200),
    ),
    # Steps of a flow in progress: without one, each sends the visitor on.
    Rule("account_set_password", expect=same_for_all(302)),
    Rule("account_confirm_login_code", expect=same_for_all(302)),
    Rule("mfa_activate_totp", expect=same_for_all(302)),
    Rule("mfa_authenticate", expect=same_for_all(302)),
    Rule("mfa_generate_recovery_codes", expect=same_for_all(302)),
    Rule("mfa_reauthenticate", expect=same_for_all(302)),
    # Pages about an authenticator the persona has not set up.
    Rule("mfa_deactivate_totp", expect=same_for_all(404, anonymous=302)),
    Rule("mfa_download_recovery_codes", expect=same_for_all(404, anonymous=302)),
    Rule("mfa_view_recovery_codes", expect=same_for_all(404, anonymous=302)),
]

__all__ = ["API_ANONYMOUS", "RULES"]
