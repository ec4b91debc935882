"""Content-addressed storage of archived files, by SHA-256.

The archive keeps the exact bytes of every published file under the name
of their SHA-256, so a file can never be replaced by another under the
same name, storing the same file twice costs nothing, and anyone holding
a hash can ask for the bytes. The local folder is the default; an
S3-compatible bucket (AWS, MinIO, Ceph, Scaleway, …) sits behind the same
interface for deployments, via the optional ``boto3`` package.

Local writes are atomic: a temporary file in the same folder, fsync,
rename, fsync of the folder. A batch (``put_many``) writes and renames
every file first and then syncs the filesystem once, which is a hundred
times faster than a fsync per file; an object a power loss tore before
that sync is detected by its hash and written again on the next put.
"""

from __future__ import annotations

import ctypes
import importlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from openuitslag.core.digest import sha256_hex

_HEX64 = re.compile(r"[0-9a-f]{64}")


class StoreError(OSError):
    """An object is missing, damaged or could not be stored."""


class ObjectStore(Protocol):
    """Where archived bytes live, addressed by their SHA-256 (hex)."""

    def put(self, data: bytes) -> str:
        """Store ``data`` (if new) and return its SHA-256 in hex."""
        ...

    def put_many(self, items: Sequence[bytes]) -> list[str]:
        """Store several objects durably at once; return their SHA-256s."""
        ...

    def get(self, sha256: str) -> bytes:
        """Return the bytes stored under ``sha256``; raise StoreError."""
        ...

    def exists(self, sha256: str) -> bool:
        """Return whether bytes are stored under ``sha256``."""
        ...

    def location(self, sha256: str) -> str:
        """Return where the object lives, for people (path or s3:// URL)."""
        ...


def atomic_write(
    path: Path, data: bytes, mode: int = 0o644, durable: bool = True
) -> None:
    """Write ``data`` to ``path`` so that a crash leaves old or new, whole.

    With ``durable=False`` the caller makes the write survive a power
    loss itself, for example with one :func:`sync_filesystem` for many.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(path.parent)


def sync_filesystem(path: Path) -> None:
    """Flush everything written to the filesystem that holds ``path``.

    One ``syncfs`` (Linux) costs about as much as a single fsync, where
    storing a thousand files one fsync at a time costs a thousand; other
    systems fall back to ``sync``.
    """
    syncfs = getattr(ctypes.CDLL(None, use_errno=True), "syncfs", None)
    if syncfs is None:
        os.sync()
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:
            raise OSError(ctypes.get_errno(), f"syncfs failed on {path}")
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` survive a power loss."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_name(sha256: str) -> str:
    if not _HEX64.fullmatch(sha256):
        raise StoreError(f"{sha256!r} is not a SHA-256 in 64 lowercase hex digits.")
    return sha256


class LocalObjectStore:
    """Objects as files ``<root>/ab/cd/abcd…`` (two levels of fan-out)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Return the file that holds the object ``sha256``."""
        name = _check_name(sha256)
        return self.root / name[:2] / name[2:4] / name

    def put(self, data: bytes) -> str:
        """Store ``data`` if it is new; return its SHA-256."""
        digest = sha256_hex(data)
        if not self._intact(digest):
            atomic_write(self.path(digest), data, mode=0o444)
        return digest

    def put_many(self, items: Sequence[bytes]) -> list[str]:
        """Store several objects, then make them durable with one sync."""
        digests = []
        for data in items:
            digest = sha256_hex(data)
            if not self._intact(digest):
                atomic_write(self.path(digest), data, mode=0o444, durable=False)
            digests.append(digest)
        if items:
            sync_filesystem(self.root)
        return digests

    def _intact(self, sha256: str) -> bool:
        """Return whether the object is stored whole.

        A power loss before a batch's sync may leave an object empty or
        torn under its name; such an object is written again.
        """
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError:
            return False
        return sha256_hex(data) == sha256

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes; raise StoreError if missing."""
        try:
            return self.path(sha256).read_bytes()
        except FileNotFoundError:
            raise StoreError(
                f"The archive has no file {sha256} (looked in {self.path(sha256)})."
            ) from None

    def exists(self, sha256: str) -> bool:
        """Return whether the object is stored."""
        return self.path(sha256).is_file()

    def location(self, sha256: str) -> str:
        """Return the object's path as text."""
        return str(self.path(sha256))


class S3ObjectStore:
    """Objects in an S3-compatible bucket as ``<prefix>ab/cd/abcd…``.

    Needs the optional ``boto3`` package (``pip install
    'openuitslag[s3]'``). Credentials and region come from boto3's usual
    sources (environment, ``~/.aws``, instance role); ``endpoint_url``
    selects a non-AWS service such as MinIO. A put is a single PUT
    request, which S3 applies atomically; objects are never overwritten.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "objects/",
        endpoint_url: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix
        self.client = client or _boto3_client(endpoint_url)

    def key(self, sha256: str) -> str:
        """Return the object key of ``sha256`` in the bucket."""
        name = _check_name(sha256)
        return f"{self.prefix}{name[:2]}/{name[2:4]}/{name}"

    def put(self, data: bytes) -> str:
        """Store ``data`` if it is new; return its SHA-256."""
        digest = sha256_hex(data)
        if self.exists(digest):
            return digest
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(digest),
                Body=data,
                ContentType="application/octet-stream",
            )
        except Exception as exc:  # botocore's errors, not importable here
            raise StoreError(
                f"Could not store {digest} at {self.location(digest)}: {exc}"
            ) from None
        return digest

    def put_many(self, items: Sequence[bytes]) -> list[str]:
        """Store several objects (each PUT is durable on its own)."""
        return [self.put(data) for data in items]

    def get(self, sha256: str) -> bytes:
        """Return the stored bytes; raise StoreError if missing."""
        try:
            reply = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except Exception as exc:  # botocore's ClientError, not importable here
            raise StoreError(
                f"The archive has no file {sha256} in {self.location(sha256)} ({exc})."
            ) from None
        body: bytes = reply["Body"].read()
        return body

    def exists(self, sha256: str) -> bool:
        """Return whether the object is stored (a HEAD request)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except Exception:
            return False
        return True

    def location(self, sha256: str) -> str:
        """Return the object's s3:// URL."""
        return f"s3://{self.bucket}/{self.key(sha256)}"


def _boto3_client(endpoint_url: str | None) -> Any:
    try:
        boto3 = importlib.import_module("boto3")
    except ModuleNotFoundError:
        raise StoreError(
            "The S3 backend needs the boto3 package: install openuitslag[s3]."
        ) from None
    return boto3.client("s3", endpoint_url=endpoint_url)


def store_from_env(default_root: Path) -> ObjectStore:
    """Return the store that the environment asks for.

    ``OPENUITSLAG_ARCHIVE_S3_BUCKET`` selects S3 (with optional
    ``OPENUITSLAG_ARCHIVE_S3_PREFIX`` and ``OPENUITSLAG_ARCHIVE_S3_ENDPOINT``);
    otherwise files go to ``default_root``.
    """
    bucket = os.environ.get("OPENUITSLAG_ARCHIVE_S3_BUCKET")
    if not bucket:
        return LocalObjectStore(default_root)
    return S3ObjectStore(
        bucket,
        prefix=os.environ.get("OPENUITSLAG_ARCHIVE_S3_PREFIX", "objects/"),
        endpoint_url=os.environ.get("OPENUITSLAG_ARCHIVE_S3_ENDPOINT"),
    )
