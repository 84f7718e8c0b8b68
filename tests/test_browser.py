"""The search page in a real browser: Debian's Chromium, driven by Playwright, against
`python -m search serve` (Granian) on 127.0.0.1.

These tests never skip.  If Chromium cannot start they fail and say how to install it.
Screenshots go to test-artifacts/; with UPDATE_SCREENSHOTS=1 the README's copies in
docs/screenshots/ are rewritten too.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from bench.load import free_port
from search import index
from tests.conftest import CORPUS, ROOT, build_corpus
from tests.test_web import news_files

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ROOT / "docs" / "screenshots"
ARABIC_FONTS = {"Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New", "Geeza Pro"}
HARVEST = "harvest OR الحصاد"


# --- The server and the browser -------------------------------------------------------------


@pytest.fixture(scope="module")
def site_index(tmp_path_factory):
    """The real corpus and the 25 + 25 harvest articles, in one index."""
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(CORPUS, root / "corpus")
    index.build(build_corpus(root / "corpus", news_files()), root / "index")
    return root / "index"


def _wait_until_up(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60  # a guard against hanging, not a timing check
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(f"the server did not answer on {base}:\n{log.read_text(errors='replace')}")


@pytest.fixture(scope="module")
def server(site_index, tmp_path_factory):
    """`python -m search serve` on a free port, as `make run` starts it."""
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "search", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1", "--index", str(site_index)],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, process, log)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            pytest.fail(f"Chromium did not start from {CHROMIUM}; `make test` installs it "
                        f"(apt-get install chromium).\n{error}")
        yield chromium
        chromium.close()


class Log:
    """What a page did that it should not: console errors (CSP violations among them),
    uncaught exceptions, dialogs, and requests that left the server."""

    def __init__(self, page):
        self.problems, self.requests = [], []

        def console(message):
            # An error page's own status is reported as a failed load; that is the page working.
            own_status = message.text.startswith("Failed to load resource") and message.location["url"] == page.url
            if message.type == "error" and not own_status:
                self.problems.append(f"console: {message.text} ({message.location['url']})")

        page.on("console", console)
        page.on("pageerror", lambda e: self.problems.append(f"exception: {e}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))
        page.on("request", lambda r: self.requests.append(r.url))

    def outside(self, base: str) -> list[str]:
        return [url for url in self.requests if not url.startswith(base + "/")]


@pytest.fixture
def context(browser, server):
    context = browser.new_context(base_url=server, viewport={"width": 1000, "height": 800}, locale="en-GB")
    yield context
    context.close()


@pytest.fixture
def page(context, server):
    page = context.new_page()
    page.log = Log(page)
    return page


def search(page, query: str):
    """Type a query into the box and press Enter, as a reader does."""
    page.goto("/")
    page.fill("#q", query)
    with page.expect_navigation():
        page.press("#q", "Enter")


def hit_langs(page) -> list[str]:
    return page.locator("li.hit").evaluate_all("els => els.map(e => e.lang)")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / name, full_page=True)
    if os.environ.get("UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ARTIFACTS / name, SCREENSHOTS / name)


# --- Searching ------------------------------------------------------------------------------


def test_an_english_query_marks_its_matches(page, server):
    search(page, "Putin")
    assert re.search(r"/search\?q=Putin$", page.url)
    assert page.input_value("#q") == "Putin"
    english = page.locator('li.hit[lang="en"]')
    assert english.count() == 3
    assert set(english.locator("mark").all_inner_texts()) == {"Putin"}
    assert set(english.evaluate_all("els => els.map(e => getComputedStyle(e).direction)")) == {"ltr"}
    screenshot(page, "results-en.png")
    assert page.log.problems == []


def test_an_arabic_query_is_laid_out_right_to_left(page, server):
    search(page, "داعش")
    assert page.evaluate("document.getElementById('q').matches(':dir(rtl)')")
    arabic = page.locator('li.hit[lang="ar"]')
    assert arabic.count() >= 1
    assert set(arabic.evaluate_all("els => els.map(e => getComputedStyle(e).direction)")) == {"rtl"}
    assert "داعش" in arabic.first.locator("mark").all_inner_texts()
    # The snippet's right edge is the block's right edge: the text starts on the right.
    edges = arabic.first.locator(".snippet").evaluate(
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " const first = r.getClientRects()[0], box = e.getBoundingClientRect();"
        " return [first.right, box.right]; }")
    assert abs(edges[0] - edges[1]) < 2
    screenshot(page, "results-ar.png")
    assert page.log.problems == []


def test_arabic_is_drawn_with_an_arabic_font(page, server):
    """The font that really drew the glyphs, from Chromium itself, not the CSS's wish list."""
    page.goto("/search?q=داعش")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": 'li.hit[lang="ar"] .snippet'})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    main = max(fonts, key=lambda f: f["glyphCount"])["familyName"]
    assert main in ARABIC_FONTS, f"Arabic drawn with {fonts}; install fonts-noto-core"


