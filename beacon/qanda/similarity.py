"""Similar-question suggestions for moderators, with rapidfuzz.

Questions are reduced to their content words (lower case, no punctuation, common words dropped, a light
suffix trim so "dealers"/"dealing"/"deal" meet, a few everyday synonyms mapped to one word). Two scores
are combined: token-set similarity rewards shared content words whatever the order; token-sort
similarity keeps a short question from matching every longer one that happens to contain its words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz, process, utils

STOPWORDS = frozenset(
    """
    a about after again all also am an and any anything are as at be been before being but by can could
    did do does doing don for from get got had has have having he her here him his how i if in into is it
    its just know let like me might more most much my no not now of on or our out over please really same
    she should so some someone something than that the their them then there these they this those to too
    up us very was we were what when where which who whom why will with would you your yours
    actually anyone tell explain happens happen happening going thing things way ways kind
    """.split()
)

# Everyday words mapped to one form, so two wordings of the same worry meet.
SYNONYMS = {
    "selling": "deal",
    "sell": "deal",
    "sells": "deal",
    "sold": "deal",
    "supply": "deal",
    "supplying": "deal",
    "dealer": "deal",
    "dealers": "deal",
    "dealing": "deal",
    "deals": "deal",
    "kid": "child",
    "kids": "child",
    "children": "child",
    "teenager": "child",
    "teenagers": "child",
    "teen": "child",
    "teens": "child",
    "son": "child",
    "daughter": "child",
    "pupil": "child",
    "pupils": "child",
    "young": "child",
    "youngsters": "child",
    "cops": "police",
    "coppers": "police",
    "officers": "police",
    "officer": "police",
    "cash": "money",
    "mum": "mother",
    "mom": "mother",
    "road": "street",
    "anonymously": "anonymous",
    "vapes": "vape",
    "vaping": "vape",
    "arrests": "arrest",
    "arrested": "arrest",
    "groomed": "groom",
    "grooming": "groom",
    "exploited": "exploit",
    "exploitation": "exploit",
}

_WORD = re.compile(r"[a-z0-9]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def normalise(text: str) -> str:
    words = []
    for word in _WORD.findall(utils.default_process(text or "")):
        word = SYNONYMS.get(word, word)
        if word in STOPWORDS or len(word) < 2:
            continue
        words.append(_stem(word))
    return " ".join(words)


def score(left: str, right: str, **kwargs) -> float:
    """Similarity of two normalised texts, 0-100."""
    if not left or not right:
        return 0.0
    return 0.5 * fuzz.token_set_ratio(left, right) + 0.5 * fuzz.token_sort_ratio(left, right)


def rank(text: str, candidates: Iterable[tuple[int, str]], *, limit: int = 3, cutoff: float = 45.0):
    """[(candidate id, score)] of the most similar candidates, best first, above `cutoff`."""
    choices = {pk: normalise(other) for pk, other in candidates}
    query = normalise(text)
    if not query or not choices:
        return []
    found = process.extract(query, choices, scorer=score, limit=limit, score_cutoff=cutoff)
    return [(pk, round(value, 1)) for _normalised, value, pk in found]
