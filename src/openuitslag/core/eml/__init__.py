"""Readers of the Kiesraad's EML_NL documents, one module per family.

``xml`` parses untrusted bytes safely and locates problems; ``header``
reads what every document shares; ``definition`` (110a, 110b),
``candidates`` (230b/c), ``counts`` (510, with the byte ``scan`` that
keeps it fast) and ``result`` (520) build the records of
:mod:`openuitslag.core.model`. Use them through
:func:`openuitslag.core.read.read_document`, which picks the reader.
"""
