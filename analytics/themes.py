"""Themes of residents' comments: a codebook of lemmas matched in Polish (and English) text, pure functions.

A theme is a list of words given as lemmas (``czekać``, ``kolejka``, ``godzina otwarcia``), so "czekałam",
"czekania" and "czekać" are one word. Each comment word is looked up by

- its lemmas from Morfeusz 2 (``analytics.lemmas``),
- its form without Polish letters among the folded forms of every codebook lemma ("czekalam", "kolejce"),
  also after dropping a past-tense personal ending ("czekal-am"), and
- for words the dictionary does not know, one typo away from such a form ("kolejkw").

A word marked ``!`` in the codebook names the problem itself (``!czekać``, ``!długo``): a negation within a
short window cancels it, so "nie czekałem długo" and "kolejki nie było" are no complaint about waiting, while
"pani nie była miła" is still about courtesy.

``theme_statistics`` turns matched comments into the figures shown on dashboards: share, average rating,
how much more often a theme comes with low ratings, change against the previous period.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from analytics.lemmas import Lemmatizer, english_stem, fold, tokens

NEGATORS = frozenset({"nie", "bez", "brak", "ani", "zaden", "zadna", "zadnej", "zadnego", "zadnych", "nigdy",
                      "no", "not", "without", "never", "didn't", "wasn't", "weren't"})
CLAUSE_BREAKS = frozenset({".", ",", ";", ":", "!", "?", "(", ")", "ale", "lecz", "jednak", "but", "however"})
NEGATION_BEFORE = 3
NEGATION_AFTER = 1
PERSONAL_ENDINGS = ("smy", "scie", "am", "em", "as", "es")
TYPO_MIN_LENGTH = 7
LOW_RATINGS = (1, 2)
HIGH_RATINGS = (4, 5)
MIN_GROUP = 10
MIN_WORD_WEIGHT = 0.25  # of a suggested topic's strongest word


@dataclass(frozen=True)
class ThemeSpec:
    code: str
    name_pl: str
    name_en: str
    words: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_pl


@dataclass(frozen=True)
class _Pattern:
    theme: str
    keys: tuple[str, ...]  # one folded lemma per word of a phrase
    problem: bool


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


@dataclass
class Codebook:
    """Compiled themes: lookups from folded lemmas and folded forms to the codebook's patterns."""

    themes: tuple[ThemeSpec, ...]
    lemmatizer: Lemmatizer
    patterns: dict[str, list[_Pattern]] = field(default_factory=lambda: defaultdict(list))
    folded_forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    typo_forms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def compile(cls, themes: Iterable[ThemeSpec], lemmatizer: Lemmatizer) -> Codebook:
        codebook = cls(tuple(themes), lemmatizer)
        for theme in codebook.themes:
            for word in theme.words:
                codebook._add(theme.code, word)
        codebook._cached_keys = lru_cache(maxsize=200_000)(codebook._keys)
        codebook._cached_starts = lru_cache(maxsize=200_000)(codebook._starts)
        codebook._cached_match = lru_cache(maxsize=100_000)(codebook._match)
        return codebook

    def _add(self, theme: str, word: str) -> None:
        problem = word.startswith("!")
        parts = word.lstrip("!").lower().split()
        if not parts:
            return
        keys = tuple(fold(part) for part in parts)
        self.patterns[keys[0]].append(_Pattern(theme, keys, problem))
        for part, key in zip(parts, keys):
            for form in self.lemmatizer.forms(part):
                folded = fold(form)
                self.folded_forms[folded].add(key)
                if len(folded) >= TYPO_MIN_LENGTH:
                    for shorter in _deletions(folded):
                        self.typo_forms[shorter].add(key)

    # ---- one word ----------------------------------------------------------------------------------

    def keys(self, word: str) -> frozenset[str]:
        """Every folded lemma ``word`` may stand for."""
        return self._cached_keys(word.lower())

    def _keys(self, word: str) -> frozenset[str]:
        lemmas, known = self.lemmatizer.analyse(word)
        folded = fold(word)
        keys = {fold(lemma) for lemma in lemmas} | {folded, fold(english_stem(word))}
        keys |= self.folded_forms.get(folded, set())
        if not known:
            for ending in PERSONAL_ENDINGS:
                if folded.endswith(ending):
                    keys |= self.folded_forms.get(folded[: -len(ending)], set())
            if len(folded) >= TYPO_MIN_LENGTH and not (keys & self.patterns.keys()):
                keys |= self._typo_keys(folded)
        return frozenset(keys)

    def _typo_keys(self, folded: str) -> set[str]:
        """Lemmas of codebook forms one edit away (a letter missing, extra or mistyped)."""
        found = set(self.typo_forms.get(folded, set()))
        for shorter in _deletions(folded):
            found |= self.folded_forms.get(shorter, set())
            found |= self.typo_forms.get(shorter, set())
        return found

    # ---- a whole comment ---------------------------------------------------------------------------

    def _match(self, text: str) -> frozenset[str]:
        words = tokens(text)
        folded = [fold(w) for w in words]
        found = set()
        for i, word in enumerate(words):
            if folded[i] in CLAUSE_BREAKS:
                continue
            for pattern in self._cached_starts(word.lower()):
                if pattern.theme in found or not self._phrase_at(pattern.keys, words, folded, i):
                    continue
                if pattern.problem and _negated(folded, i, len(pattern.keys)):
                    continue
                found.add(pattern.theme)
        return frozenset(found)

    def _starts(self, word: str) -> tuple[_Pattern, ...]:
        """The patterns whose first word ``word`` may be (remembered per word: most words start none)."""
        return tuple(pattern for key in self.keys(word) for pattern in self.patterns.get(key, ()))

    def _phrase_at(self, phrase: tuple[str, ...], words: list[str], folded: list[str], start: int) -> bool:
        if start + len(phrase) > len(words):
            return False
        return all(folded[start + offset] not in CLAUSE_BREAKS and part in self.keys(words[start + offset])
                   for offset, part in enumerate(phrase[1:], start=1))

    def match(self, text: str) -> frozenset[str]:
        """The codes of the themes ``text`` raises (remembered per codebook: comments repeat)."""
        return self._cached_match(text)