def test_a_result_leads_to_the_article_and_back(page, server):
    search(page, "Putin")
    results = page.url
    first = page.locator("li.hit h2 a").first
    title = first.inner_text()
    with page.expect_navigation():
        first.click()
    assert "/doc/" in page.url
    assert page.locator("h1").inner_text() == title
    assert "Putin" in page.locator("article mark").all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name="Back to the results for Putin").click()
    assert page.url == results
    with page.expect_navigation():
        page.locator("li.hit h2 a").first.click()
    page.go_back()
    assert page.url == results and page.input_value("#q") == "Putin"
    assert page.log.problems == []


def test_the_language_filter_and_the_pages(page, server):
    search(page, HARVEST)
    # Only the words typed, so the counts are exactly the generated articles.
    for option in ("names in the other script", "translations"):
        with page.expect_navigation():
            page.get_by_label(option).click()
    assert "xlang=0" in page.url and "translate=0" in page.url and "=1" not in page.url
    assert page.locator("nav.filters ul").first.inner_text().split() == ["All", "50", "English", "25", "Arabic", "25"]

    with page.expect_navigation():
        page.get_by_role("link", name="Arabic 25").click()
    assert hit_langs(page) == ["ar"] * 10
    assert page.locator(".summary").inner_text().startswith("25 results in Arabic, page 1 of 3")

    first_page = page.locator("li.hit h2").all_inner_texts()
    with page.expect_navigation():
        page.get_by_role("link", name="Next ›").click()
    assert "page=2" in page.url
    second_page = page.locator("li.hit h2").all_inner_texts()
    assert len(second_page) == 10 and not set(first_page) & set(second_page)

    with page.expect_navigation():
        page.get_by_role("link", name="Page 3").click()
    assert hit_langs(page) == ["ar"] * 5
    page.go_back()
    assert page.locator("li.hit h2").all_inner_texts() == second_page
    assert page.log.problems == []


def test_the_options_are_sent_only_when_off(page, server):
    search(page, "Putin")
    with page.expect_navigation():
        page.get_by_label("translations").click()
    assert re.search(r"/search\?q=Putin&translate=0$", page.url)  # straight there, no redirect
    with page.expect_navigation():
        page.get_by_label("translations").click()
    assert re.search(r"/search\?q=Putin$", page.url)
    page.go_back()  # the box shows what the page was searched with, not what was last clicked
    assert page.get_by_label("names in the other script").is_enabled()
    assert page.get_by_label("translations").is_enabled() and not page.get_by_label("translations").is_checked()
    assert page.evaluate("document.querySelectorAll('input[disabled]').length") == 0
    assert page.log.problems == []


def test_sorting_by_date(page, server):
    page.goto(f"/search?q={HARVEST}&lang=en&xlang=0&translate=0")
    with page.expect_navigation():
        page.get_by_role("link", name="Newest").click()
    dates = page.locator("li.hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates, reverse=True) and dates[0] == "2015-11-25"


def test_everything_works_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False)
    page = context.new_page()
    try:
        search(page, "Putin")
        assert page.locator('li.hit[lang="en"]').count() == 3
        page.get_by_label("names in the other script").uncheck()
        with page.expect_navigation():
            page.get_by_role("button", name="Search").click()
        assert re.search(r"/search\?q=Putin&xlang=0$", page.url)  # the server's short address
        assert not page.get_by_label("names in the other script").is_checked()
        assert page.get_by_label("translations").is_checked()
    finally:
        context.close()


def test_slash_jumps_to_the_box(page, server):
    page.goto("/search?q=Putin")
    page.locator("li.hit h2 a").first.focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    assert page.input_value("#q") == "Putin"  # the / is not typed into the box
    page.keyboard.press("End")
    page.keyboard.type("/x")
    assert page.input_value("#q") == "Putin/x"  # but it is typed once the reader is in the box


# --- Accessibility --------------------------------------------------------------------------

PAGES = [
    "/",
    "/search?q=Putin",
    "/search?q=داعش",
    f"/search?q={HARVEST}&xlang=0&translate=0&lang=ar",
    "/search?q=zebra&xlang=0",
    "/search?q=Hollnde",
    "/search?q=x&page=abc",
    "/doc/004_b8fceaef4f830341?q=داعش",
    "/doc/harvest-en/h03?q=harvest",
    "/api/",
    "/nowhere",
]

