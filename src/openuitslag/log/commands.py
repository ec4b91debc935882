"""``openuitslag audit`` and ``openuitslag log …``: the log from a shell.

``audit`` is the citizen's command: given files (say, downloaded from a
municipality) it proves offline that each is in the log under a signed
checkpoint. ``log`` is the operator's and the auditor's: verify the
whole log, archive files by hand, sign checkpoints, manage keys and print
proofs. Exit status: 0 when everything holds, 1 when something does not,
2 when the input cannot be used.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click
import httpx

from openuitslag.core.digest import sha256_hex
from openuitslag.log import api
from openuitslag.log.archive import Archive, default_data_dir
from openuitslag.log.entry import EntryError, EntryMeta
from openuitslag.log.note import NoteError, Verifier
from openuitslag.log.storage import Log, LogError
from openuitslag.log.store import StoreError, store_from_env
from openuitslag.log.tiles import Fetch, TileLog, export_tiles
from openuitslag.log.tlogproof import (
    ProofFileError,
    check_proof,
    make_proof,
    proven_sha256,
)
from openuitslag.log.verify import (
    CheckpointRejected,
    LogSource,
    audit_files,
    load_head,
    verify_log,
    verify_tiles,
)
from openuitslag.log.witness import Witness, WitnessRefused, require_quorum

USAGE_ERROR = 2


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(USAGE_ERROR)


def _damaged(exc: Exception) -> NoReturn:
    """Report a log that cannot even be read through as a failed check."""
    click.echo(f"FAIL The log cannot be read through, so it does not verify: {exc}")
    sys.exit(1)


def _log_folder(log: str | None) -> Path:
    if log and "://" in log:
        _fail(f"--log {log}: this command needs the log folder, not a URL.")
    return Path(log) if log else default_data_dir() / "log"


def _open_source(log: str | None) -> LogSource:
    """Return the log to audit: a folder, a tile folder or a tile URL."""
    if log and log.startswith(("http://", "https://")):
        return _tile_log(_http_fetch(log.rstrip("/")), log)
    folder = _log_folder(log)
    if not (folder / "size").exists() and (folder / "tile").is_dir():
        return _tile_log(lambda path: (folder / path).read_bytes(), str(folder))
    return _open_log(log)


def _tile_log(fetch: Fetch, where: str) -> TileLog:
    try:
        return TileLog(fetch, where)
    except LogError as exc:
        _fail(str(exc))


def _http_fetch(base: str) -> Fetch:
    client = httpx.Client(timeout=30, follow_redirects=True)

    def fetch(path: str) -> bytes:
        try:
            reply = client.get(f"{base}/{path}")
            reply.raise_for_status()
        except httpx.HTTPError as exc:
            raise OSError(str(exc)) from None
        return reply.content

    return fetch


def _open_log(log: str | None) -> Log:
    folder = _log_folder(log)
    try:
        return Log(folder, create=False)
    except LogError as exc:
        _fail(str(exc))


def _verifiers(keys: Sequence[str]) -> list[Verifier] | None:
    """Return trusted keys from texts or files, or None for the log's own."""
    if not keys:
        return None
    found: list[Verifier] = []
    for key in keys:
        path = Path(key)
        lines = path.read_text("utf-8").splitlines() if path.is_file() else [key]
        try:
            found += [Verifier.decode(line) for line in lines if line.strip()]
        except NoteError as exc:
            _fail(f"--key {key}: {exc}")
    return found


