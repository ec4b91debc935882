"""Background work of the portal, through Django's Tasks API.

Re-verifying an election reads all its current files again, which takes
longer than a request may; the admin enqueues it instead. With the default
immediate backend it runs at once in the same process; a deployment can
name a queue backend with ``OPENUITSLAG_TASKS_BACKEND``.
"""

from __future__ import annotations

import logging

from django.tasks import task

from openuitslag.portal.caching import bump_generation

logger = logging.getLogger("openuitslag.portal")


@task()
def reverify_election(identifier: str) -> int:
    """Verify one election again from its current files; return findings."""
    from openuitslag.portal.importer import verify_election

    findings = verify_election(identifier, {})
    bump_generation()
    logger.info("election reverified election=%s findings=%d", identifier, findings)
    return findings
