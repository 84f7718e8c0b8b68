"""Names across scripts and translated keywords, over the real corpus, in both directions."""

import re

import pytest

from search import dictionary, index
from search.expand import dictionary_allows
from search.searcher import Engine
from tests.conftest import build_corpus

AR = "004_b8fceaef4f830341"
MARKED = re.compile(r"<mark>(.*?)</mark>")


def ids(results):
    return {hit.id for hit in results.hits}


def via(results, kind):
    return {e["matched"] for e in results.expansions if e["via"] == kind}


@pytest.mark.parametrize(
    "query, must_find, matched",
    [
        pytest.param("Putin", AR, "بوتين", id="Putin finds بوتين"),
        pytest.param("Hollande", AR, "هولاند", id="Hollande finds هولاند"),
        pytest.param("Gerasimov", AR, "غيراسيموف", id="Gerasimov finds غيراسيموف"),
        pytest.param("Moscow", AR, "موسكو", id="Moscow finds موسكو"),
        pytest.param("Washington", AR, "واشنطن", id="Washington finds واشنطن"),
        pytest.param("Sinai", AR, "سيناء", id="Sinai finds سيناء with its hamza"),
        pytest.param("Airbus", AR, "ايرباص", id="Airbus finds أيرباص"),
        pytest.param("Gerasimow", AR, "غيراسيموف", id="misspelt Gerasimow still crosses"),
        pytest.param("Le Drian", AR, "لودريان", id="two English words, one Arabic"),
        pytest.param("Charles de Gaulle", AR, "ديغول", id="particle and name as one Arabic word"),
        pytest.param("de Villiers", AR, "فيلييه", id="de Villiers"),
        pytest.param("بوتين", "002_7393bfd90634e5fe", "putin", id="بوتين finds Putin"),
        pytest.param("لافروف", "001_90be085a9dae3c16", "lavrov", id="لافروف finds Lavrov"),
        pytest.param("أوباما", "003_b916ab04b36c1af1", "obama", id="أوباما finds Obama"),
        pytest.param("سبوتنيك", "000_0bacf5d05607d659", "sputnik", id="سبوتنيك finds Sputnik"),
        pytest.param("فابيوس", "002_7393bfd90634e5fe", "fabius", id="فابيوس finds Fabius"),
        pytest.param("أنقرة", "002_7393bfd90634e5fe", "ankara", id="أنقرة finds Ankara"),
        pytest.param("اللاذقية", "002_7393bfd90634e5fe", "latakia", id="اللاذقية finds Latakia"),
        pytest.param("إدلب", "003_b916ab04b36c1af1", "idlib", id="إدلب finds Idlib"),
        pytest.param("ادلب", "003_b916ab04b36c1af1", "idlib", id="without its hamza"),
        pytest.param("ديغول", "000_0bacf5d05607d659", "de gaulle", id="one Arabic word finds two English"),
    ],
)
def test_names_cross_scripts_by_sound(engine, query, must_find, matched):
    results = engine.search(query, translate=False)
    assert must_find in ids(results)
    assert matched in via(results, "sound")
    hit = next(h for h in results.hits if h.id == must_find)
    assert any(m["via"] == "sound" for m in hit.matches)


@pytest.mark.parametrize(
    "query, must_find, alias",
    [
        pytest.param("ISIS", AR, "داعش", id="ISIS finds داعش"),
        pytest.param("DAESH", AR, "داعش", id="DAESH finds داعش"),
        pytest.param("Islamic State", AR, "داعش", id="two-word alias"),
        pytest.param("داعش", "002_7393bfd90634e5fe", "ISIS", id="داعش finds ISIS"),
        pytest.param("Aleppo", None, "حلب", id="Aleppo looks for حلب"),
        pytest.param("Qatar", AR, "قطر", id="Qatar finds قطر, also the word for diameter"),
        pytest.param("حلب", "003_b916ab04b36c1af1", "Aleppo", id="حلب finds Aleppo"),
    ],
)
def test_aliases_from_the_gazetteer(engine, query, must_find, alias):
    results = engine.search(query, translate=False)
    assert alias in via(results, "alias")
    if must_find:
        assert must_find in ids(results)


@pytest.mark.parametrize(
    "word, candidate, allowed",
    [
        pytest.param("بنوك", "bank", False, id="banks is an ordinary word, not a name"),
        pytest.param("bank", "بنوك", False, id="the other direction"),
        pytest.param("واشنطن", "washington", True, id="the dictionary's own name"),
        pytest.param("بوتين", "putin", True, id="a name the dictionary lacks"),
        pytest.param("مبارك", "mubarak", True, id="blessed, and close enough to be Mubarak"),
    ],
)
def test_an_ordinary_arabic_word_is_not_a_name(word, candidate, allowed):
    book = dictionary.load()
    assert book is not None, "install FreeDict (make sysdeps)"
    assert dictionary_allows(book, word, candidate) is allowed