def _walk(paths: Sequence[Path]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            files = (p for p in sorted(path.rglob("*")) if p.is_file())
            yield from (p for p in files if not p.name.startswith("."))
        else:
            yield path


KEY_HELP = (
    "A trusted verifier key (name+hash+key) or a file of them; repeatable. "
    "Default: the keys the log publishes in keys/verifiers."
)


@click.command("audit")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A signed checkpoint you saved earlier (default: the log's latest).",
)
@click.option(
    "--log",
    "log_path",
    help="The log: its folder, a tile copy, or the URL of one (default: "
    "$OPENUITSLAG_DATA_DIR/log).",
)
@click.option("--key", "keys", multiple=True, help=KEY_HELP)
@click.option(
    "--witness",
    "witness_keys",
    multiple=True,
    help="A trusted witness's cosigner key (or a file of them); repeatable.",
)
@click.option(
    "--quorum",
    type=int,
    help="How many of the --witness keys must have cosigned (default: 1).",
)
@click.option(
    "--proof",
    "proof_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Check against .tlog-proof files instead of a log (needs --key).",
)
def audit_command(
    paths: tuple[Path, ...],
    checkpoint_file: Path | None,
    log_path: str | None,
    keys: tuple[str, ...],
    witness_keys: tuple[str, ...],
    quorum: int | None,
    proof_files: tuple[Path, ...],
) -> None:
    """Prove offline that each file is in the log under a signed checkpoint."""
    if proof_files:
        _audit_with_proofs(list(_walk(paths)), proof_files, _verifiers(keys))
    log = _open_source(log_path)
    note = checkpoint_file.read_bytes() if checkpoint_file else None
    try:
        head = load_head(log, note, _verifiers(keys))
    except CheckpointRejected as exc:
        click.echo(f"FAIL {exc}")
        sys.exit(1)
    except LogError as exc:
        _fail(str(exc))
    _check_quorum(head.note, witness_keys, quorum)
    size = head.checkpoint.size

    failed = 0
    try:
        results = audit_files(log, _walk(paths), head)
    except (LogError, OSError) as exc:
        _damaged(exc)
    for result in results:
        if result.problem is not None:
            failed += 1
            click.echo(f"FAIL {result.problem}")
        elif result.entry is not None:
            e = result.entry
            click.echo(
                f"OK   {result.path}: entry {result.index} ({e.election}, "
                f"{e.authority}, {e.document_type}, found {e.found_at}), "
                f"proven under checkpoint size {size}"
            )
    click.echo(f"{failed} of the files failed the audit." if failed else "All hold.")
    sys.exit(1 if failed else 0)


def _check_quorum(note: bytes, keys: Sequence[str], quorum: int | None) -> None:
    witnesses = _verifiers(keys) or []
    if not witnesses and not quorum:
        return
    try:
        require_quorum(note, witnesses, 1 if quorum is None else quorum)
    except NoteError as exc:
        click.echo(f"FAIL {exc}")
        sys.exit(1)


def _audit_with_proofs(
    files: list[Path], proofs: Sequence[Path], keys: list[Verifier] | None
) -> NoReturn:
    if not keys:
        _fail("Checking .tlog-proof files needs the log's key: pass --key.")
    by_sha256: dict[str, bytes] = {}
    for path in proofs:
        try:
            by_sha256[proven_sha256(path.read_bytes())] = path.read_bytes()
        except ProofFileError as exc:
            _fail(f"{path}: {exc}")

    failed = 0
    for path in files:
        data = path.read_bytes()
        proof = by_sha256.get(sha256_hex(data))
        try:
            if proof is None:
                raise ProofFileError("No --proof is for this file (or it changed).")
            entry, head = check_proof(proof, data, keys)
        except ProofFileError as exc:
            failed += 1
            click.echo(f"FAIL {path}: {exc}")
            continue
        click.echo(
            f"OK   {path}: {entry.election}, {entry.authority}, "
            f"{entry.document_type}, proven under checkpoint size "
            f"{head.checkpoint.size}"
        )
    click.echo(f"{failed} of the files failed the audit." if failed else "All hold.")
    sys.exit(1 if failed else 0)


@click.group("log")
def log_group() -> None:
    """Verify, extend and sign the tamper-evident log of archived files."""


@log_group.command("verify")
@click.option(
    "--log",
    "log_path",
    help="The log: its folder, a tile copy, or the URL of one (default: "
    "$OPENUITSLAG_DATA_DIR/log).",
)
@click.option("--key", "keys", multiple=True, help=KEY_HELP)
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also check a checkpoint saved elsewhere (repeatable).",
)
@click.option(
    "--objects/--no-objects",
    default=True,
    help="Also re-hash every archived file (local logs; default: yes).",
)
def verify_command(
    log_path: str | None,
    keys: tuple[str, ...],
    checkpoint_files: tuple[Path, ...],
    objects: bool,
) -> None:
    """Recompute the whole tree and check every checkpoint ever issued."""
    source = _open_source(log_path)
    extra = [(str(p), p.read_bytes()) for p in checkpoint_files]
    try:
        if isinstance(source, TileLog):
            report = verify_tiles(source, _verifiers(keys), extra)
        else:
            log = _open_log(log_path)
            store = store_from_env(log.folder.parent / "archive") if objects else None
            report = verify_log(log, _verifiers(keys), extra, store)
    except (LogError, OSError) as exc:
        _damaged(exc)
    for problem in report.problems:
        click.echo(f"FAIL {problem}")
    click.echo(
        f"{report.size} entries, root {report.root.hex()}, "
        f"{report.checkpoints} checkpoints checked, {report.objects} files "
        f"re-hashed: {len(report.problems)} problems."
    )
    sys.exit(0 if report.ok else 1)


