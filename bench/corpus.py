"""Corpora for the benchmark: a generated bilingual one, and samples of a real one.

The generated articles are news-like in what costs time: about 5 KB each,
English or Arabic with passages in the other script, names written in
both scripts, a vocabulary that keeps growing with the corpus (a Zipf
curve over real words and a long tail of made-up ones), Arabic clitics,
vowel marks and tatweel.  They are .txt files without a language, as a
newsroom drops them, so a rebuild also pays for language detection.
Article `i` depends only on `i` and the seed, so a smaller corpus is a
prefix of a larger one and two runs write the same bytes.

>>> lang, title, text = article(7)
>>> lang, 1_500 <= len(text.encode("utf-8")) <= 13_000, article(7) == (lang, title, text)
('en', True, True)
"""

import itertools
import json
import random
from bisect import bisect
from functools import lru_cache
from pathlib import Path

# Names as English and Arabic news write them; the flag marks the names
# whose articles are mostly in Arabic (so the Latin spelling crosses scripts).
NAMES = [
    ("Putin", "بوتين", 0), ("Obama", "أوباما", 0), ("Kerry", "كيري", 0), ("Lavrov", "لافروف", 0),
    ("Hollande", "هولاند", 0), ("Cameron", "كاميرون", 0), ("Merkel", "ميركل", 0), ("Erdogan", "أردوغان", 0),
    ("Netanyahu", "نتنياهو", 0), ("Rouhani", "روحاني", 1), ("Khamenei", "خامنئي", 1), ("Assad", "الأسد", 1),
    ("Salman", "سلمان", 1), ("Abdullah", "عبدالله", 1), ("Jubeir", "الجبير", 1), ("Hadi", "هادي", 1),
    ("Houthi", "الحوثي", 1), ("Baghdadi", "البغدادي", 1), ("Sisi", "السيسي", 1), ("Abbas", "عباس", 1),
    ("Nasrallah", "نصرالله", 1), ("Zarif", "ظريف", 1), ("Saleh", "صالح", 1), ("Mubarak", "مبارك", 1),
    ("Gaddafi", "القذافي", 1), ("Maliki", "المالكي", 1), ("Abadi", "العبادي", 1), ("Bin Laden", "بن لادن", 1),
    ("Ban Ki-moon", "بان كي مون", 0), ("Blair", "بلير", 0), ("Bush", "بوش", 0), ("Clinton", "كلينتون", 0),
    ("Trump", "ترامب", 0), ("Reagan", "ريغان", 0), ("Thatcher", "تاتشر", 0), ("Gorbachev", "غورباتشوف", 0),
    ("Mogherini", "موغيريني", 0), ("de Mistura", "دي ميستورا", 0), ("Le Drian", "لودريان", 0), ("Fabius", "فابيوس", 0),
]
PLACES = [
    ("Syria", "سوريا"), ("Aleppo", "حلب"), ("Damascus", "دمشق"), ("Iraq", "العراق"), ("Baghdad", "بغداد"),
    ("Mosul", "الموصل"), ("Yemen", "اليمن"), ("Sanaa", "صنعاء"), ("Aden", "عدن"), ("Riyadh", "الرياض"),
    ("Jeddah", "جدة"), ("Mecca", "مكة"), ("Cairo", "القاهرة"), ("Tehran", "طهران"), ("Moscow", "موسكو"),
    ("Paris", "باريس"), ("London", "لندن"), ("Washington", "واشنطن"), ("Beirut", "بيروت"), ("Gaza", "غزة"),
    ("Jerusalem", "القدس"), ("Ankara", "أنقرة"), ("Geneva", "جنيف"), ("Vienna", "فيينا"), ("Libya", "ليبيا"),
    ("Tunisia", "تونس"), ("Kuwait", "الكويت"), ("Qatar", "قطر"), ("Dubai", "دبي"), ("Crimea", "القرم"),
]
EN_STOPS = ("the of and to in a that for on is was said with by at as from it has be have are "
            "will its an which were not but this after had been their also they who more than "
            "would about over into one two other up new last year when while there could".split())
