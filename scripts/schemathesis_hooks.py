"""Schemathesis hooks for scripts/schemathesis (loaded through SCHEMATHESIS_HOOKS).

The run's own user must keep its token: a generated PATCH /users/{id} that resets the
password of, or deactivates, the user whose token sends the requests would revoke it,
and everything after would be a 401. Requests naming that user go to the first
administrator instead.
"""

import os

import schemathesis

PROTECTED = os.environ["SCHEMATHESIS_PROTECTED_USER_ID"]
INSTEAD = os.environ.get("SCHEMATHESIS_INSTEAD_USER_ID", "1")


@schemathesis.hook
def before_call(context, case, kwargs):
    parameters = case.path_parameters or {}
    if str(parameters.get("user_id")) == PROTECTED:
        parameters["user_id"] = INSTEAD
