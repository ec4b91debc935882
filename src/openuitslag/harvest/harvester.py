"""One harvest pass: visit each registered results page, keep what is new.

For every (election, municipality, URL) in the registry the harvester
fetches the page, follows the links that may be documents and the
sub-pages one level down, downloads each file (conditionally, so an
unchanged file costs a 304), and for every file with new bytes stores the
bytes by SHA-256, classifies them, records a version with its provenance
and, when an earlier version existed, a "republished" finding listing the
numbers that changed. Zips are opened safely and their documents recorded
one by one. Failures become findings too; a pass never stops for one
broken site.

Sites are visited in parallel threads; the client keeps one request at a
time per host, and ``site_lock`` (a Redis lock in the worker setup) keeps
two processes off the same site.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from openuitslag.core.digest import sha256_hex
from openuitslag.core.errors import Problem
from openuitslag.core.sources import iter_data
from openuitslag.harvest.catalogue import Catalogue, HarvestFinding, Version
from openuitslag.harvest.changes import changed_numbers
from openuitslag.harvest.classify import Classification, Format, classify, sniff
from openuitslag.harvest.client import Fetched, FetchError, PoliteClient, SiteBudget
from openuitslag.harvest.crawl import (
    extract_links,
    looks_like_document,
    worth_following,
)
from openuitslag.harvest.storage import Storage

log = logging.getLogger("openuitslag.harvest")

SiteLock = Callable[[str], AbstractContextManager[object]]


@dataclass(frozen=True)
class Target:
    """A results page in the registry: where one municipality publishes."""

    election: str
    municipality: str
    url: str

    @property
    def host(self) -> str:
        """Return the page's host name, the unit of politeness."""
        return urlsplit(self.url).hostname or ""


@dataclass
class SiteReport:
    """What one site's visit did."""

    target: Target
    requests: int = 0
    bytes: int = 0
    new_versions: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Wall-clock span in which this visit held the site (its host lock):
    # what shows that two workers never visited one site at once.
    held_from: float = 0.0
    held_until: float = 0.0


@dataclass
class PassReport:
    """What a whole pass did, summed over the sites."""

    sites: list[SiteReport]
    seconds: float

    @property
    def requests(self) -> int:
        """Return the number of HTTP requests made."""
        return sum(s.requests for s in self.sites)

    @property
    def bytes(self) -> int:
        """Return the number of body bytes received."""
        return sum(s.bytes for s in self.sites)

    @property
    def new_versions(self) -> int:
        """Return the number of new file versions recorded."""
        return sum(s.new_versions for s in self.sites)

    @property
    def errors(self) -> list[str]:
        """Return every error message of the pass."""
        return [e for s in self.sites for e in s.errors]