@log_group.command("append")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--election", required=True, help="Election id, e.g. TK2023.")
@click.option("--authority", required=True, help="Municipality or committee.")
@click.option("--document-type", required=True, help="e.g. 'EML 510b'.")
@click.option("--source-url", help="Where it was found (default: file: path).")
@click.option("--version", "version", default=1, show_default=True, type=int)
@click.option("--data-dir", type=click.Path(path_type=Path), help="Data folder.")
@click.option("--checkpoint/--no-checkpoint", default=True, show_default=True)
def append_command(
    files: tuple[Path, ...],
    election: str,
    authority: str,
    document_type: str,
    source_url: str | None,
    version: int,
    data_dir: Path | None,
    checkpoint: bool,
) -> None:
    """Archive files by hand and log them (each once)."""
    archive = Archive.open(data_dir)
    now = datetime.now(UTC)
    items = []
    for path in files:
        url = source_url or path.resolve().as_uri()
        meta = EntryMeta(election, authority, document_type, url, now, version)
        items.append((path.read_bytes(), meta))
    try:
        logged = archive.add_many(items)
    except (EntryError, StoreError) as exc:
        _fail(str(exc))
    for path, item in zip(files, logged, strict=True):
        click.echo(f"{item.index}\t{item.entry.sha256}\t{path}")
    if checkpoint:
        click.echo(archive.checkpoint().decode(), nl=False)


@log_group.command("checkpoint")
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
def checkpoint_command(log_path: str | None) -> None:
    """Sign a checkpoint of the log as it is now and print it."""
    log = _open_log(log_path)
    click.echo(log.checkpoint().decode(), nl=False)


@log_group.command("keygen")
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
@click.option("--name", help="Key name (default: the log's origin).")
def keygen_command(log_path: str | None, name: str | None) -> None:
    """Create the log's signing key; print its public verifier key."""
    log = Log(_log_folder(log_path))
    try:
        signer = log.keys.generate(name or log.origin)
    except NoteError as exc:
        _fail(str(exc))
    click.echo(signer.verifier.encode())


@log_group.command("rotate-key")
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
@click.option("--name", help="Key name (default: the old key's name).")
def rotate_key_command(log_path: str | None, name: str | None) -> None:
    """Sign from now on with a new key; old checkpoints keep verifying."""
    log = _open_log(log_path)
    try:
        signer = log.keys.rotate(name)
    except NoteError as exc:
        _fail(str(exc))
    click.echo(signer.verifier.encode())


@log_group.command("keys")
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
def keys_command(log_path: str | None) -> None:
    """Print every verifier key the log has used (publish these)."""
    for verifier in _open_log(log_path).keys.verifiers():
        click.echo(verifier.encode())


