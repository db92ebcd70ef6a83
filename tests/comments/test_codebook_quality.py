"""The codebook against comments tagged by hand (fixtures/tagged_comments.yaml, written before the codebook
was tuned): precision and recall of the matched themes, both at least 0.85, and the hard cases by name."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analytics.lemmas import lemmatizer
from analytics.themes import Codebook, ThemeSpec
from comments.codebook import load_seed

FIXTURE = Path(__file__).parent / "fixtures" / "tagged_comments.yaml"
TARGET = 0.85


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    specs = [ThemeSpec(t["code"], t["pl"], t["en"], tuple(t["words"])) for t in load_seed()]
    return Codebook.compile(specs, lemmatizer())


@pytest.fixture(scope="module")
def tagged() -> list[dict]:
    return yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))["comments"]


def precision_recall(codebook: Codebook, tagged: list[dict]) -> tuple[float, float]:
    hits = extra = missed = 0
    for comment in tagged:
        found, expected = codebook.match(comment["text"]), set(comment["themes"])
        hits += len(found & expected)
        extra += len(found - expected)
        missed += len(expected - found)
    return hits / (hits + extra), hits / (hits + missed)


def test_the_fixture_is_big_enough_and_uses_every_theme(tagged):
    assert len(tagged) >= 150
    codes = {t["code"] for t in load_seed()}
    used = {code for comment in tagged for code in comment["themes"]}
    assert used == codes


def test_precision_and_recall_on_hand_tagged_comments(codebook, tagged):
    precision, recall = precision_recall(codebook, tagged)
    print(f"\ncodebook on {len(tagged)} hand-tagged comments: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= TARGET and recall >= TARGET


@pytest.mark.parametrize("text, expected", [
    ("Czekałam w kolejce ponad godzinę", {"waiting"}),
    ("czekalam w kolejce", {"waiting"}),  # no Polish letters, past tense with a personal ending
    ("Czekania było dużo", {"waiting"}),
    ("kolejkw straszna", {"waiting"}),  # a typo one letter away
    ("Nie czekałem długo.", set()),  # a negated problem is no complaint
    ("Kolejki nie było, ale urzędnik był opryskliwy.", {"courtesy"}),
    ("Pani nie była miła.", {"courtesy"}),  # a negated topic word still names the topic
    ("I waited in the queue for an hour", {"waiting"}),
    ("Godziny otwarcia niedogodne", {"hours"}),  # a phrase of two lemmas
])
def test_inflection_missing_letters_typos_and_negation(codebook, text, expected):
    assert codebook.match(text) == expected
