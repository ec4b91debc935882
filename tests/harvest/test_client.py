"""The polite client against real loopback servers and their faults."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from openuitslag.harvest.client import (
    BadRedirect,
    ClientSettings,
    FetchError,
    HTTPStatusError,
    PoliteClient,
    Refused,
    RobotsDisallowed,
    TooLarge,
    TooSlow,
    Validators,
)
from openuitslag.harvest.guard import AddressPolicy
from openuitslag.harvest.testing import (
    fail_first,
    hang,
    redirect_to,
    slow_body,
)


def test_fetch_records_validators_and_identifies_itself(server, client):
    server.site.put("/a.csv", b"x;y\n", "text/csv")

    got = client.fetch(server.url("/a.csv"))

    assert got.status == 200
    assert got.data == b"x;y\n"
    assert got.validators.etag == server.site.resources["/a.csv"].etag
    assert got.validators.last_modified
    request = server.site.requests[-1]
    assert "openuitslag-harvester" in request.headers["User-Agent"]
    assert "+https://" in request.headers["User-Agent"]


def test_conditional_request_gets_304_without_body(server, client):
    server.site.put("/a.csv", b"x;y\n", "text/csv")
    first = client.fetch(server.url("/a.csv"))

    again = client.fetch(server.url("/a.csv"), validators=first.validators)

    assert again.not_modified and again.data is None
    assert server.site.requests[-1].headers["If-None-Match"] == first.validators.etag


def test_if_modified_since_alone_is_honoured(server, client):
    server.site.put("/a.csv", b"x;y\n", "text/csv")
    first = client.fetch(server.url("/a.csv"))
    only_date = Validators(last_modified=first.validators.last_modified)

    assert client.fetch(server.url("/a.csv"), validators=only_date).not_modified


def test_robots_txt_disallow_is_obeyed(server, client):
    server.site.put("/robots.txt", b"User-agent: *\nDisallow: /geheim/\n")
    server.site.put("/geheim/pv.pdf", b"%PDF-1.4")

    with pytest.raises(RobotsDisallowed, match=r"robots\.txt .* does not allow"):
        client.fetch(server.url("/geheim/pv.pdf"))

    assert "/geheim/pv.pdf" not in server.site.paths_requested()


def test_robots_txt_is_read_once_per_site(server, client):
    for name in ("a", "b", "c"):
        server.site.put(f"/{name}.csv", b"1")
        client.fetch(server.url(f"/{name}.csv"))

    assert server.site.paths_requested().count("/robots.txt") == 1


def test_missing_robots_txt_allows_everything(server, client):
    del server.site.resources["/robots.txt"]
    server.site.put("/a.csv", b"1")

    assert client.fetch(server.url("/a.csv")).data == b"1"


def test_404_is_an_error_without_retry(server, client):
    with pytest.raises(HTTPStatusError, match="answered 404") as info:
        client.fetch(server.url("/weg.pdf"))

    assert info.value.status == 404
    assert server.site.paths_requested().count("/weg.pdf") == 1


def test_500_then_success_is_retried(server, client):
    server.site.put("/a.csv", b"1", behaviour=fail_first(2, 500))

    assert client.fetch(server.url("/a.csv")).data == b"1"
    assert server.site.paths_requested().count("/a.csv") == 3


def test_lasting_503_gives_up_after_the_retries(server, client):
    server.site.put("/a.csv", b"1", behaviour=fail_first(99, 503))

    with pytest.raises(HTTPStatusError, match="answered 503"):
        client.fetch(server.url("/a.csv"))
    assert server.site.paths_requested().count("/a.csv") == 3


def test_timeout_is_retried_then_reported(server, client):
    server.site.put("/a.csv", b"1", behaviour=hang(1.5))

    with pytest.raises(FetchError, match="Timed out"):
        client.fetch(server.url("/a.csv"))
    assert server.site.paths_requested().count("/a.csv") == 3


def test_slow_body_is_cut_off(server, fast_settings):
    slow = ClientSettings(**{**fast_settings.__dict__, "retries": 0})
    server.site.put("/a.pdf", b"%PDF" + b"x" * 400, behaviour=slow_body(0.1, 40))

    with PoliteClient(slow, AddressPolicy.from_items(["127.0.0.1"])) as client:
        started = time.monotonic()
        with pytest.raises(TooSlow, match="did not arrive within 2 seconds"):
            client.fetch(server.url("/a.pdf"))
    assert time.monotonic() - started < 3.5


def test_redirect_is_followed_and_final_url_kept(server, client):
    server.site.put("/oud", b"", behaviour=redirect_to("/nieuw/pv.pdf", 301))
    server.site.put("/nieuw/pv.pdf", b"%PDF-1.4")

    got = client.fetch(server.url("/oud"))

    assert got.final_url == server.url("/nieuw/pv.pdf")
    assert got.data == b"%PDF-1.4"


def test_redirect_loop_is_refused(server, client):
    server.site.put("/a", b"", behaviour=redirect_to("/b"))
    server.site.put("/b", b"", behaviour=redirect_to("/a"))

    with pytest.raises(BadRedirect, match="Redirects loop back"):
        client.fetch(server.url("/a"))


def test_endless_redirects_stop_at_the_limit(server, client):
    for i in range(10):
        server.site.put(f"/r{i}", b"", behaviour=redirect_to(f"/r{i + 1}"))

    with pytest.raises(BadRedirect, match="More than 5 redirects"):
        client.fetch(server.url("/r0"))


def test_redirect_to_another_scheme_is_refused(server, client):
    server.site.put("/a", b"", behaviour=redirect_to("file:///etc/passwd"))

    with pytest.raises(BadRedirect, match="file:"):
        client.fetch(server.url("/a"))


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/pv.pdf",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://[fe80::1]/",
    ],
)
def test_redirect_to_private_address_is_refused_before_connecting(
    server, client, connects: Callable[[], list[str]], target
):
    server.site.put("/pv.pdf", b"", behaviour=redirect_to(target))

    with pytest.raises(Refused, match="private, loopback or link-local"):
        client.fetch(server.url("/pv.pdf"))

    assert connects(), "the test server itself was reached"
    assert set(connects()) == {"127.0.0.1"}


def test_name_resolving_to_loopback_is_refused_unless_allowed(server, connects):
    server.site.put("/a.csv", b"1")
    url = server.url("/a.csv").replace("127.0.0.1", "localhost")
    strict = AddressPolicy.from_items(["10.99.0.0/16"])

    with (
        PoliteClient(ClientSettings(retries=0), strict) as client,
        pytest.raises(Refused, match=r"localhost at 127\.0\.0\.1"),
    ):
        client.fetch(url)
    assert connects() == []

    with PoliteClient(ClientSettings(retries=0, min_interval=0), None) as client:
        assert client.fetch(url).data == b"1"


def test_oversized_file_is_refused_by_its_length(server, client):
    server.site.put("/groot.zip", b"PK" + b"\0" * (6 * 1024 * 1024))

    with pytest.raises(TooLarge, match="the limit is 5242880"):
        client.fetch(server.url("/groot.zip"))


def test_oversized_body_without_length_is_cut_off(server, client):
    body = b"PK" + b"\0" * (6 * 1024 * 1024)
    server.site.put("/groot.zip", body, behaviour=slow_body(0.0, 100))
    server.site.resources["/groot.zip"].headers["Content-Length"] = ""

    with pytest.raises(TooLarge):
        client.fetch(server.url("/groot.zip"))


def test_one_request_at_a_time_per_host(server, fast_settings):
    import concurrent.futures

    for i in range(8):
        server.site.put(f"/f{i}.csv", b"1", behaviour=hang(0.05))
    policy = AddressPolicy.from_items(["127.0.0.1"])

    with (
        PoliteClient(fast_settings, policy) as client,
        concurrent.futures.ThreadPoolExecutor(8) as pool,
    ):
        urls = [server.url(f"/f{i}.csv") for i in range(8)]
        list(pool.map(client.fetch, urls))

    assert server.site.max_active == 1


def test_crawl_delay_spaces_requests(server, client):
    server.site.put("/robots.txt", b"User-agent: *\nCrawl-delay: 1\n")
    server.site.put("/a", b"1")
    server.site.put("/b", b"2")

    client.fetch(server.url("/a"))
    client.fetch(server.url("/b"))

    a, b = server.site.requests[-2:]
    assert b.started - a.ended >= 0.9


def test_site_byte_budget_stops_a_site_that_sends_too_much(server, client):
    from openuitslag.harvest.client import SiteBudget

    for name in ("a", "b", "c"):
        server.site.put(f"/{name}.pdf", b"%PDF" + b"x" * 40_000)
    budget = SiteBudget(limit=100_000)

    client.fetch(server.url("/a.pdf"), budget=budget)
    client.fetch(server.url("/b.pdf"), budget=budget)
    with pytest.raises(TooLarge, match="budget of 100000 bytes"):
        client.fetch(server.url("/c.pdf"), budget=budget)
    assert budget.requests == 4  # robots.txt and three files


def test_site_request_budget_stops_an_endless_site(server, client):
    from openuitslag.harvest.client import SiteBudget

    server.site.put("/a.pdf", b"%PDF")
    budget = SiteBudget(limit=10**9, max_requests=3)

    for _ in range(2):  # robots.txt, then the file twice
        client.fetch(server.url("/a.pdf"), budget=budget)
    with pytest.raises(TooLarge, match="more than 3 requests"):
        client.fetch(server.url("/a.pdf"), budget=budget)


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/",  # 127.0.0.1 in hex and short form
        "http://0/",  # 0.0.0.0
        "http://[::]/",
        "http://[::1]/",
    ],
)
def test_odd_spellings_of_local_addresses_are_refused(url, connects):
    strict = AddressPolicy.from_items([])

    with (
        PoliteClient(ClientSettings(retries=0), strict) as client,
        pytest.raises(Refused, match="private, loopback or link-local"),
    ):
        client.fetch(url)
    assert connects() == []
