"""Blocking keys: the few cheap keys under which a registration is indexed.

Candidates for a new registration are the registrations that share at least one key
with it, fetched by an indexed equality lookup; only those are compared in full.
"""

import re
from itertools import groupby

from cairn.deals.matching.facts import DealFacts
from cairn.deals.matching.scoring import GROUP_WORDS

# Longest key stored; the column holding keys must be at least this wide.
MAX_KEY_LENGTH = 100
# Name words indexed on their own, longest first.
MAX_WORD_KEYS = 3
# A shorter skeleton ("hl" for "Hooli") would gather countless unrelated short names.
MIN_SKELETON_LETTERS = 4

# Words so common in company names that a key on one of them would fetch a large part
# of the table. They still count in the name comparison and in the skeleton key.
_GENERIC_WORDS_TEXT = """
    systems system solutions solution services service technologies technology tech
    software consulting consultants partners associates industries industrial
    enterprises enterprise management trading digital networks network data labs
    media marketing logistics engineering products manufacturing design development
    research sciences communications electronics energy capital financial finance
    health healthcare medical it ventures resources studio studios works store shop
    new north south east west american america europe european usa uk asia pacific
    of de du des der den la le les el los da do di van von
    systeme technik technologie dienstleistungen beratung logistik handel bau
    servicios soluciones tecnologia tecnologias sistemas ingenieria conseil ingenierie
"""
GENERIC_WORDS = frozenset(_GENERIC_WORDS_TEXT.split()) | GROUP_WORDS

_VOWELS = re.compile(r"[aeiouy]")


def word_skeleton(word: str) -> str:
    """Return a word without vowels after its first letter, doubled letters once.

    "mueller" and "muller" both give "mlr", "sytems" and "systems" both "stms": the
    commonest typos and transliteration variants share a skeleton.
    """
    consonants = word[:1] + _VOWELS.sub("", word[1:])
    return "".join(letter for letter, _ in groupby(consonants))


def name_skeleton(facts: DealFacts) -> str:
    """Return the skeletons of a name's words in sorted order."""
    return " ".join(sorted(word_skeleton(word) for word in facts.name_words))


def _distinctive_words(facts: DealFacts) -> list[str]:
    words = {
        word
        for word in facts.name_words
        if len(word) > 1 and not word.isdigit() and word not in GENERIC_WORDS
    }
    return sorted(words, key=lambda word: (-len(word), word))[:MAX_WORD_KEYS]


def blocking_keys(facts: DealFacts) -> set[str]:
    """Return the keys under which a registration is indexed to find its candidates.

    "d:<label>" for the customer's and the contact's web domain (the label without its
    suffix, so that acme.de finds acme.fr), "t:<word>" for up to three distinctive name
    words, "s:<skeleton>" for the whole name without vowels (unless too short), and
    "p:<country>:<postal code>". At most seven keys.
    """
    keys = {
        f"d:{label}"
        for label in (facts.domain_label, facts.email_domain_label)
        if label
    }
    keys.update(f"t:{word}" for word in _distinctive_words(facts))
    skeleton = name_skeleton(facts)
    if len(skeleton.replace(" ", "")) >= MIN_SKELETON_LETTERS:
        keys.add(f"s:{skeleton}")
    if facts.postal_key:
        keys.add(f"p:{facts.country_code}:{facts.postal_key}")
    return {key[:MAX_KEY_LENGTH] for key in keys}
