"""The search page and its JSON twin, through Flask's test client.

The real corpus answers the language questions; a generated corpus of 25
English and 25 Arabic dated articles answers the paging, filter and sort ones.
"""

import dataclasses
import inspect
import json
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import build_corpus
from search import index
from search.expand import Expansion
from search.searcher import Engine, Hit, Results
from web import api, create_app
from web.pages import marked, page_window, web_url
from web.params import SEARCH_PARAMS, SearchState

ARABIC_DOC = "004_b8fceaef4f830341"  # mentions داعش, غيراسيموف, سوريا
PUTIN_DOC = "002_7393bfd90634e5fe"  # Putin and Hollande in Moscow
ONLY_TYPED = {"xlang": "0", "translate": "0"}  # exact counts, whatever the expansions find


def news_files() -> dict[str, str]:
    """25 English and 25 Arabic articles about a harvest festival, dated, with sources and
    addresses, plus one article whose every field is hostile."""

    def lines(rows):
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)

    en = [{"id": f"h{n:02d}", "title": f"Harvest festival, day {n}", "lang": "en",
           "text": f"Farmers brought the harvest to the market on day {n} of the festival in Tartus.",
           "date": f"2015-11-{n:02d}", "source": "Example Wire", "url": f"https://example.org/en/{n}"}
          for n in range(1, 26)]
    ar = [{"id": f"h{n:02d}", "title": f"مهرجان الحصاد، اليوم {n}", "lang": "ar",
           "text": f"جلب المزارعون الحصاد إلى السوق في اليوم {n} من المهرجان في طرطوس.",
           "date": f"2015-10-{n:02d}", "source": "وكالة المثال", "url": f"https://example.org/ar/{n}"}
          for n in range(1, 26)]
    hostile = [{"id": "x1", "title": "<script>alert('title')</script> pumpkin", "lang": "en",
                "text": "A pumpkin <img src=x onerror=alert('text')> and <b>bold</b> & more.",
                "source": "<i>Evil</i>", "url": "javascript:alert('url')"}]
    return {"harvest-en.jsonl": lines(en), "harvest-ar.jsonl": lines(ar), "hostile.jsonl": lines(hostile)}


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("news")
    index.build(build_corpus(root / "corpus", news_files()), root / "index")
    return root / "index"


@pytest.fixture
def news(news_index):
    return create_app({"TESTING": True, "INDEX_DIR": str(news_index)}).test_client()


@pytest.fixture(scope="module")
def web(index_dir):
    """A client over the real corpus that lives for the module, for property tests."""
    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()