@log_group.command("proof")
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
@click.option("--index", type=int, help="Inclusion proof of this entry.")
@click.option("--sha256", help="Inclusion proofs of this file's entries.")
@click.option(
    "--file",
    "file_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Inclusion proofs of this file's entries.",
)
@click.option("--size", type=int, help="Tree size (default: the log's size).")
@click.option("--from", "old", type=int, help="Consistency proof from this size.")
@click.option(
    "--tlog-proof",
    "as_tlog_proof",
    is_flag=True,
    help="Print a self-contained C2SP .tlog-proof (under the latest "
    "checkpoint) instead of JSON.",
)
def proof_command(
    log_path: str | None,
    index: int | None,
    sha256: str | None,
    file_path: Path | None,
    size: int | None,
    old: int | None,
    as_tlog_proof: bool,
) -> None:
    """Print an inclusion or consistency proof as JSON."""
    log = _open_log(log_path)
    if file_path is not None:
        sha256 = sha256_hex(file_path.read_bytes())
    try:
        if as_tlog_proof:
            click.echo(_tlog_proof(log, index, sha256).decode(), nl=False)
            return
        if old is not None:
            answer = api.consistency_dict(log, old, size)
        elif index is not None:
            answer = api.inclusion_dict(log, index, size)
        elif sha256 is not None:
            answer = api.inclusion_for_sha256(log, sha256)
        else:
            _fail("Say which proof: --index, --sha256, --file or --from.")
    except (LogError, ValueError) as exc:
        _fail(str(exc))
    click.echo(json.dumps(answer, indent=2, ensure_ascii=False))


@log_group.command("tiles")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
def tiles_command(out: Path, log_path: str | None) -> None:
    """Export the log as C2SP tlog-tiles static files into OUT."""
    log = _open_log(log_path)
    try:
        written = export_tiles(log, out)
    except LogError as exc:
        _fail(str(exc))
    click.echo(f"Wrote {written} files to {out}; serve it as static files.")


def _tlog_proof(log: Log, index: int | None, sha256: str | None) -> bytes:
    if index is None and sha256 is not None:
        found = log.find_sha256(sha256)
        if not found:
            raise LogError(f"No file with SHA-256 {sha256} is in the log.")
        index = found[0]
    if index is None:
        _fail("Say which entry: --index, --sha256 or --file.")
    return make_proof(log, index)


@log_group.command("witness")
@click.option(
    "--log",
    "log_path",
    required=True,
    help="The log to witness: its folder, a tile copy or the URL of one.",
)
@click.option(
    "--state",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The witness's folder: its key (0600) and what it cosigned.",
)
@click.option("--log-key", "log_keys", multiple=True, required=True, help=KEY_HELP)
@click.option("--name", help="The witness's key name, on first use.")
def witness_command(
    log_path: str, state: Path, log_keys: tuple[str, ...], name: str | None
) -> None:
    """Cosign the log's checkpoint if it extends the last one cosigned."""
    source = _open_source(log_path)
    witness = Witness(state, name)
    click.echo(f"witness key: {witness.verifier.encode()}", err=True)
    try:
        note = witness.cosign(source, _verifiers(log_keys) or [])
    except WitnessRefused as exc:
        click.echo(f"FAIL {exc}")
        sys.exit(1)
    click.echo(note.decode(), nl=False)


@log_group.command("add-cosignature")
@click.argument(
    "notes", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option("--log", "log_path", help="The log folder (default: $DATA_DIR/log).")
@click.option(
    "--witness", "witness_keys", multiple=True, required=True, help="Witness keys."
)
def add_cosignature_command(
    notes: tuple[Path, ...], log_path: str | None, witness_keys: tuple[str, ...]
) -> None:
    """Add witnesses' cosignatures (their cosigned notes) to the log."""
    log = _open_log(log_path)
    witnesses = _verifiers(witness_keys) or []
    for path in notes:
        try:
            note = log.add_cosignatures(path.read_bytes(), witnesses)
        except (LogError, NoteError) as exc:
            _fail(f"{path}: {exc}")
        click.echo(note.decode(), nl=False)
