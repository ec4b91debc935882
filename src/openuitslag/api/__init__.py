"""The open API (v1): every number of the portal as JSON, and the log.

Journalists, parties and researchers should not have to scrape pages; this
app serves the same stored counts, findings and documents as plain JSON,
following the Logius API Design Rules, plus the transparency log's
checkpoint and proofs so that anyone can check the archive without us.
"""