class Outline(HTMLParser):
    """A page's start tags with their attributes, and its headings, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.headings, self._open = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._open = [int(tag[1]), ""]

    def handle_endtag(self, tag):
        if self._open and tag == f"h{self._open[0]}":
            self.headings.append((self._open[0], " ".join(self._open[1].split())))
            self._open = None

    def handle_data(self, data):
        if self._open:
            self._open[1] += data

    def find(self, tag, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]


def text(response) -> str:
    return response.get_data(as_text=True)


def hits(response) -> list[dict]:
    """The hits of a results page: lang and dir of each block, and the id it links to."""
    html = text(response)
    blocks = Outline(html).find("li", class_="hit")
    ids = [unquote(i) for i in re.findall(r'<h2><a href="/doc/([^"?]+)', html)]
    assert len(blocks) == len(ids)
    return [{**block, "id": doc_id} for block, doc_id in zip(blocks, ids)]


# --- The pages ----------------------------------------------------------------------------


def test_home_has_a_labelled_box_that_takes_either_script(client):
    page = Outline(text(client.get("/")))
    (box,) = page.find("input", id="q")
    assert box["dir"] == "auto" and box["name"] == "q"
    assert page.find("label", **{"for": "q"})
    assert page.find("form", action="/search", method="get")


@pytest.mark.parametrize(
    "q, doc_id, marked_words",
    [
        pytest.param("Putin", PUTIN_DOC, ["Putin"], id="English name"),
        pytest.param("داعش", ARABIC_DOC, ["داعش"], id="Arabic word"),
        pytest.param('"air strikes"', PUTIN_DOC, ["air", "strikes"], id="quoted phrase"),
        pytest.param("Aleppo -Obama", PUTIN_DOC, ["Aleppo"], id="exclusion"),
        pytest.param("S-400", PUTIN_DOC, ["S-400"], id="weapon code"),
    ],
)
def test_a_search_shows_the_article_with_its_matches_marked(client, q, doc_id, marked_words):
    response = client.get("/search", query_string={"q": q, **ONLY_TYPED})
    assert response.status_code == 200
    assert doc_id in [hit["id"] for hit in hits(response)]
    marks = re.findall(r"<mark>(.*?)</mark>", text(response))
    assert set(marked_words) <= set(marks)


@pytest.mark.parametrize(
    "q, excluded",
    [
        pytest.param("Aleppo -Obama", "003_b916ab04b36c1af1", id="-word leaves out the article with it"),
        pytest.param("Lavrov -Putin", PUTIN_DOC, id="-name leaves out the article with it"),
    ],
)
def test_an_excluded_word_removes_its_articles(client, q, excluded):
    with_word = hits(client.get("/search", query_string={"q": q.split()[0], **ONLY_TYPED}))
    without = hits(client.get("/search", query_string={"q": q, **ONLY_TYPED}))
    assert excluded not in [hit["id"] for hit in without]
    assert len(without) < len(with_word)


def test_or_finds_either_word(client):
    either = {h["id"] for h in hits(client.get("/search", query_string={"q": "Hollande OR Lavrov", **ONLY_TYPED}))}
    hollande = {h["id"] for h in hits(client.get("/search", query_string={"q": "Hollande", **ONLY_TYPED}))}
    lavrov = {h["id"] for h in hits(client.get("/search", query_string={"q": "Lavrov", **ONLY_TYPED}))}
    assert either == hollande | lavrov and hollande != lavrov


def test_the_query_stays_in_the_box_the_heading_and_the_title(client):
    html = text(client.get("/search", query_string={"q": "بوتين Putin"}))
    page = Outline(html)
    assert page.find("input", id="q")[0]["value"] == "بوتين Putin"
    assert page.headings[0] == (1, "Results for بوتين Putin")
    assert "<title>بوتين Putin – News search</title>" in html


@pytest.mark.parametrize(
    "q, lang, direction",
    [
        pytest.param("داعش", "ar", "rtl", id="Arabic hit right to left"),
        pytest.param("Putin", "en", "ltr", id="English hit left to right"),
    ],
)
def test_each_hit_carries_its_language_and_direction(client, q, lang, direction):
    found = hits(client.get("/search", query_string={"q": q, **ONLY_TYPED}))
    assert found and {(h["lang"], h["dir"]) for h in found} == {(lang, direction)}


def test_the_page_says_how_many_and_how_long(client):
    html = text(client.get("/search", query_string={"q": "Obama", **ONLY_TYPED}))
    assert re.search(r"3 results · \d+(\.\d)? ms", html)


@pytest.mark.parametrize(
    "misspelt, corrected",
    [
        pytest.param("Hollnde", "Hollande", id="English name missing a letter"),
        pytest.param("Gerasimof", "Gerasimov", id="English name with f for v"),
        pytest.param("داعس", "داعش", id="Arabic word with the wrong last letter"),
        pytest.param("غيراسيموفف", "غيراسيموف", id="Arabic name with a doubled letter"),
    ],
)
def test_a_misspelt_query_offers_the_correction_as_a_link(client, misspelt, corrected):
    html = text(client.get("/search", query_string={"q": misspelt}))
    link = re.search(r'Did you mean\s*<a href="([^"]+)"><bdi>(.*?)</bdi></a>', html)
    assert link and link.group(2) == corrected
    assert parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["q"] == [corrected]


def test_a_query_without_every_word_says_the_hits_are_partial(client):
    html = text(client.get("/search", query_string={"q": "Lavrov pumpkin", **ONLY_TYPED}))
    assert "No article has every word" in html
    assert "Lavrov" in re.findall(r"<mark>(.*?)</mark>", html)


@pytest.mark.parametrize(
    "query_string",
    [
        pytest.param("", id="no q at all"),
        pytest.param("q=", id="empty q"),
        pytest.param("q=+++", id="only spaces"),
    ],
)
def test_no_query_asks_for_one(client, query_string):
    response = client.get(f"/search?{query_string}")
    assert response.status_code == 200
    assert Outline(text(response)).headings[0] == (1, "Search English and Arabic news as one collection")
    assert 'class="hit"' not in text(response)


def test_no_results_says_so_and_offers_help(client):
    html = text(client.get("/search", query_string={"q": "zebra"}))
    assert "No articles match" in html and "Try fewer words" in html


def test_no_results_in_one_language_points_to_the_other(client):
    html = text(client.get("/search", query_string={"q": "Obama", "lang": "ar", **ONLY_TYPED}))
    assert "No Arabic articles match" in html
    assert re.search(r'<a href="/search\?q=Obama&amp;lang=en&amp;xlang=0&amp;translate=0">See the 3 in English</a>',
                     html)


def test_no_results_with_the_options_off_offers_them(client):
    html = text(client.get("/search", query_string={"q": "zebra", **ONLY_TYPED}))
    assert '<a href="/search?q=zebra">Search again with names in the other script and translations</a>' in html


# --- Paging, the language filter and the sort, over 25 + 25 articles -----------------------

BOTH = {"q": "harvest OR الحصاد", **ONLY_TYPED}


@pytest.mark.parametrize(
    "args, count, first_title",
    [
        pytest.param({}, 10, None, id="first page"),
        pytest.param({"page": "5"}, 10, None, id="last full page"),
        pytest.param({"lang": "en", "page": "3"}, 5, None, id="last page of one language is short"),
        pytest.param({"limit": "7", "page": "8"}, 1, None, id="a limit changes the pages"),
        pytest.param({"lang": "en", "sort": "date"}, 10, "Harvest festival, day 25", id="newest first"),
        pytest.param({"lang": "ar", "sort": "date", "page": "3"}, 5, "مهرجان الحصاد، اليوم 5", id="oldest last"),
    ],
)
def test_pages_filters_and_sort(news, args, count, first_title):
    response = news.get("/search", query_string={**BOTH, **args})
    found = hits(response)
    assert len(found) == count
    if "lang" in args:
        assert {h["lang"] for h in found} == {args["lang"]}
    if first_title:
        assert Outline(text(response)).headings[1] == (2, first_title)


def test_pages_do_not_repeat_hits(news):
    seen = [h["id"] for page in range(1, 6) for h in hits(news.get("/search", query_string={**BOTH, "page": page}))]
    assert len(seen) == len(set(seen)) == 50


def test_the_language_filter_shows_the_count_of_each_language(news):
    html = text(news.get("/search", query_string={**BOTH, "lang": "ar"}))
    assert re.findall(r'>(All|English|Arabic) <span class="n">(\d+)</span>', html) == [
        ("All", "50"), ("English", "25"), ("Arabic", "25")]
    assert re.search(r'lang=ar[^"]*" aria-current="page">Arabic', html)


@pytest.mark.parametrize(
    "page, prev, nxt",
    [
        pytest.param(1, None, 2, id="first page has only next"),
        pytest.param(3, 2, 4, id="middle page has both"),
        pytest.param(5, 4, None, id="last page has only previous"),
    ],
)
def test_pagination_links(news, page, prev, nxt):
    html = text(news.get("/search", query_string={**BOTH, "page": page}))
    links = {rel: int(p) for rel, p in re.findall(r'rel="(prev|next)" href="[^"]*?page=(\d+)', html)}
    assert links.get("prev") == prev and links.get("next") == nxt
    assert re.search(rf'aria-label="Page {page}" aria-current="page"', html)


def test_a_page_past_the_last_says_so(news):
    html = text(news.get("/search", query_string={**BOTH, "page": "9"}))
    assert "Page 9 is past the last page" in html and "page=5" in html


def test_sort_is_offered_only_where_dates_exist(client, news):
    assert "Newest" not in text(client.get("/search", query_string={"q": "Putin"}))
    assert "Newest" in text(news.get("/search", query_string=BOTH))


@pytest.mark.parametrize(
    "args, checked",
    [
        pytest.param({}, {"xlang", "translate"}, id="both on by default"),
        pytest.param({"xlang": "0"}, {"translate"}, id="names off"),
        pytest.param({"translate": "0"}, {"xlang"}, id="translations off"),
    ],
)
def test_the_option_boxes_show_the_options(client, args, checked):
    page = Outline(text(client.get("/search", query_string={"q": "Putin", **args})))
    boxes = page.find("input", type="checkbox")
    assert {b["name"] for b in boxes if "checked" in b} == checked
    assert {b["name"] for b in boxes} == {"xlang", "translate"}


@pytest.mark.parametrize(
    "sent, canonical",
    [
        pytest.param("q=Putin&xlang=0&xlang=1&translate=0&translate=1", "/search?q=Putin", id="both ticked"),
        pytest.param("q=Putin&xlang=0&translate=0&translate=1", "/search?q=Putin&xlang=0", id="names unticked"),
        pytest.param("q=Putin&lang=ar&xlang=0&xlang=1&translate=0", "/search?q=Putin&lang=ar&translate=0",
                     id="filter kept"),
    ],
)
def test_the_form_is_answered_with_the_short_address(client, sent, canonical):
    response = client.get(f"/search?{sent}")
    assert response.status_code == 302 and response.headers["Location"] == canonical


def test_links_keep_the_search_and_the_article_leads_back(news):
    args = {**BOTH, "lang": "ar", "page": "2", "sort": "date"}
    response = news.get("/search", query_string=args)
    assert hits(response)[0]["id"] == "harvest-ar/h15"
    link = re.search(r'<h2><a href="([^"]+)"', text(response)).group(1)
    article = text(news.get(link.replace("&amp;", "&")))
    back = re.search(r'<p class="back">\s*<a href="([^"]+)"', article).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(back).query) == {k: [v] for k, v in args.items()}


# --- The article page ---------------------------------------------------------------------


def test_the_article_page_shows_the_whole_text_marked_and_right_to_left(client):
    html = text(client.get(f"/doc/{ARABIC_DOC}", query_string={"q": "داعش"}))
    page = Outline(html)
    (article,) = page.find("article")
    assert (article["lang"], article["dir"]) == ("ar", "rtl")
    assert page.headings[0][1].startswith("بعد عام ونصف من تجميد العلاقات")
    assert re.findall(r"<mark>(.*?)</mark>", html).count("داعش") >= 3
    assert "Back to the results for <bdi>داعش</bdi>" in html


def test_the_article_without_a_query_offers_a_new_search(client):
    html = text(client.get(f"/doc/{PUTIN_DOC}"))
    assert "<mark>" not in html and "New search" in html


def test_an_article_with_a_slash_in_its_id(news):
    response = news.get("/doc/harvest-en/h07", query_string={"q": "harvest"})
    assert response.status_code == 200
    assert "<mark>harvest</mark>" in text(response)
    assert '<a href="https://example.org/en/7" rel="noopener noreferrer">Original article</a>' in text(response)
    assert news.get("/api/doc/harvest-en/h07").get_json()["title"] == "Harvest festival, day 7"


@pytest.mark.parametrize(
    "path, status",
    [
        pytest.param("/doc/no-such-article", 404, id="unknown id"),
        pytest.param("/doc/%ff%fe", 404, id="invalid UTF-8 id"),
        pytest.param("/doc/", 404, id="no id"),
        pytest.param("/api/doc/no-such-article", 404, id="unknown id in the API"),
    ],
)
def test_an_unknown_article_is_a_friendly_404(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if path.startswith("/api/"):
        assert response.get_json() == {"error": "There is no article with the id 'no-such-article'.", "status": 404}
    else:
        assert "Start a new search" in text(response)


@pytest.mark.parametrize(
    "query_string, status",
    [
        pytest.param("q=Putin&xlang=maybe", 400, id="its own option, wrong"),
        pytest.param("q=Putin&page=abc&limit=0", 200, id="the search's paging is not its business"),
    ],
)
def test_the_api_article_reads_only_its_own_parameters(client, query_string, status):
    assert client.get(f"/api/doc/{ARABIC_DOC}?{query_string}").status_code == status


# --- Hostile input -------------------------------------------------------------------------

HOSTILE = [
    pytest.param("q=<script>alert(1)</script>", 200, id="script tag"),
    pytest.param("q=" + "x" * 10_000, 400, id="10k characters"),
    pytest.param("q=" + "ب" * 501, 400, id="501 Arabic letters"),
    pytest.param("q=" + "ب" * 500, 200, id="500 Arabic letters"),
    pytest.param("q=%ff%fe", 200, id="invalid UTF-8"),
    pytest.param("q=%00%01", 200, id="control characters"),
    pytest.param('q="unclosed', 200, id="unclosed quote"),
    pytest.param("q=OR -", 200, id="only operators"),
    pytest.param("q=*:?[](){}^~\\", 200, id="other engines' syntax"),
    pytest.param("q=Putin&page=-1", 400, id="negative page"),
    pytest.param("q=Putin&page=0", 400, id="page zero"),
    pytest.param("q=Putin&page=abc", 400, id="page not a number"),
    pytest.param("q=Putin&page=99999999999999999999", 200, id="page far past the end"),
    pytest.param("q=Putin&limit=100000", 400, id="huge limit"),
    pytest.param("q=Putin&limit=0", 400, id="limit zero"),
    pytest.param("q=Putin&limit=1.5", 400, id="fractional limit"),
    pytest.param("q=Putin&limit=", 200, id="empty limit is the default"),
    pytest.param("q=Putin&lang=xx", 400, id="unknown language"),
    pytest.param("q=Putin&lang=", 200, id="empty language is both"),
    pytest.param("q=Putin&sort=xx", 400, id="unknown sort"),
    pytest.param("q=Putin&xlang=maybe", 400, id="option not 0 or 1"),
    pytest.param("q=Putin&translate=2", 400, id="option out of range"),
]


@pytest.mark.parametrize("query_string, status", HOSTILE)
def test_hostile_input_on_the_page(client, query_string, status):
    response = client.get(f"/search?{query_string}")
    assert response.status_code == status
    html = text(response)
    assert "<script>alert" not in html
    if status == 400:
        assert re.search(r'<p class="error" role="alert">[A-Z].+\.</p>', html)


@pytest.mark.parametrize("query_string, status", HOSTILE)
def test_hostile_input_on_the_api(client, query_string, status):
    response = client.get(f"/api/search?{query_string}")
    assert response.status_code == status and response.mimetype == "application/json"
    if status == 400:
        body = response.get_json()
        assert body["status"] == 400 and body["error"]


@pytest.mark.parametrize(
    "query_string, message",
    [
        pytest.param("x" * 500, "the limit is 500", id="too long"),
        pytest.param("&page=abc", "page must be a whole number", id="page"),
        pytest.param("&limit=100000", "limit must be between 1 and 100", id="limit"),
        pytest.param("&lang=fr", "lang must be one of en, ar", id="lang"),
        pytest.param("&xlang=maybe", "xlang must be 1 or 0", id="option"),
    ],
)
def test_the_error_says_what_is_wrong(client, query_string, message):
    assert message in client.get(f"/api/search?q=x{query_string}").get_json()["error"]
    assert message[1:] in text(client.get(f"/search?q=x{query_string}"))


def test_a_bad_parameter_keeps_the_query_and_its_twin_is_the_same_error(client):
    response = client.get("/search?q=Putin&page=abc")
    page = Outline(text(response))
    assert page.find("input", id="q")[0]["value"] == "Putin"
    (twin,) = page.find("link", rel="alternate")
    assert twin["href"] == "/api/search?q=Putin&page=abc"
    assert client.get(twin["href"]).get_json()["status"] == 400


def _number_or_junk(low, high):
    return st.one_of(st.integers(low, high).map(str), st.text(max_size=6))


@settings(max_examples=80, deadline=None)
@given(
    q=st.text(max_size=520),
    page=_number_or_junk(-2, 12),
    limit=_number_or_junk(-2, 120),
    lang=st.sampled_from(["", "en", "ar", "EN", "xx"]),
    xlang=st.sampled_from(["", "0", "1", "yes", "maybe"]),
)
def test_any_input_gets_an_answer_not_a_server_error(web, q, page, limit, lang, xlang):
    args = {"q": q, "page": page, "limit": limit, "lang": lang, "xlang": xlang}
    for path in ("/search", "/api/search"):
        assert web.get(path, query_string=args).status_code in (200, 400)


def test_article_text_and_titles_are_escaped(news):
    results = text(news.get("/search", query_string={"q": "pumpkin"}))
    article = text(news.get("/doc/hostile/x1", query_string={"q": "pumpkin"}))
    for html in (results, article):
        assert "<script>alert" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
        assert "&lt;script&gt;alert(" in html
    assert "&lt;img src=x onerror=alert(" in article
    assert "javascript:" not in article  # the url is not made a link


@pytest.mark.parametrize(
    "html, shown",
    [
        pytest.param("<mark>Putin</mark> met", "<mark>Putin</mark> met", id="marks pass"),
        pytest.param("a &lt;b&gt; c", "a &lt;b&gt; c", id="escaped text stays escaped"),
        pytest.param("<b>bold</b>", "&lt;b>bold&lt;/b>", id="another tag is shown as text"),
        pytest.param("<mark onclick=x>a</mark>", "&lt;mark onclick=x>a</mark>", id="a mark with attributes is text"),
        pytest.param("<script>x</script>", "&lt;script>x&lt;/script>", id="script is text"),
    ],
)
def test_only_mark_tags_reach_the_page(html, shown):
    assert str(marked(html)) == shown


@pytest.mark.parametrize(
    "url, shown",
    [
        pytest.param("https://example.org/a", "https://example.org/a", id="https"),
        pytest.param("http://example.org/a", "http://example.org/a", id="http"),
        pytest.param("javascript:alert(1)", None, id="javascript"),
        pytest.param("JavaScript:alert(1)", None, id="javascript in capitals"),
        pytest.param("data:text/html,x", None, id="data"),
        pytest.param("//example.org/a", None, id="no scheme"),
        pytest.param("", None, id="none"),
    ],
)
def test_only_web_addresses_become_links(url, shown):
    assert web_url(url) == shown


@pytest.mark.parametrize(
    "page, pages, shown",
    [
        pytest.param(1, 1, [1], id="one page"),
        pytest.param(1, 5, [1, 2, 3, None, 5], id="start"),
        pytest.param(5, 5, [1, None, 3, 4, 5], id="end"),
        pytest.param(6, 20, [1, None, 4, 5, 6, 7, 8, None, 20], id="middle"),
        pytest.param(4, 20, [1, 2, 3, 4, 5, 6, None, 20], id="no gap of one page"),
    ],
)
def test_page_window(page, pages, shown):
    assert page_window(page, pages) == shown


# --- The show-why of cross-script and translated matches ----------------------------------


class Canned:
    """An engine that answers every search with the same results."""

    def __init__(self, results):
        self.results = results

    def search(self, text, **kwargs):
        return self.results


def test_expansions_are_shown_on_the_page_and_on_each_hit(app):
    putin = {"query": "Putin", "matched": "بوتين", "via": "sound"}
    isis = [{"query": "داعش", "matched": m, "via": "alias"} for m in ("ISIS", "ISIL")]
    coalition = {"query": "coalition", "matched": "التحالف", "via": "dictionary"}
    hit = Hit(id="a", title="بوتين", lang="ar", score=1.0, snippet="<mark>بوتين</mark> <b>x</b>", matches=[putin])
    app.extensions["engine"] = Canned(Results(query="Putin داعش coalition", total=1, hits=[hit], pages=1,
                                              counts={"en": 0, "ar": 1}, expansions=[putin, *isis, coalition]))
    html = text(app.test_client().get("/search", query_string={"q": "Putin داعش coalition"}))
    assert ('Also searched: <span class="term"><bdi>بوتين</bdi> <span class="via">(sounds like <bdi>Putin</bdi>)'
            '</span></span>; <span class="term"><bdi>ISIS</bdi>, <bdi>ISIL</bdi> <span class="via">(same as '
            '<bdi>داعش</bdi>)</span></span>; <span class="term"><bdi>التحالف</bdi> <span class="via">(translation of '
            '<bdi>coalition</bdi>)</span></span>') in html
    assert re.search(r'<p class="why" lang="en" dir="ltr">Found through <span class="term"><bdi>بوتين</bdi>', html)
    assert "<mark>بوتين</mark> &lt;b>x&lt;/b>" in html


@pytest.mark.parametrize(
    "args, also, arabic_hits",
    [
        pytest.param({"q": "Putin"}, "<bdi>بوتين</bdi> <span class=\"via\">(sounds like <bdi>Putin</bdi>)", 1,
                     id="a name finds its Arabic spelling"),
        pytest.param({"q": "Putin", "xlang": "0"}, None, 0, id="xlang=0 searches only what was typed"),
        pytest.param({"q": "coalition", "xlang": "0"},
                     "<bdi>التحالف</bdi> <span class=\"via\">(translation of <bdi>coalition</bdi>)", 1,
                     id="a word finds its translation"),
        pytest.param({"q": "coalition", "translate": "0"}, None, 0, id="translate=0 turns translation off"),
    ],
)
def test_the_page_shows_why_a_hit_in_the_other_script_was_found(client, args, also, arabic_hits):
    response = client.get("/search", query_string=args)
    html = text(response)
    found = [h for h in hits(response) if h["lang"] == "ar"]
    assert len(found) == arabic_hits
    if also:
        assert also in html.split('<p class="also">')[1].split("</p>")[0]
        assert 'Found through <span class="term">' + also in html
    else:
        assert '<p class="also">' not in html and "Found through" not in html


def test_the_article_marks_what_the_search_found_it_by(client):
    marked_by_sound = re.findall(r"<mark>(.*?)</mark>", text(client.get(f"/doc/{ARABIC_DOC}?q=Putin")))
    assert "بوتين" in marked_by_sound
    assert "<mark>" not in text(client.get(f"/doc/{ARABIC_DOC}?q=Putin&xlang=0"))


def test_missing_dictionaries_are_said_on_the_page_and_in_the_api(client, monkeypatch):
    from search import dictionary

    monkeypatch.setattr(dictionary, "load", lambda *args, **kwargs: None)
    assert "the FreeDict dictionaries are not installed" in text(client.get("/search?q=coalition"))
    assert client.get("/api/search?q=coalition").get_json()["translation"] == "unavailable"
    assert "not installed" not in text(client.get("/search?q=coalition&translate=0"))


class Recorder:
    """The real engine, noting what it was asked."""

    def __init__(self, engine):
        self.engine, self.calls = engine, []

    def search(self, text, **kwargs):
        self.calls.append((text, kwargs))
        return self.engine.search(text, **kwargs)

    def document(self, doc_id, query="", **kwargs):
        self.calls.append((doc_id, {"query": query, **kwargs}))
        return self.engine.document(doc_id, query, **kwargs)


@pytest.mark.parametrize("path", ["/search", "/api/search"])
def test_every_parameter_reaches_the_engine(app, path):
    recorder = app.extensions["engine"] = Recorder(app.extensions["engine"])
    args = {"q": "Putin", "lang": "en", "page": "2", "limit": "5", "sort": "date", "xlang": "0", "translate": "0"}
    assert app.test_client().get(path, query_string=args).status_code == 200
    assert recorder.calls == [("Putin", {"lang": "en", "page": 2, "limit": 5, "sort": "date",
                                         "xlang": False, "translate": False})]


@pytest.mark.parametrize("path", [f"/doc/{ARABIC_DOC}", f"/api/doc/{ARABIC_DOC}"])
def test_the_article_is_marked_with_the_same_options(app, path):
    recorder = app.extensions["engine"] = Recorder(app.extensions["engine"])
    assert app.test_client().get(path, query_string={"q": "Putin", "xlang": "0"}).status_code == 200
    assert recorder.calls == [(ARABIC_DOC, {"query": "Putin", "xlang": False, "translate": True})]


def test_the_engine_defaults_are_the_web_defaults(app):
    recorder = app.extensions["engine"] = Recorder(app.extensions["engine"])
    app.test_client().get("/search", query_string={"q": "Putin"})
    defaults = {name: p.default for name, p in inspect.signature(Engine.search).parameters.items()
                if p.kind is p.KEYWORD_ONLY}
    assert recorder.calls == [("Putin", defaults)]


# --- The JSON twin and its documentation --------------------------------------------------


@pytest.mark.parametrize(
    "page, twin",
    [
        pytest.param("/", "/api/search", id="home"),
        pytest.param("/search?q=Putin&lang=en", "/api/search?q=Putin&lang=en", id="results"),
        pytest.param(f"/doc/{ARABIC_DOC}?q=داعش", f"/api/doc/{ARABIC_DOC}?q=%D8%AF%D8%A7%D8%B9%D8%B4", id="article"),
        pytest.param("/api/", "/api/index.json", id="API docs"),
    ],
)
def test_every_page_names_its_json_twin(client, page, twin):
    (link,) = Outline(text(client.get(page))).find("link", rel="alternate")
    assert link["href"] == twin and link["type"] == "application/json"
    assert client.get(twin).status_code == 200


def test_the_twin_of_a_results_page_has_the_same_hits(client):
    args = {"q": "Obama OR داعش", **ONLY_TYPED}
    page = [h["id"] for h in hits(client.get("/search", query_string=args))]
    data = client.get("/api/search", query_string=args).get_json()
    assert [h["id"] for h in data["hits"]] == page and data["total"] == len(page) == 4


def test_the_api_answers_as_the_library_and_the_cli_do(client, engine):
    data = client.get("/api/search", query_string={"q": "بوتين Putin"}).get_json()
    expected = engine.search("بوتين Putin").to_json()
    data.pop("took_ms"), expected.pop("took_ms")
    assert data == expected
    assert list(data)[:3] == ["query", "total", "hits"]


def test_the_api_keeps_arabic_readable(client):
    raw = client.get("/api/search", query_string={"q": "داعش"}).get_data(as_text=True)
    assert '"query": "داعش"' in raw or '"query":"داعش"' in raw


def test_the_api_doc_is_the_library_document(client, engine):
    assert client.get(f"/api/doc/{ARABIC_DOC}?q=داعش").get_json() == engine.document(ARABIC_DOC, "داعش")


def test_an_empty_api_query_has_no_hits(client):
    data = client.get("/api/search").get_json()
    assert (data["total"], data["hits"], data["query"]) == (0, [], "")


def test_every_engine_option_is_a_documented_parameter(client):
    options = {n for n, p in inspect.signature(Engine.search).parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert {p.name for p in SEARCH_PARAMS} == options | {"q"}
    assert {f.name for f in dataclasses.fields(SearchState)} == options | {"q"}
    html = text(client.get("/api/"))
    for param in SEARCH_PARAMS:
        assert f'<tr id="param-{param.name}"><th scope="row"><code>{param.name}</code>' in html


@pytest.mark.parametrize(
    "documented, actual",
    [
        pytest.param(api.RESULT_FIELDS, Results, id="answer"),
        pytest.param(api.HIT_FIELDS, Hit, id="hit"),
        pytest.param(api.EXPANSION_FIELDS, Expansion, id="expansion"),
    ],
)
def test_every_key_of_an_answer_is_documented(documented, actual):
    assert list(documented) == [f.name for f in dataclasses.fields(actual)]


def test_every_key_of_an_article_is_documented(engine):
    assert list(api.DOC_FIELDS) == list(engine.document(ARABIC_DOC, "داعش"))


def test_every_error_is_documented(client):
    html = text(client.get("/api/"))
    for status in (400, 404, 405, 503):
        assert f'<tr><th scope="row">{status}</th>' in html
    assert client.get("/api/index.json").get_json()["errors"][0]["status"] == 400


# --- Missing index, rebuilds, methods, unknown pages ---------------------------------------


@pytest.mark.parametrize(
    "path, json_body",
    [
        pytest.param("/search?q=Putin", False, id="results page"),
        pytest.param(f"/doc/{ARABIC_DOC}", False, id="article page"),
        pytest.param("/api/search?q=Putin", True, id="API search"),
        pytest.param(f"/api/doc/{ARABIC_DOC}", True, id="API article"),
    ],
)
def test_a_missing_index_is_a_503_that_says_how_to_build_it(tmp_path, path, json_body):
    response = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client().get(path)
    assert response.status_code == 503 and response.headers["Retry-After"]
    if json_body:
        assert "make index" in response.get_json()["error"]
    else:
        html = text(response)
        assert "The search index is not ready" in html and "<code>make index</code>" in html
        assert 'id="q"' in html


def test_a_damaged_index_is_a_503(tmp_path):
    (tmp_path / "CURRENT").write_text("g-gone\n")
    (tmp_path / "g-gone").mkdir()
    response = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path)}).test_client().get("/search?q=x")
    assert response.status_code == 503 and "make index" in text(response)


def test_the_page_follows_a_rebuild_without_a_restart(tmp_path):
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    site = create_app({"TESTING": True, "INDEX_DIR": str(index_dir)}).test_client()
    assert site.get("/api/search?q=pumpkin").status_code == 503
    index.build(build_corpus(corpus, {"a.txt": "Pumpkin fair\nThe pumpkin fair opened."}), index_dir)
    assert site.get("/api/search?q=pumpkin").get_json()["total"] == 1
    index.build(build_corpus(corpus, {"b.txt": "Pumpkin prices\nPumpkin prices rose."}), index_dir)
    assert site.get("/api/search?q=pumpkin").get_json()["total"] == 2
    assert len(hits(site.get("/search?q=pumpkin"))) == 2


@pytest.mark.parametrize(
    "method, path, status, json_body",
    [
        pytest.param("post", "/search", 405, False, id="POST a page"),
        pytest.param("delete", "/api/search", 405, True, id="DELETE the API"),
        pytest.param("get", "/nowhere", 404, False, id="unknown page"),
        pytest.param("get", "/api/nowhere", 404, True, id="unknown API path"),
    ],
)
def test_other_errors_are_pages_or_json(client, method, path, status, json_body):
    response = getattr(client, method)(path)
    assert response.status_code == status
    if json_body:
        assert response.get_json()["status"] == status
    else:
        assert "<h1>" in text(response) and 'id="q"' in text(response)
    if status == 405:
        assert "GET" in response.headers["Allow"]


# --- Headers, static files, markup rules ------------------------------------------------------

EVERY_KIND = [
    pytest.param("/", id="home"),
    pytest.param("/search?q=Putin", id="results"),
    pytest.param("/search?q=%D8%AF%D8%A7%D8%B9%D8%B4", id="Arabic results"),
    pytest.param("/search?q=zebra", id="no results"),
    pytest.param("/search?q=x&page=abc", id="bad parameter"),
    pytest.param(f"/doc/{ARABIC_DOC}?q=%D8%AF%D8%A7%D8%B9%D8%B4", id="article"),
    pytest.param("/api/", id="API docs"),
    pytest.param("/nowhere", id="unknown page"),
]


@pytest.mark.parametrize("path", EVERY_KIND + [
    pytest.param("/api/search?q=Putin", id="API"),
    pytest.param("/static/style.css", id="stylesheet"),
])
def test_security_headers_on_every_response(client, path):
    with client.get(path) as response:
        headers = response.headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", EVERY_KIND)
def test_no_inline_script_or_style(client, path):
    html = text(client.get(path))
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\s(style|on[a-z]+)=", html)
    assert "<style" not in html


@pytest.mark.parametrize("path", EVERY_KIND)
def test_headings_go_in_order(client, path):
    levels = [level for level, _ in Outline(text(client.get(path))).headings]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:]))


@pytest.mark.parametrize("path", EVERY_KIND)
def test_every_input_has_a_label(client, path):
    html = text(client.get(path))
    page = Outline(html)
    for field in page.find("input"):
        if field.get("type") == "hidden":
            continue
        if field.get("type") == "checkbox":
            assert re.search(rf'<label><input type="checkbox" name="{field["name"]}"[^>]*> \w', html)
        else:
            assert page.find("label", **{"for": field["id"]})


@pytest.mark.parametrize("name, mimetype", [("style.css", "text/css"), ("keys.js", "text/javascript")])
def test_static_files_are_versioned_and_cached(client, name, mimetype):
    (url,) = re.findall(rf'"(/static/{re.escape(name)}\?v=[0-9a-f]{{12}})"', text(client.get("/")))
    with client.get(url) as response:
        assert response.status_code == 200 and response.mimetype == mimetype
        assert "max-age=31536000" in response.headers["Cache-Control"]


def test_a_page_of_results_is_small(news):
    html = news.get("/search", query_string=BOTH).get_data()
    static = 0
    for name in ("style.css", "keys.js", "icon.svg"):
        with news.get(f"/static/{name}") as response:
            static += len(response.get_data())
    assert len(html) < 20_000 and static < 12_000
    assert not re.search(rb'(src|href)="(https?:)?//', html)  # nothing fetched from elsewhere
