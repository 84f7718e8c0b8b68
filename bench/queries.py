"""The queries whose latency is measured: what people type into a news search.

A fixed mix, so that runs compare: the TREC-2002 topic titles in English
and Arabic where the shared corpora hold them, names in either script,
names typed in the script their articles are not written in, quoted
phrases, OR and -exclusions, and two or three words from the titles of
articles in the corpus being searched (drawn with a fixed seed).

>>> sorted({q.kind for q in fixed_queries()})
['cross-script name', 'name', 'operators', 'phrase']
"""

import json
import random
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import NAMES, PLACES
from search.analysis import word_forms, words

PHRASES = [
    "oil prices", "interest rates", "United Nations", "Security Council", "prime minister",
    "stock exchange", "crude oil", "human rights", "foreign minister", "central bank",
    "trade deficit", "Islamic State", "peace talks", "nuclear programme", "air strikes",
    "الأمم المتحدة", "مجلس الأمن", "ولي العهد", "وزارة الداخلية", "خادم الحرمين الشريفين",
    "أسعار النفط", "حقوق الإنسان", "وزير الخارجية", "الدولة الإسلامية", "المملكة العربية السعودية",
    "مجلس التعاون", "الحرس الثوري", "البنك المركزي", "سوق الأسهم", "الملك سلمان",
]
OPERATORS = [
    "Putin OR Obama", "Syria -Russia", "oil OR gas", "Yemen -Houthi", "Iran nuclear -sanctions",
    "بوتين OR أوباما", "سوريا -روسيا", "النفط OR الغاز", "اليمن -الحوثي", "داعش OR القاعدة",
]


# Run before the measured queries, so that loading and opening are not measured.
WARMUP = ["news", "government", "الحكومة", "الأخبار", '"prime minister"', "Obama", "أوباما", "oil OR gas"]


@dataclass(frozen=True)
class Query:
    text: str
    kind: str


def fixed_queries() -> list[Query]:
    """Names (both scripts), cross-script names, places, phrases and operators."""
    found = []
    for latin, arabic, mostly_arabic in NAMES:
        found.append(Query(latin if not mostly_arabic else arabic, "name"))
        # The spelling in the script the articles about this person mostly are not in.
        found.append(Query(arabic if not mostly_arabic else latin, "cross-script name"))
    for latin, arabic in PLACES:
        found += [Query(latin, "name"), Query(arabic, "name")]
    found += [Query(f'"{p}"', "phrase") for p in PHRASES]
    found += [Query(q, "operators") for q in OPERATORS]
    return found


def trec_queries(topics: Path) -> list[Query]:
    """The English and Arabic titles of the TREC-2002 topics, when the file is there."""
    if not topics.is_file():
        return []
    found = []
    for line in topics.read_text(encoding="utf-8").splitlines():
        topic = json.loads(line)
        for lang in ("en", "ar"):
            title = topic.get(lang, {}).get("title", "").strip()
            if title:
                found.append(Query(title, f"TREC {lang}"))
    return found


def _content_words(title: str) -> list[str]:
    return [w for w, _, _ in words(title) if word_forms(w) is not None and not w.isdigit()]


def title_queries(titles: list[tuple[str, str]], n: int, seed: int = 0) -> list[Query]:
    """Two or three words from article titles, as someone who remembers a headline types."""
    rng = random.Random(f"titles-{seed}")
    usable = [(lang, ws) for lang, title in titles if len(ws := _content_words(title)) >= 2]
    rng.shuffle(usable)
    found = []
    for lang, ws in usable[:n]:
        size = min(len(ws), rng.choice((2, 2, 3)))
        start = rng.randrange(len(ws) - size + 1)
        found.append(Query(" ".join(ws[start:start + size]), f"title words {lang}"))
    return found


def build(titles: list[tuple[str, str]], topics: Path, n: int = 600, seed: int = 0) -> list[Query]:
    """At least `n` queries: the fixed ones, TREC's, and title words to make up the number.

    `titles` are (language, title) pairs from the corpus being searched.
    The order is shuffled with `seed`, so no kind of query runs all at once.
    """
    found = fixed_queries() + trec_queries(topics)
    found += title_queries(titles, max(0, n - len(found)), seed)
    random.Random(f"order-{seed}").shuffle(found)
    return found


def save(queries: list[Query], path: Path) -> None:
    path.write_text("".join(json.dumps(q.__dict__, ensure_ascii=False) + "\n" for q in queries), encoding="utf-8")


def load(path: Path) -> list[Query]:
    return [Query(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


WARM = 500  # queries at the end of a throughput list that warm a server up; the rest are measured


def for_load(texts: list[str]) -> tuple[list[str], list[str]]:
    """(measured, warm-up) queries of a throughput run, kept apart so no warm-up result is reused.

    >>> for_load([str(i) for i in range(1000)])[1][:2], for_load(["a", "b", "c"])
    (['500', '501'], (['a', 'b'], ['c']))
    """
    warm = min(WARM, len(texts) // 2)
    return texts[:len(texts) - warm], texts[len(texts) - warm:]