class Harvester:
    """Run harvest passes over registry targets."""

    def __init__(
        self,
        catalogue: Catalogue,
        storage: Storage,
        client: PoliteClient,
        *,
        workers: int = 8,
        ocr: bool = True,
        site_lock: SiteLock | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.storage = storage
        self.client = client
        self.workers = workers
        self.ocr = ocr
        self.site_lock = site_lock or (lambda host: contextlib.nullcontext())

    def harvest(self, targets: Iterable[Target]) -> PassReport:
        """Visit every target, several sites at a time."""
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(self.workers) as pool:
            sites = list(pool.map(self.harvest_site, targets))
        self.flush_log()
        report = PassReport(sites, time.monotonic() - started)
        log.info(
            "pass sites=%d requests=%d bytes=%d new=%d errors=%d seconds=%.1f",
            len(sites),
            report.requests,
            report.bytes,
            report.new_versions,
            len(report.errors),
            report.seconds,
        )
        return report

    def flush_log(self) -> int:
        """Log every stored version not yet logged; sign a checkpoint."""
        versions = self.catalogue.unlogged()
        if versions:
            self.storage.log(versions)
            self.catalogue.mark_logged(versions)
            self.storage.checkpoint()
        return len(versions)

    def harvest_site(self, target: Target) -> SiteReport:
        """Visit one results page and what it links to."""
        report = SiteReport(target)
        budget = self.client.budget()
        started = time.monotonic()
        with self.site_lock(target.host):
            report.held_from = time.time()
            try:
                _Visit(self, target, budget, report).page(target.url, target.url, 0)
            except Exception as exc:  # a bug of ours must not stop the pass
                log.exception("site failed url=%s", target.url)
                report.errors.append(f"{target.url}: internal error: {exc!r}")
                self.catalogue.add_finding(_internal_error(target, exc))
            report.held_until = time.time()
        report.requests = budget.requests
        report.bytes = budget.used
        report.seconds = time.monotonic() - started
        return report


class _Visit:
    """One visit of one site; remembers what it has seen already."""

    def __init__(
        self,
        harvester: Harvester,
        target: Target,
        budget: SiteBudget,
        report: SiteReport,
    ) -> None:
        self.h = harvester
        self.target = target
        self.budget = budget
        self.report = report
        self.seen: set[str] = set()
        self.scope = f"{target.election}/{target.municipality}"

    def page(self, url: str, page_url: str, depth: int) -> None:
        """Fetch ``url``; follow its links if it is a page, else keep it."""
        if url in self.seen:
            return
        self.seen.add(url)

        state = self.h.catalogue.fetch_state(self.scope, url)
        try:
            fetched = self.h.client.fetch(
                url, validators=state.validators if state else None, budget=self.budget
            )
        except FetchError as exc:
            self._failed(url, page_url, exc)
            return

        if fetched.not_modified and state is not None:
            self.report.unchanged += 1
            for link in state.links:
                self.page(link, url, depth + 1)
            return
        data = fetched.data or b""
        if sniff(data) is Format.HTML:
            self._follow(fetched, data, depth)
        else:
            self._document(fetched, data, page_url, state.sha256 if state else None)

    def _follow(self, fetched: Fetched, data: bytes, depth: int) -> None:
        links = extract_links(fetched.final_url, data)
        if depth == 0:
            chosen = [
                link.url for link in links if worth_following(link, self.target.url)
            ]
        elif depth == 1:
            chosen = [link.url for link in links if looks_like_document(link)]
        else:
            chosen = []
        self.h.catalogue.remember_fetch(
            self.scope,
            fetched.url,
            fetched.final_url,
            fetched.status,
            fetched.validators,
            sha256_hex(data),
            chosen,
        )
        for url in chosen:
            self.page(url, fetched.url, depth + 1)

    def _document(
        self, fetched: Fetched, data: bytes, page_url: str, last_sha: str | None
    ) -> None:
        digest = sha256_hex(data)
        if digest == last_sha:
            self.report.unchanged += 1
        else:
            self._classify_and_keep(fetched, data, page_url)

        # Only now: a crash before this line makes the next pass fetch the
        # file again rather than trust a 304 for bytes never kept.
        self.h.catalogue.remember_fetch(
            self.scope,
            fetched.url,
            fetched.final_url,
            fetched.status,
            fetched.validators,
            digest,
        )

    def _classify_and_keep(self, fetched: Fetched, data: bytes, page_url: str) -> None:
        kind = classify(fetched.final_url, data, ocr=self.h.ocr)
        if not kind.is_document:
            log.info("skip url=%s type=%s", fetched.url, kind.document_type)
            return
        self._keep(fetched, data, page_url, "", kind)
        if kind.format is Format.ZIP:
            self._unpack(fetched, data, page_url)

    def _unpack(self, fetched: Fetched, data: bytes, page_url: str) -> None:
        for item in iter_data(fetched.final_url, data):
            if isinstance(item, Problem):
                self._problem(fetched.url, item)
                continue
            kind = classify(item.name, item.data, ocr=self.h.ocr)
            if kind.is_document and kind.format is not Format.ZIP:
                member = item.name[len(fetched.final_url) + 1 :]
                self._keep(fetched, item.data, page_url, member, kind)

    def _keep(
        self,
        fetched: Fetched,
        data: bytes,
        page_url: str,
        member: str,
        kind: Classification,
    ) -> None:
        version = Version.of(
            kind,
            election=self.target.election,
            municipality=self.target.municipality,
            page_url=page_url,
            url=fetched.url,
            member=member,
            final_url=fetched.final_url,
            status=fetched.status,
            etag=fetched.validators.etag,
            last_modified=fetched.validators.last_modified,
            size=len(data),
            sha256=sha256_hex(data),
            found_at=fetched.fetched_at.isoformat(timespec="seconds"),
        )
        earlier = self.h.catalogue.versions(
            self.target.election, self.target.municipality, fetched.url, member
        )
        if any(v.sha256 == version.sha256 for v in earlier):
            return
        version = replace(version, number=len(earlier) + 1)
        self.h.storage.put(data)
        if not self.h.catalogue.add_version(version):
            return
        self.report.new_versions += 1
        log.info(
            "found url=%s type=%s sha256=%s",
            version.location,
            kind.document_type,
            version.sha256,
        )
        if earlier:
            self._republished(earlier[-1], version, data, kind.is_count)

    def _republished(
        self, before: Version, after: Version, data: bytes, is_count: bool
    ) -> None:
        details: dict[str, object] = {
            "old_sha256": before.sha256,
            "new_sha256": after.sha256,
            "first_found_at": before.found_at,
        }
        if is_count:
            old = self.h.storage.get(before.sha256)
            details["changed_numbers"] = [
                c.as_dict() for c in changed_numbers(old, data)
            ]
        day = after.found_at[:10]
        self.h.catalogue.add_finding(
            HarvestFinding(
                election=self.target.election,
                municipality=self.target.municipality,
                code="harvest.republished",
                severity="warning",
                message_nl=f"{after.location} is opnieuw gepubliceerd op {day}, "
                "met andere inhoud.",
                message_en=f"{after.location} was republished on {day} "
                "with different content.",
                url=after.location,
                at=after.found_at,
                details=json.dumps(details),
            )
        )

    def _failed(self, url: str, page_url: str, exc: FetchError) -> None:
        self.report.errors.append(str(exc))
        log.warning("failed url=%s code=%s reason=%s", url, exc.code, exc.reason)
        self.h.catalogue.add_finding(
            HarvestFinding(
                election=self.target.election,
                municipality=self.target.municipality,
                code=exc.code,
                severity="warning",
                message_nl=f"{url} (gelinkt vanaf {page_url}) kon niet worden "
                f"opgehaald: {exc.reason}",
                message_en=f"{url} (linked from {page_url}) could not be fetched: "
                f"{exc.reason}",
                url=url,
                details=json.dumps({"status": exc.status, "page_url": page_url}),
            )
        )

    def _problem(self, url: str, problem: Problem) -> None:
        self.report.errors.append(str(problem))
        self.h.catalogue.add_finding(
            HarvestFinding(
                election=self.target.election,
                municipality=self.target.municipality,
                code=problem.code,
                severity="warning",
                message_nl=f"Een bestand in {url} is overgeslagen: {problem.message}",
                message_en=f"A file in {url} was skipped: {problem}",
                url=url,
            )
        )


def _internal_error(target: Target, exc: Exception) -> HarvestFinding:
    return HarvestFinding(
        election=target.election,
        municipality=target.municipality,
        code="harvest.internal-error",
        severity="error",
        message_nl=f"Het ophalen van {target.url} brak af door een fout in "
        f"openuitslag ({exc!r}); de beheerders zijn gewaarschuwd.",
        message_en=f"Harvesting {target.url} stopped on a bug in openuitslag "
        f"({exc!r}); the operators have been alerted in the log.",
        url=target.url,
    )
