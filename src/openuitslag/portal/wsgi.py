"""The WSGI entry point that granian serves (``openuitslag serve``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openuitslag.portal.settings")
application = get_wsgi_application()
