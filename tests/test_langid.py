"""Document labels: langdetect between English and Arabic, the script where it cannot say."""

import pytest

from search import langid


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param("Russia and France agreed on Tuesday to coordinate their strikes in Syria.", "en", id="English"),
        pytest.param("أعلنت وزارة الخارجية الروسية اليوم أن لافروف سيلتقي كيري في جنيف", "ar", id="Arabic"),
        pytest.param("Le président a rencontré Poutine à Moscou hier soir.", "en", id="French: Latin script"),
        pytest.param("رئیس جمهور ایران امروز در تهران گفت که", "ar", id="Persian: Arabic script"),
        pytest.param("Assad الأسد met بوتين in Moscow to discuss سوريا and the war", "en", id="mixed, mostly English"),
        pytest.param("1234 5678 !!!", "en", id="no letters"),
        pytest.param("", "en", id="empty"),
    ],
)
def test_label(text, expected):
    assert langid.label(text) == expected


def test_only_the_two_labels_are_weighed():
    assert langid._factory().langlist == list(langid.LANGUAGES)


def test_labels_repeat():
    text = "Talks in Vienna " * 3 + "محادثات فيينا " * 3
    assert len({langid.label(text) for _ in range(5)}) == 1
