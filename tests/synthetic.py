"""Made-up news articles in English and Arabic, as many as a test or the load test needs.

The real corpus has five articles, too few to make a rebuild last long enough
to kill it halfway or to search while it runs.  These are generated from a
fixed seed, so every run gets the same corpus and the same answers.

>>> import tempfile
>>> with tempfile.TemporaryDirectory() as root:
...     ids = write_corpus(Path(root), 40)
...     len(ids), sorted(p.name for p in Path(root).iterdir())[:2]
(40, ['ar-000.jsonl', 'en-000.jsonl'])
"""

import json
import random
from pathlib import Path

# Words that queries in the tests look for; each appears in many articles.
EN_NAMES = ["Putin", "Assad", "Hollande", "Obama", "Lavrov", "Kerry", "Erdogan", "Merkel"]
EN_PLACES = ["Syria", "Aleppo", "Moscow", "Paris", "Damascus", "Ankara", "Geneva", "Raqqa"]
EN_WORDS = (
    "talks officials army attack strikes coalition ministers agreed ceasefire forces rebels border "
    "government president meeting summit refugees economy oil prices markets election parliament "
    "security council resolution troops airport convoy aid humanitarian negotiations sanctions"
).split()
AR_NAMES = ["بوتين", "الأسد", "أولاند", "أوباما", "لافروف", "كيري", "أردوغان", "ميركل"]
AR_PLACES = ["سوريا", "حلب", "موسكو", "باريس", "دمشق", "أنقرة", "جنيف", "الرقة"]
AR_WORDS = (
    "المحادثات المسؤولين الجيش هجوم الغارات التحالف الوزراء اتفق وقف إطلاق النار القوات المعارضة "
    "الحدود الحكومة الرئيس اجتماع القمة اللاجئين الاقتصاد النفط الأسعار الأسواق الانتخابات البرلمان"
).split()
QUERIES = ["Putin", "Syria ceasefire", '"Vladimir Putin"', "Assad -Aleppo", "Kerry OR Lavrov",
           "بوتين", "الأسد حلب", "refugees", "oil prices", "الانتخابات"]


def _sentence(rng: random.Random, names, places, words) -> str:
    parts = rng.sample(words, 5) + [rng.choice(names), rng.choice(places)]
    rng.shuffle(parts)
    return " ".join(parts).capitalize() + "."


def _article(rng: random.Random, arabic: bool, sentences: int) -> tuple[str, str]:
    names, places, words = (AR_NAMES, AR_PLACES, AR_WORDS) if arabic else (EN_NAMES, EN_PLACES, EN_WORDS)
    title = f"{rng.choice(names)} {rng.choice(words)} {rng.choice(places)}"
    body = " ".join(_sentence(rng, names, places, words) for _ in range(sentences))
    if not arabic and rng.random() < 0.3:
        body += " Vladimir Putin spoke in Moscow."
    return title, body


def write_corpus(root: Path, count: int, *, seed: int = 5, per_jsonl: int = 25, sentences: int = 8,
                 unlabelled: float = 0.2) -> set[str]:
    """Write `count` articles under `root`; returns their ids.

    Two thirds are English, a third Arabic.  A share `unlabelled` of them
    has no `lang`, so the build labels them with langid (the slow part of a
    build): English ones as one .txt file each, Arabic ones as .jsonl lines
    without `lang`.  The rest are .jsonl lines with `lang` set.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    ids: set[str] = set()
    lines: dict[str, list[dict]] = {"en": [], "ar": []}
    for n in range(count):
        arabic = n % 3 == 2
        title, body = _article(rng, arabic, sentences)
        labelled = rng.random() >= unlabelled
        if not arabic and not labelled:
            (root / f"en-{n:05d}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
            ids.add(f"en-{n:05d}")
            continue
        record = {"id": n, "title": title, "text": body, "date": f"2015-{1 + n % 12:02d}-{1 + n % 28:02d}"}
        if labelled:
            record["lang"] = "ar" if arabic else "en"
        lines["ar" if arabic else "en"].append(record)
    for lang, records in lines.items():
        for start in range(0, len(records), per_jsonl):
            name = f"{lang}-{start // per_jsonl:03d}"
            chunk = records[start : start + per_jsonl]
            text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in chunk)
            (root / f"{name}.jsonl").write_text(text, encoding="utf-8")
            ids.update(f"{name}/{record['id']}" for record in chunk)
    return ids
