"""Polish lemmas from Morfeusz 2 (its wheel ships the SGJP dictionary: nothing is downloaded), loaded once.

English words get a few suffix rules of our own (``english_stem``), enough for a codebook's keywords
("waited", "queues", "parking"); no English model is needed.

Words typed without Polish letters ("czekalam w kolejce") are unknown to Morfeusz; ``Lemmatizer.forms``
generates every inflected form of a lemma, so a codebook can look folded forms up (see ``analytics.themes``).
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import morfeusz2

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|[.,;:!?()]", re.UNICODE)
_FOLD = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
_ENGLISH_SUFFIXES = ("ing", "ed", "es", "s")


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower case without Polish letters (and any other accents): how a phone keyboard often writes."""
    text = text.lower().translate(_FOLD)
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def english_stem(word: str) -> str:
    """A crude English stem: ``waited`` → ``wait``, ``queues`` → ``queue``, ``parking`` → ``park``."""
    for suffix in _ENGLISH_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def tokens(text: str) -> list[str]:
    """Words (hyphenated ones kept whole) and the punctuation that ends a clause, in order."""
    return WORD.findall(text)


class Lemmatizer:
    """Morfeusz 2 behind two small caches; one instance per process (``lemmatizer()``), safe across threads."""

    def __init__(self) -> None:
        self._analyser = morfeusz2.Morfeusz(generate=False, expand_tags=False)
        self._generator = morfeusz2.Morfeusz(analyse=False, expand_tags=False)
        self._lock = threading.Lock()
        self.analyse = lru_cache(maxsize=200_000)(self._analyse)
        self.forms = lru_cache(maxsize=20_000)(self._forms)

    def _analyse(self, word: str) -> tuple[frozenset[str], bool]:
        """The word's possible lemmas (lower case) and whether the dictionary knows it at all."""
        with self._lock:
            interpretations = self._analyser.analyse(word)
        lemmas = set()
        known = False
        for _start, _end, (_form, lemma, tag, _names, _labels) in interpretations:
            if tag == "ign":
                continue
            known = True
            lemmas.add(lemma.split(":")[0].lower())
        return frozenset(lemmas), known

    def _forms(self, lemma: str) -> frozenset[str]:
        """Every inflected form of ``lemma`` (just the lemma when the dictionary does not know it)."""
        try:
            with self._lock:
                generated = self._generator.generate(lemma)
        except RuntimeError:
            generated = []
        return frozenset({lemma.lower()} | {form.lower() for form, *_rest in generated})

    def content_lemmas(self, word: str) -> frozenset[str]:
        """Lemmas of nouns, adjectives, verbs and adverbs only (for suggesting themes: no function words)."""
        with self._lock:
            interpretations = self._analyser.analyse(word)
        return frozenset(
            lemma.split(":")[0].lower()
            for _s, _e, (_f, lemma, tag, _n, _l) in interpretations
            if tag.split(":")[0] in CONTENT_CLASSES
        )


CONTENT_CLASSES = frozenset({"subst", "depr", "adj", "adja", "adjp", "adv", "fin", "praet", "inf", "ger", "pact",
                             "ppas", "impt", "imps", "bedzie", "pcon", "pant"})


@lru_cache(maxsize=1)
def lemmatizer() -> Lemmatizer:
    """The process's one lemmatizer (loading Morfeusz' dictionary takes a moment and some memory)."""
    return Lemmatizer()
