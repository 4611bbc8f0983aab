"""Log in as each demo role and open every page it reaches by links from its landing page.

    python scripts/smoke_walk.py http://127.0.0.1:8799 anonymous office:demo12345 ...

For `anonymous`: start at the public home page. For each `login:password`: GET the login
form, POST it with its CSRF token, land where the portal sends that role, then follow the links
of the landing page (first hop) and of each page found there (second hop). GET only, same host
only; logout links are skipped. Pages that differ only by a number in the path or by their
query string (an admin list sorted or filtered another way, the change page of another row) are
one kind of page: at most PER_KIND of each kind are opened, which keeps the walk to a few hundred
requests while still reaching every kind. Exits non-zero when any page answers a 5xx.

The walk itself (`walk`) takes a `fetch(path) -> Page` function, so the test suite runs the same
walk through Django's test client on PostgreSQL (tests/test_smoke_walk.py).
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

HOPS = 2
PER_KIND = 3
LOGIN_PATH = "/accounts/login/"
# Links never followed: they end the session (a POST form today, but a link must not either)
# or leave for files that are not pages.
SKIPPED = re.compile(r"logout|^/static/|^/media/")


@dataclass
class Page:
    status: int
    path: str  # where the request ended, after redirects
    html: str


@dataclass
class WalkResult:
    landing: str
    visited: dict[str, int] = field(default_factory=dict)  # path -> status

    @property
    def failures(self) -> dict[str, int]:
        return {path: status for path, status in self.visited.items() if status >= 500}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("name") == "csrfmiddlewaretoken":
            self.csrf = attrs.get("value") or ""


def parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _local(href: str, current: str) -> str | None:
    """The site-relative path of `href` on the page at `current`, or None if it leaves the
    site or is not a page link."""
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    absolute = urllib.parse.urljoin("http://site" + current, href)
    parts = urllib.parse.urlsplit(absolute)
    if parts.netloc != "site":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if SKIPPED.search(parts.path) else path


def _kind(path: str) -> str:
    return re.sub(r"\d+", "N", path.split("?", 1)[0])


def walk(fetch: Callable[[str], Page], start: str, *, hops: int = HOPS) -> WalkResult:
    """Open `start`, then the pages it links to, `hops` links deep, breadth first."""
    landing = fetch(start)
    result = WalkResult(landing=landing.path)
    result.visited[landing.path] = landing.status
    kinds: dict[str, int] = {_kind(landing.path): 1}
    frontier = [landing]
    for _hop in range(hops):
        found: list[Page] = []
        for page in frontier:
            for href in parse(page.html).links:
                path = _local(href, page.path)
                if path is None or path in result.visited:
                    continue
                kind = _kind(path)
                if kinds.get(kind, 0) >= PER_KIND:
                    continue
                kinds[kind] = kinds.get(kind, 0) + 1
                opened = fetch(path)
                result.visited[path] = opened.status
                if opened.status < 400:
                    found.append(opened)
        frontier = found
    return result


class _NoErrors(urllib.request.HTTPErrorProcessor):
    # Redirects are followed; 4xx and 5xx are answers to record, not exceptions.
    def http_response(self, request, response):
        if 300 <= response.status < 400:
            return super().http_response(request, response)
        return response

    https_response = http_response


def urllib_session(base: str) -> tuple[Callable[[str], Page], Callable[[str, str], Page]]:
    """A `fetch` and a `login` against a running server, sharing one cookie jar."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoErrors)
    base = base.rstrip("/")

    def _page(response) -> Page:
        body = response.read().decode("utf-8", "replace")
        path = urllib.parse.urlsplit(response.geturl())
        return Page(response.status, path.path + (f"?{path.query}" if path.query else ""), body)

    def fetch(path: str) -> Page:
        with opener.open(base + path, timeout=60) as response:  # noqa: S310 (our own server)
            return _page(response)

    def login(username: str, password: str) -> Page:
        form = fetch(LOGIN_PATH)
        data = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": parse(form.html).csrf,
                "username": username,
                "password": password,
            }
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (our own server)
            base + LOGIN_PATH, data=data, headers={"Referer": base + LOGIN_PATH}
        )
        with opener.open(request, timeout=60) as response:
            return _page(response)

    return fetch, login


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    base, logins = argv[0], argv[1:]
    failed = False
    for credentials in logins:
        fetch, login = urllib_session(base)
        if credentials == "anonymous":
            username, landed = credentials, fetch("/")
        else:
            username, password = credentials.split(":", 1)
            landed = login(username, password)
        if landed.status >= 400 or landed.path.startswith(LOGIN_PATH):
            print(f"smoke walk: {username} could not log in ({landed.status} at {landed.path})")
            failed = True
            continue
        result = walk(fetch, landed.path)
        errors = result.failures
        print(
            f"smoke walk: {username} landed on {result.landing}, opened {len(result.visited)} "
            f"pages, {len(errors)} answered 5xx"
        )
        for path, status in errors.items():
            print(f"    {status} {path}")
        failed = failed or bool(errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