def _negated(folded: list[str], start: int, length: int) -> bool:
    """A negation up to three words before (or right after) the words at ``start``, within one clause."""
    for index in range(start - 1, max(-1, start - 1 - NEGATION_BEFORE), -1):
        if folded[index] in CLAUSE_BREAKS:
            break
        if folded[index] in NEGATORS:
            return True
    for index in range(start + length, min(len(folded), start + length + NEGATION_AFTER)):
        if folded[index] in CLAUSE_BREAKS:
            break
        if folded[index] in NEGATORS:
            return True
    return False


# ---- figures ----------------------------------------------------------------------------------------


def apply_tags(matched: frozenset[str], added: Iterable[str], removed: Iterable[str]) -> frozenset[str]:
    """A comment's themes after staff tagged it by hand: their additions count, their removals do not."""
    return frozenset((set(matched) | set(added)) - set(removed))


# Comments counted by what the figures depend on: (the comment's themes, its rating or None) -> how many.
ThemeCounts = Mapping[tuple[frozenset[str], int | None], int]


def theme_statistics(current: pd.DataFrame, previous: pd.DataFrame, themes: Sequence[ThemeSpec], lang: str = "pl",
                     examples: int = 3) -> list[dict]:
    """Per theme: comments, share, mean rating, low/high ratio, change of share, examples (lowest ratings first).

    ``current`` and ``previous`` have one row per comment: ``answer_id``, ``rating`` (or None), ``submitted_at``,
    ``themes`` (a frozenset of codes) and, optionally, ``text`` (without it the examples' ``text`` is None).
    The figures are ``theme_figures`` of the rows counted by ``count_themes``.
    """
    chosen = {theme.code: _examples(current[current["themes"].map(lambda found, code=theme.code: code in found)],
                                    examples) if len(current) else [] for theme in themes}
    return theme_figures(count_themes(current), count_themes(previous), themes, lang, chosen)


def count_themes(frame: pd.DataFrame) -> dict[tuple[frozenset[str], int | None], int]:
    """The rows of a comments frame counted by (themes, rating)."""
    counts: dict[tuple[frozenset[str], int | None], int] = defaultdict(int)
    for found, rating in zip(frame["themes"] if len(frame) else (), frame["rating"] if len(frame) else ()):
        counts[(found, None if pd.isna(rating) else int(rating))] += 1
    return dict(counts)


