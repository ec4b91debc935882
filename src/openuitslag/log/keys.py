"""Where the log's signing key and the public verifier keys are kept.

The private key signs checkpoints; whoever holds it can sign a false tree
head, so it lives in a file only its owner can read (mode 0600) and can
be moved out of the data folder with ``OPENUITSLAG_LOG_KEY_FILE``. Every
public key the log ever used stays listed in ``verifiers``, one verifier
key a line: after a rotation, checkpoints signed with the old key still
verify, and citizens can pin the whole list.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from openuitslag.log.note import NoteError, Signer, Verifier
from openuitslag.log.store import atomic_write

logger = logging.getLogger("openuitslag.log")


class SigningKeyError(NoteError):
    """The signing key is missing, unreadable or unsafe."""


class Keyring:
    """The active signer and every verifier key, in one folder."""

    def __init__(self, folder: Path, signer_file: Path | None = None) -> None:
        self.folder = Path(folder)
        override = os.environ.get("OPENUITSLAG_LOG_KEY_FILE")
        self.signer_file = signer_file or (
            Path(override) if override else self.folder / "signer.key"
        )
        self.verifiers_file = self.folder / "verifiers"

    def has_signer(self) -> bool:
        """Return whether an active signing key exists."""
        return self.signer_file.is_file()

    def signer(self) -> Signer:
        """Return the active signing key; raise if there is none."""
        try:
            text = self.signer_file.read_text("ascii")
        except FileNotFoundError:
            raise SigningKeyError(
                f"There is no signing key at {self.signer_file}; create one "
                "with 'openuitslag log keygen'."
            ) from None
        mode = stat.S_IMODE(self.signer_file.stat().st_mode)
        if mode & 0o077:
            logger.warning(
                "KEY_UNSAFE file=%s mode=%o: others can read the signing key",
                self.signer_file,
                mode,
            )
        return Signer.decode(text)

    def verifiers(self) -> list[Verifier]:
        """Return every verifier key the log has used, oldest first."""
        if not self.verifiers_file.is_file():
            return []
        lines = self.verifiers_file.read_text("utf-8").splitlines()
        return [Verifier.decode(line) for line in lines if line.strip()]

    def generate(self, name: str) -> Signer:
        """Create the first signing key; refuse to replace an existing one."""
        if self.has_signer():
            raise SigningKeyError(
                f"A signing key already exists at {self.signer_file}; use "
                "'openuitslag log rotate-key' to replace it."
            )
        return self._install(Signer.generate(name))

    def rotate(self, name: str | None = None) -> Signer:
        """Replace the signing key by a new one; keep the old one retired.

        The old private key moves to ``retired/`` (mode 0600) so that it
        can be destroyed or stored offline; its verifier key stays listed.
        """
        old = self.signer()
        safe_name = old.name.replace("/", "_")
        retired = self.folder / "retired" / f"{safe_name}+{old.verifier.key_hash.hex()}"
        self.publish(old.verifier)
        atomic_write(retired, old.encode().encode() + b"\n", mode=0o600)
        new = self._install(Signer.generate(name or old.name))
        logger.info(
            "KEY_ROTATED old=%s new=%s",
            old.verifier.encode(),
            new.verifier.encode(),
        )
        return new

    def publish(self, verifier: Verifier) -> None:
        """Add a verifier key to the published list if it is not there."""
        known = [v.encode() for v in self.verifiers()]
        if verifier.encode() not in known:
            known.append(verifier.encode())
            atomic_write(self.verifiers_file, "\n".join(known).encode() + b"\n")

    def _install(self, signer: Signer) -> Signer:
        self.publish(signer.verifier)
        atomic_write(self.signer_file, signer.encode().encode() + b"\n", mode=0o600)
        return signer

    def ensure(self, name: str) -> Signer:
        """Return the active signer, creating one named ``name`` if needed."""
        if self.has_signer():
            return self.signer()
        logger.info("KEY_CREATED name=%s file=%s", name, self.signer_file)
        return self.generate(name)
