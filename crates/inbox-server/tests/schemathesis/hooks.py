"""Schemathesis hooks for inbox-server (loaded through the run's config file)."""

import schemathesis

# A mail relay posts inbound email as raw RFC 822 bytes; generated bodies go out as text.
schemathesis.serializer.alias("message/rfc822", "text/plain")