EN_WORDS = ("government minister president talks agreement oil prices market bank rates economy "
            "security forces attack military troops border police officials spokesman statement "
            "meeting summit conference negotiations ceasefire election vote parliament party "
            "opposition leader crisis refugees aid humanitarian camp city region province capital "
            "report investigation court trial sentence prison rights protest demonstrators killed "
            "wounded bombing explosion airstrike strikes coalition militants rebels army navy "
            "company shares profit revenue growth inflation exports imports trade deal contract "
            "billion million percent quarter budget deficit debt tax reform plan project energy "
            "gas pipeline production output barrels crude OPEC demand supply shipping port "
            "airport flight airline passengers health hospital doctors disease vaccine outbreak "
            "school students university teachers water electricity power drought flood weather "
            "season football match team players coach league cup champion victory defeat "
            "weapons missiles nuclear programme sanctions inspectors diplomats embassy ambassador "
            "foreign ministry interior defence council committee union federation organisation "
            "announced confirmed denied warned urged called agreed rejected accused reported "
            "increased decreased rose fell expected planned launched signed visited arrived "
            "international national regional local official former senior public private "
            "political economic financial social religious cultural historic major key".split())
AR_STOPS = ("في من على إلى أن عن مع التي الذي هذا هذه كان قد ما لا بين بعد قبل خلال حيث كما "
            "أو ثم وقد وفي ومن إن كانت عند منذ حتى هو هي".split())
AR_WORDS = ("حكومة وزير رئيس محادثات اتفاق نفط أسعار سوق بنك اقتصاد أمن قوات هجوم جيش حدود شرطة "
            "مسؤول متحدث بيان اجتماع قمة مؤتمر مفاوضات هدنة انتخابات تصويت برلمان حزب معارضة "
            "زعيم أزمة لاجئين مساعدات مخيم مدينة منطقة محافظة عاصمة تقرير تحقيق محكمة محاكمة "
            "سجن حقوق احتجاج متظاهرين قتلى جرحى تفجير انفجار غارة ضربات تحالف مسلحين متمردين "
            "شركة أسهم أرباح إيرادات نمو تضخم صادرات واردات تجارة صفقة عقد مليار مليون نسبة "
            "ميزانية عجز ديون ضريبة إصلاح خطة مشروع طاقة غاز إنتاج برميل خام طلب عرض ميناء مطار "
            "رحلة طيران ركاب صحة مستشفى أطباء مرض لقاح مدرسة طلاب جامعة معلمين مياه كهرباء "
            "جفاف أمطار طقس موسم كرة مباراة فريق لاعبين مدرب دوري كأس بطل فوز هزيمة أسلحة "
            "صواريخ نووي برنامج عقوبات مفتشين دبلوماسيين سفارة سفير خارجية داخلية دفاع مجلس "
            "لجنة اتحاد منظمة أعلن أكد نفى حذر دعا وافق رفض اتهم ذكر ارتفع انخفض توقع أطلق "
            "وقع زار وصل دولي وطني إقليمي محلي رسمي سابق كبير عام خاص سياسي اقتصادي مالي "
            "اجتماعي ديني ثقافي تاريخي المملكة الخليج العربية الإسلامية الشرق الأوسط".split())
AR_PREFIXES = ("", "", "", "ال", "ال", "و", "وال", "ب", "بال", "ل", "لل", "ف")
AR_SUFFIXES = ("", "", "", "", "ة", "ات", "ون", "ين", "ها", "ه", "ي")
AR_MARKS = ("\u064e", "\u064f", "\u0650", "\u0651", "\u0652")
EN_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]
AR_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهويا"
# Made-up words per language, the long tail of names, places and rare words, and the
# Zipf exponent over all words: together they give about the distinct forms per
# token of the shared corpora (Arabic 0.28 over 100,000 words).
TAIL = 20_000
ZIPF = 1.2
VERSION = 2  # of the generator: a cached corpus of another version is generated again


@lru_cache(maxsize=None)
def _vocabulary(lang: str) -> tuple[list[str], list[float]]:
    """Real words first, then the made-up tail, with cumulative Zipf weights."""
    rng = random.Random(f"vocabulary-{lang}")
    real = EN_WORDS if lang == "en" else AR_WORDS
    seen, tail = set(real), []
    while len(tail) < TAIL:
        if lang == "en":
            word = "".join(rng.choice(EN_SYLLABLES) for _ in range(rng.randint(2, 4)))
        else:
            word = "".join(rng.choice(AR_LETTERS) for _ in range(rng.randint(3, 6)))
        if word not in seen:
            seen.add(word)
            tail.append(word)
    words = list(real) + tail
    weights = itertools.accumulate(1 / (rank + 2.7) ** ZIPF for rank in range(len(words)))
    return words, list(weights)


def _zipf(rng: random.Random, lang: str) -> str:
    words, cumulative = _vocabulary(lang)
    return words[bisect(cumulative, rng.random() * cumulative[-1])]