def theme_figures(current: ThemeCounts, previous: ThemeCounts, themes: Sequence[ThemeSpec], lang: str = "pl",
                  examples: Mapping[str, list[dict]] | None = None) -> list[dict]:
    """The figures of ``theme_statistics`` from comments counted by (themes, rating), e.g. by SQL.

    The low/high ratio is the theme's share among comments rated 1–2 over its share among those rated 4–5,
    given only when both groups hold at least ``MIN_GROUP`` comments (and the theme appears among the high ones).
    """
    total, total_before = sum(current.values()), sum(previous.values())
    low = sum(n for (_found, rating), n in current.items() if rating in LOW_RATINGS)
    high = sum(n for (_found, rating), n in current.items() if rating in HIGH_RATINGS)
    groups_big_enough = low >= MIN_GROUP and high >= MIN_GROUP
    result = []
    for theme in themes:
        mine = [(rating, n) for (found, rating), n in current.items() if theme.code in found]
        count = sum(n for _rating, n in mine)
        count_before = sum(n for (found, _rating), n in previous.items() if theme.code in found)
        rated = sum(n for rating, n in mine if rating is not None)
        share = count / total if total else None
        share_before = count_before / total_before if total_before else None
        ratio = None
        if groups_big_enough:
            share_low = sum(n for rating, n in mine if rating in LOW_RATINGS) / low
            share_high = sum(n for rating, n in mine if rating in HIGH_RATINGS) / high
            ratio = float(share_low / share_high) if share_high else None
        result.append({
            "code": theme.code,
            "name": theme.name(lang),
            "comments": count,
            "share": share,
            "mean_rating": sum(rating * n for rating, n in mine if rating is not None) / rated if rated else None,
            "rated": rated,
            "low_high_ratio": ratio,
            "previous_comments": count_before,
            "previous_share": share_before,
            "change": share - share_before if share is not None and share_before is not None else None,
            "examples": list((examples or {}).get(theme.code, [])) if count else [],
        })
    return sorted(result, key=lambda t: (-t["comments"], t["name"]))


def example_order(rating: int | None) -> int:
    """Examples come lowest ratings first, comments without a rating last (then newest first)."""
    return 6 if rating is None else rating


def _examples(mentions: pd.DataFrame, count: int) -> list[dict]:
    if mentions.empty:
        return []
    ordered = mentions.assign(_rating=mentions["rating"].fillna(6)).sort_values(
        ["_rating", "submitted_at", "answer_id"], ascending=[True, False, False])
    return [{"answer_id": int(row.answer_id), "text": getattr(row, "text", None),
             "rating": None if pd.isna(row.rating) else int(row.rating)}
            for row in ordered.head(count).itertuples()]


# ---- suggestions ------------------------------------------------------------------------------------


def suggest_topics(documents: Sequence[Sequence[str]], topics: int = 5, words_per_topic: int = 6, min_df: int = 3,
                   min_comments: int = 3, seed: int = 0) -> list[dict]:
    """Groups of words that often come together in ``documents`` (lists of lemmas): NMF over TF-IDF.

    Returns ``[{"words": [...], "documents": [indices]}]``, strongest first; a document belongs to the topic
    that weighs most in it. Too few documents or words give an empty list rather than an error.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join(words) for words in documents]
    non_empty = [i for i, text in enumerate(texts) if text]
    if len(non_empty) < max(min_df, 2) * 2:
        return []
    vectorizer = TfidfVectorizer(analyzer=str.split, min_df=min_df)
    try:
        matrix = vectorizer.fit_transform([texts[i] for i in non_empty])
    except ValueError:  # no word is frequent enough
        return []
    vocabulary = vectorizer.get_feature_names_out()
    count = min(topics, matrix.shape[1], matrix.shape[0])
    if count < 1:
        return []
    model = NMF(n_components=count, init="nndsvda", random_state=seed, max_iter=400)
    weights = model.fit_transform(matrix)
    owner = weights.argmax(axis=1)
    result = []
    for topic, component in enumerate(model.components_):
        members = [non_empty[i] for i in range(len(non_empty)) if owner[i] == topic and weights[i, topic] > 0]
        if len(members) < min_comments:
            continue
        strongest = component.max()
        top = [vocabulary[i] for i in component.argsort()[::-1][:words_per_topic]
               if component[i] >= MIN_WORD_WEIGHT * strongest > 0]
        result.append({"words": top, "documents": members, "weight": float(component.sum())})
    return sorted(result, key=lambda t: -len(t["documents"]))
