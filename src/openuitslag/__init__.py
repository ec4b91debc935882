"""openuitslag: the national portal for transparent Dutch election results.

The package is split so that its architecture shows in its folders:

- ``core``: the pure core (no Django). Reading every official format,
  checking the arithmetic, reconciling levels, apportioning seats. The CLI
  and the portal both call it.
- ``log``: the tamper-evident archive (content-addressed store, append-only
  Merkle log, signed checkpoints). Pure as well.
- ``harvest``: the registry of municipal results pages and the polite
  crawler that collects what they publish.
- ``portal``: the thin Django layer: database, pages, API.
"""

__version__ = "0.1.0"
