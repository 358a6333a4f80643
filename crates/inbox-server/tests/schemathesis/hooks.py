"""Schemathesis hooks for inbox-server (loaded through the run's config file)."""

import json
import os

import schemathesis

# A mail relay posts inbound email as raw RFC 822 bytes; generated bodies go out as text.
schemathesis.serializer.alias("message/rfc822", "text/plain")

# The ids of the admin whose token the run uses and of that token (set by
# tests/schemathesis.rs). The run may change any teammate or token but those: deactivating,
# demoting or revoking itself would leave the rest of the run answered 401/403, testing nothing.
SPARED = {i for i in os.environ.get("INBOX_SPARED_IDS", "").split(",") if i}
STAND_IN = "01J00000000000000000000000"


def _spare(value):
    """`value` with every spared id replaced by a stand-in (nested anywhere)."""
    if isinstance(value, str):
        return STAND_IN if value in SPARED else value
    if isinstance(value, list):
        return [_spare(item) for item in value]
    if isinstance(value, dict):
        return {key: _spare(item) for key, item in value.items()}
    return value


@schemathesis.hook
def before_call(context, case, kwargs):
    if not SPARED:
        return
    if case.path_parameters:
        case.path_parameters = _spare(case.path_parameters)
    if isinstance(case.body, (dict, list)) and any(i in json.dumps(case.body) for i in SPARED):
        case.body = _spare(case.body)