def _english_word(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.42:
        return rng.choice(EN_STOPS)
    if roll < 0.47:
        return rng.choice(NAMES)[0]
    if roll < 0.50:
        return rng.choice(PLACES)[0]
    if roll < 0.53:
        return str(rng.randint(1, 2000))
    word = _zipf(rng, "en")
    return word + rng.choice(("", "", "", "s", "ed", "ing")) if word.islower() else word


def _arabic_word(rng: random.Random, marks: bool) -> str:
    roll = rng.random()
    if roll < 0.30:
        return rng.choice(AR_STOPS)
    if roll < 0.36:
        return rng.choice(("", "", "و", "ل", "ب")) + rng.choice(NAMES)[1]
    if roll < 0.40:
        return rng.choice(("", "", "و", "ب")) + rng.choice(PLACES)[1]
    if roll < 0.42:
        return str(rng.randint(1, 2000))
    word = rng.choice(AR_PREFIXES) + _zipf(rng, "ar") + rng.choice(AR_SUFFIXES)
    if marks and rng.random() < 0.08:
        word = "".join(ch + (rng.choice(AR_MARKS) if rng.random() < 0.5 else "") for ch in word)
    if rng.random() < 0.01:
        word = word[:2] + "\u0640" + word[2:]  # tatweel
    return word


def _sentence(rng: random.Random, lang: str, marks: bool = False) -> str:
    n = rng.randint(8, 28)
    if lang == "en":
        words = [_english_word(rng) for _ in range(n)]
        words[0] = words[0][:1].upper() + words[0][1:]
    else:
        words = [_arabic_word(rng, marks) for _ in range(n)]
    if n > 14:
        words[n // 2] += "،" if lang == "ar" else ","
    return " ".join(words) + "."


def article(i: int, seed: int = 0) -> tuple[str, str, str]:
    """(language, title, text) of article `i`: about 5 KB of UTF-8."""
    rng = random.Random(f"article-{seed}-{i}")
    lang = "en" if rng.random() < 0.55 else "ar"
    other = "ar" if lang == "en" else "en"
    marks = lang == "ar" and rng.random() < 0.6
    size = min(12_000, max(1_500, int(rng.gauss(5_000, 1_500))))
    title = _sentence(rng, lang).rstrip(".").split()[:rng.randint(5, 10)]
    paragraphs, length = [], 0
    while length < size:
        sentences = [_sentence(rng, other if rng.random() < 0.05 else lang, marks) for _ in range(rng.randint(2, 5))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        length += len(paragraph.encode("utf-8")) + 2
    return lang, " ".join(title), "\n\n".join(paragraphs)


def generate(n: int, out_dir: Path, seed: int = 0) -> int:
    """Write articles 0..n-1 as .txt files, 1000 to a folder; returns the bytes written."""
    total = 0
    for i in range(n):
        _, title, text = article(i, seed)
        path = out_dir / f"{i // 1000:03d}" / f"a{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = f"{title}\n\n{text}\n".encode("utf-8")
        path.write_bytes(data)
        total += len(data)
    return total


def change(out_dir: Path, share: float, seed: int = 0) -> list[Path]:
    """Rewrite every 1/share-th file with one sentence more, as a correction would."""
    files = sorted(out_dir.rglob("*.txt"))
    step = max(1, round(1 / share))
    changed = files[::step]
    for path in changed:
        rng = random.Random(f"change-{seed}-{path.name}")
        text = path.read_text(encoding="utf-8")
        lang = "ar" if sum("\u0600" <= ch <= "\u06ff" for ch in text[:200]) > 50 else "en"
        path.write_text(text + "\n" + _sentence(rng, lang) + "\n", encoding="utf-8")
    return changed


def sample_jsonl(sources: list[Path], n: int, out: Path) -> int:
    """Every k-th article of the .jsonl `sources`, about `n` in all, into one file.

    The benchmark's smaller index is a sample across every source rather
    than the first `n` lines, so that it mixes languages as the whole does.
    Written to the benchmark's work folder, never into the project.
    """
    lines = []
    for path in sources:
        with open(path, "rb") as f:
            lines.append(sum(1 for _ in f))
    step = max(1, sum(lines) / n)
    written = 0
    with open(out, "wb") as sink:
        for path in sources:
            with open(path, "rb") as f:
                for number, line in enumerate(f):
                    if int(number / step) != int((number + 1) / step) and written < n:
                        sink.write(line)
                        written += 1
    return written


def jsonl_articles(sources: list[Path]) -> list[Path]:
    """The .jsonl files among `sources` that hold articles (a "text" in the first line)."""
    found = []
    for path in sources:
        with open(path, encoding="utf-8", errors="replace") as f:
            try:
                first = json.loads(f.readline() or "{}")
            except ValueError:
                continue
        if isinstance(first, dict) and isinstance(first.get("text"), str):
            found.append(path)
    return found
