"""Schemathesis hooks for inbox-server (loaded through the run's config file)."""

import json
import os

import schemathesis

# A mail relay posts inbound email as raw RFC 822 bytes; generated bodies go out as text.
schemathesis.serializer.alias("message/rfc822", "text/plain")

# The admin whose token the run uses (set by tests/schemathesis.rs). The run may change any
# teammate but that one: deactivating or demoting itself would leave the rest of the run
# answered 401/403, testing nothing.
RUN_ADMIN = os.environ.get("INBOX_RUN_ADMIN_ID", "")
STAND_IN = "01J00000000000000000000000"


def _spare(value):
    """`value` with the run admin's id replaced by a stand-in (nested anywhere)."""
    if isinstance(value, str):
        return STAND_IN if value == RUN_ADMIN else value
    if isinstance(value, list):
        return [_spare(item) for item in value]
    if isinstance(value, dict):
        return {key: _spare(item) for key, item in value.items()}
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    if not RUN_ADMIN:
        return
    if case.path_parameters:
        case.path_parameters = _spare(case.path_parameters)
    if isinstance(case.body, (dict, list)) and RUN_ADMIN in json.dumps(case.body):
        case.body = _spare(case.body)