# Each element with its own text: its colour, the first opaque background behind it, and its size.
_COLOURS = """() => {
  const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || el.closest('.skip')) continue;
    let bg = null;
    for (let at = el; at && !bg; at = at.parentElement) {
      const c = rgba(getComputedStyle(at).backgroundColor);
      if (c.length === 3 || c[3] > 0) bg = c.slice(0, 3);
    }
    const style = getComputedStyle(el);
    out.push({tag: el.tagName, text: el.textContent.trim().slice(0, 30), fg: rgba(style.color).slice(0, 3),
              bg: bg || [255, 255, 255], size: parseFloat(style.fontSize), weight: parseInt(style.fontWeight)});
  }
  return out;
}"""


def _luminance(rgb) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg, bg) -> float:
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize(
    "fg, bg, ratio",
    [
        pytest.param((0, 0, 0), (255, 255, 255), 21.0, id="black on white"),
        pytest.param((255, 255, 255), (255, 255, 255), 1.0, id="no contrast"),
        pytest.param((118, 118, 118), (255, 255, 255), 4.54, id="the lightest grey that passes"),
    ],
)
def test_contrast_formula(fg, bg, ratio):
    assert round(contrast(fg, bg), 2) == ratio


@pytest.mark.parametrize("path", PAGES)
def test_text_contrast_passes_wcag_aa(page, server, path):
    page.goto(path)
    failing = []
    for item in page.evaluate(_COLOURS):
        large = item["size"] >= 24 or (item["size"] >= 18.66 and item["weight"] >= 700)
        ratio = contrast(item["fg"], item["bg"])
        if ratio < (3 if large else 4.5):
            failing.append((round(ratio, 2), item))
    assert failing == []


def test_keyboard_focus_is_visible(page, server):
    page.goto("/search?q=Putin")
    seen = []
    for _ in range(8):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(
            "() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.tagName, e.textContent.trim().slice(0, 20), s.outlineStyle, parseFloat(s.outlineWidth)]; }"))
    assert seen[0][:2] == ["A", "Skip to content"]
    assert [s for s in seen if s[2] == "none" or s[3] < 2] == []


# --- Safety and speed -----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_nothing_is_fetched_from_elsewhere_and_nothing_is_refused(page, server, path):
    page.goto(path)
    page.wait_for_load_state("load")
    assert page.log.outside(server) == []
    assert page.log.problems == []  # a Content-Security-Policy refusal is a console error


def test_hostile_text_is_shown_not_run(page, server):
    page.goto("/search?q=<script>alert(1)</script><img src=x onerror=alert(2)>")
    assert page.locator("h1 bdi").inner_text() == "<script>alert(1)</script><img src=x onerror=alert(2)>"
    page.goto("/doc/hostile/x1?q=pumpkin")
    assert page.locator("h1").inner_text() == "<script>alert('title')</script> pumpkin"
    assert page.locator("article img, article b").count() == 0
    assert page.locator("script").count() == 1  # our own keys.js
    assert page.log.problems == []


@pytest.mark.parametrize(
    "path, statuses, says",
    [
        pytest.param("/search?q=" + "ب" * 1000, {400}, "the limit is 500", id="1000 Arabic letters get our message"),
        # Far over the limit: the server may refuse the request line itself; still not a 500.
        pytest.param("/search?q=" + "x" * 10_000, {400, 414}, "", id="10k characters"),
        pytest.param("/search?q=%ff%fe", {200}, "Results for", id="invalid UTF-8"),
        pytest.param("/doc/%ff%fe", {404}, "Start a new search", id="invalid UTF-8 article id"),
        pytest.param("/search?q=Putin&page=-1", {400}, "page must be 1 or more", id="negative page"),
        pytest.param("/api/search?q=Putin&limit=100000", {400}, "limit must be between", id="huge limit"),
    ],
)
def test_the_real_server_answers_hostile_input(page, server, path, statuses, says):
    response = page.request.get(path)
    assert response.status in statuses
    assert says.lower() in response.text().lower()


def test_the_running_server_follows_a_rebuild(site_index, server, page, tmp_path):
    assert page.request.get("/api/search?q=quokka").json()["total"] == 0
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_corpus(corpus, {**news_files(), "quokka.txt": "Quokka spotted\nA quokka was seen in Tartus."})
    index.build(corpus, site_index)
    assert page.request.get("/api/search?q=quokka").json()["total"] == 1