def test_mixed_query_needs_both_names(engine):
    both = ids(engine.search("Putin هولاند", translate=False))
    assert AR in both
    assert "003_b916ab04b36c1af1" not in both  # mentions neither Putin nor Hollande


def test_cross_script_hits_rank_below_exact_ones(engine):
    results = engine.search("Putin", translate=False)
    ranks = [hit.id for hit in results.hits]
    assert ranks.index(AR) == len(ranks) - 1


def test_common_word_is_not_a_name(engine):
    results = engine.search("care", translate=False)
    assert via(results, "sound") == set()


def test_a_names_spellings_in_its_own_script_leave_room_for_the_other(tmp_path):
    # A name in the news is written with every clitic: بأوباما, لأوباما, فأوباما, وأوباما, كأوباما.
    # Each sounds like أوباما more closely than Obama does; they must not take all its places.
    clitics = ["بأوباما", "لأوباما", "فأوباما", "وأوباما", "كأوباما", "وبأوباما", "ولأوباما"]
    files = {f"ar{i}.txt": f"خبر {i}\nقال المتحدث إن الاتصال {word} جرى اليوم في العاصمة بعد اجتماع الحكومة."
             for i, word in enumerate(clitics)}
    files["ar.txt"] = "خبر\nقال الرئيس أوباما إن الحكومة ستعقد اجتماعا اليوم في العاصمة."
    files["en.txt"] = "News\nThe president, Obama, said the government would meet in the capital today."
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    results = Engine(tmp_path / "index").search("أوباما", translate=False)
    assert "obama" in via(results, "sound")
    assert "en" in ids(results)


@pytest.mark.parametrize("attested, muskie", [(0.1, False), (0.0, True)])
def test_a_rare_namesake_gives_way_to_a_well_attested_one(tmp_path, monkeypatch, attested, muskie):
    from search import sound

    files = {f"en{i}.txt": f"Talks {i}\nOfficials in Moscow said on day {i} that the talks would go on." for i in range(25)}
    files["muskie.txt"] = "Senate\nThe senator, Muskie, spoke to the committee on Tuesday."
    files["ar.txt"] = "محادثات\nقال مسؤولون في موسكو إن المحادثات ستستمر اليوم في العاصمة."
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    monkeypatch.setattr(sound, "ATTESTED", attested)  # 0.1: Muskie's one article of 26 is rare
    engine = Engine(tmp_path / "index")
    found = via(engine.search("موسكو", translate=False), "sound")
    assert "moscow" in found and ("muskie" in found) == muskie  # one article against 25
    assert "موسكو" in via(engine.search("Muskie", translate=False), "sound")  # alone, it is still found


def test_a_crowded_key_keeps_its_best_attested_words_of_each_script(tmp_path, monkeypatch):
    from search import sound

    # The lexicon lists a key's Latin words first, then its Arabic ones alphabetically: ميسي comes last.
    files = {f"en{i}.txt": f"Match {i}\nThe coach said Moss, Mass and Miss watched Messi and Mossi play." for i in range(3)}
    files.update({f"ar{i}.txt": f"مباراة {i}\nقال المدرب إن ميسي سجل هدفين في المباراة." for i in range(3)})
    files["ar.txt"] = "ألماس\nباع التاجر الماس وموس وماس في السوق أمس."
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    monkeypatch.setattr(sound, "MAX_CANDIDATES", 3)
    found = via(Engine(tmp_path / "index").search("Messi", translate=False), "sound")
    assert "ميسي" in found


@pytest.mark.parametrize("outweighed, met", [(50, False), (1000, True)])
def test_an_ordinary_word_far_more_common_than_a_name_is_not_that_name(tmp_path, monkeypatch, outweighed, met):
    from search import expand

    files = {f"en{i}.txt": f"Weather {i}\nIt rained in the city on day {i}." for i in range(99)}
    files["mccain.txt"] = "Senate\nThe senator, McCain, spoke to the committee."
    files.update({f"ar{i}.txt": f"خبر {i}\nاجتمع المسؤولون في مكان قريب من المدينة اليوم." for i in range(5)})
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    monkeypatch.setattr(expand, "OUTWEIGHED", outweighed)  # مكان is in every Arabic article, McCain in 1 of 100
    found = via(Engine(tmp_path / "index").search("مكان", translate=False), "sound")
    assert ("mccain" in found) == met


