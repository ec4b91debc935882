"""Template filters of the portal's pages (see ``portal.py``)."""
