"""The pure core: reading, checking and apportionment without Django.

Nothing under this package may import Django or touch a database; the
command line and the portal both build on it.
"""