@pytest.mark.parametrize("share, expected", [(0.0, "mtor"), (0.5, "airport")])
def test_a_rare_namesake_does_not_cost_an_ordinary_word_its_translation(tmp_path, monkeypatch, share, expected):
    from search import sound

    files = {f"en{i}.txt": f"Flights {i}\nThe airport reopened to flights on day {i}." for i in range(3)}
    files["mtor.txt"] = "Labs\nResearchers said the MTOR pathway matters in the study."
    files["ar.txt"] = "رحلات\nأعلن مطار المدينة استئناف الرحلات اليوم بعد توقفها."
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    monkeypatch.setattr(sound, "ATTESTED", share)
    results = Engine(tmp_path / "index").search("مطار")
    matched = {e["matched"] for e in results.expansions}
    assert expected in matched
    assert ({"mtor", "airport"} - {expected}).isdisjoint(matched)


def test_names_can_be_switched_off(engine):
    results = engine.search("Putin", xlang=False, translate=False)
    assert AR not in ids(results)
    assert results.expansions == []


def test_snippet_marks_the_cross_script_spelling(engine):
    hit = next(h for h in engine.search("Putin", translate=False).hits if h.id == AR)
    assert "بوتين" in MARKED.findall(hit.snippet)


@pytest.mark.parametrize(
    "query, must_find, translated",
    [
        pytest.param("coalition", AR, "التحالف", id="coalition finds التحالف"),
        pytest.param("intelligence", AR, "الإستخبارات", id="intelligence finds الاستخبارات"),
        pytest.param("coordination", AR, "التنسيق", id="coordination finds تنسيق"),
        pytest.param("الطائرات", "002_7393bfd90634e5fe", "plane", id="الطائرات finds planes"),
        pytest.param("الهجمات", "000_0bacf5d05607d659", "attacks", id="الهجمات finds attacks"),
    ],
)
def test_dictionary_translates_keywords(engine, query, must_find, translated):
    results = engine.search(query, xlang=False)
    assert translated in via(results, "dictionary")
    assert must_find in ids(results)
    hit = next(h for h in results.hits if h.id == must_find)
    assert any(m["via"] == "dictionary" for m in hit.matches)


@pytest.mark.parametrize("query", [
    pytest.param("coalition against terrorism", id="a preposition"),
    pytest.param("intelligence about the terrorism", id="a preposition and a stop word"),
    pytest.param("coordination between intelligence", id="a preposition between two words"),
])
def test_an_english_function_word_does_not_keep_the_arabic_articles_out(engine, query):
    """Against has no counterpart in an Arabic article: it must not stop التحالف and الإرهاب finding it."""
    results = engine.search(query, xlang=False)
    assert AR in ids(results) and not results.relaxed
    assert results.hits[-1].id == AR  # found through translations only: below the English hits


def test_a_function_word_alone_finds_no_arabic_article(engine):
    assert engine.search("against", xlang=False).counts["ar"] == 0
    assert engine.search("coalition against terrorism", xlang=False, translate=False).counts["ar"] == 0


def test_translated_hits_rank_below_typed_ones(engine):
    ranks = [hit.id for hit in engine.search("coalition").hits]
    assert ranks.index(AR) == len(ranks) - 1


def test_a_name_is_not_translated_as_a_word(engine):
    assert "lion" not in via(engine.search("الأسد"), "dictionary")
    first = engine.search("Assad").hits[0]
    assert first.lang == "en"
    assert "Assad" in MARKED.findall(first.snippet)


def test_translation_can_be_switched_off(engine):
    results = engine.search("coalition", translate=False)
    assert via(results, "dictionary") == set()
    assert results.translation == "off"


@pytest.mark.parametrize("sentence, met", [
    pytest.param("قال مسؤولون إن الأمطار تأتي اليوم إلى المدينة.", False, id="a verb in every article"),
    pytest.param("قال الأمير تأتي إن الأمطار وصلت اليوم إلى المدينة.", True, id="the same word after a title"),
])
def test_a_common_arabic_word_meets_a_rare_latin_name_only_if_used_as_a_name(tmp_path, sentence, met):
    files = {f"en{i}.txt": f"Weather {i}\nIt rained in the city on day {i}." for i in range(99)}
    files["tate.txt"] = "Gallery\nThe curator, Tate, opened the show."
    files.update({f"ar{i}.txt": f"خبر {i}\n{sentence}" for i in range(30)})
    index.build(build_corpus(tmp_path / "corpus", files), tmp_path / "index")
    engine = Engine(tmp_path / "index")
    assert ("tate" in via(engine.search("تأتي", translate=False), "sound")) == met  # in 30 of 30, Tate in 1 of 100
    assert ("تاتي" in via(engine.search("Tate", translate=False), "sound")) == met
