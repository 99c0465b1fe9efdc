"""The reference data of the demo ecosystem: cities, countries, names and words.

The files live in `data/` next to this module, so that the ecosystem can be read and
corrected without reading code.
"""

import csv
import json
import random
import re
import unicodedata
import zlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from faker import Faker

DATA_DIR = Path(__file__).resolve().parent / "data"

# Letters that NFKD does not decompose into an ASCII base letter.
_ASCII_FOLDS = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "þ": "th",
        "\u0131": "i",  # dotless i
    }
)

_ODD_WORDS = frozenset({"I", "II", "III", "IV", "auch", "genannt"})

# Enough distinct names per source that a 100-person organization rarely repeats one.
_POOL_SIZE = 120


@dataclass(frozen=True)
class City:
    """A real city where partners are based, with the coordinates of its centre."""

    name: str
    state: str
    country: str
    region: str
    latitude: Decimal
    longitude: Decimal
    postal_code: str
    weight: int
    streets: tuple[str, ...]


@dataclass(frozen=True)
class Country:
    """How partners of one country name themselves, speak and write addresses."""

    code: str
    region: str
    languages: tuple[str, ...]
    extra_languages: tuple[str, ...]
    name_sources: tuple[str, ...]
    legal_formats: tuple[str, ...]
    legal_weights: tuple[int, ...]
    address_format: str
    suite_format: str


@cache
def cities() -> tuple[City, ...]:
    """Return the cities of `data/cities.csv`, in file order."""
    with (DATA_DIR / "cities.csv").open(encoding="utf-8", newline="") as file:
        return tuple(
            City(
                name=row["city"],
                state=row["state"],
                country=row["country"],
                region=row["region"],
                latitude=Decimal(row["latitude"]),
                longitude=Decimal(row["longitude"]),
                postal_code=row["postal_code"],
                weight=int(row["weight"]),
                streets=tuple(row["streets"].split(";")),
            )
            for row in csv.DictReader(file)
        )


@cache
def countries() -> dict[str, Country]:
    """Return the countries of `data/countries.json` by ISO code."""
    raw = _load_json("countries.json")
    return {
        code: Country(
            code=code,
            region=entry["region"],
            languages=tuple(entry["languages"]),
            extra_languages=tuple(entry["extra_languages"]),
            name_sources=tuple(entry["names"]),
            legal_formats=tuple(fmt for fmt, _ in entry["legal"]),
            legal_weights=tuple(weight for _, weight in entry["legal"]),
            address_format=entry["address"],
            suite_format=entry["suite"],
        )
        for code, entry in raw.items()
        if not code.startswith("_")
    }


@cache
def vocabulary() -> dict[str, tuple[str, ...]]:
    """Return the word lists of `data/vocabulary.json`."""
    raw = _load_json("vocabulary.json")
    return {key: tuple(words) for key, words in raw.items() if not key.startswith("_")}


@cache
def _name_lists() -> dict[str, Any]:
    return _load_json("names.json")


def _load_json(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as file:
        data: dict[str, Any] = json.load(file)
    return data


class NamePools:
    """Given and family names per source, drawn once per seed from Faker or names.json.

    Each source gets its own Faker seeded from the seed and the source's name, so the
    pools do not depend on which sources happen to be needed first.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._pools: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def pool(self, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (given names, family names) of a source such as de_DE."""
        if source not in self._pools:
            self._pools[source] = self._draw(source)
        return self._pools[source]

    def person(self, rng: random.Random, sources: tuple[str, ...]) -> tuple[str, str]:
        """Return a (given, family) name from one of the sources."""
        given, family = self.pool(rng.choice(sources))
        return rng.choice(given), rng.choice(family)

    def _draw(self, source: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if source.startswith("list:"):
            entry = _name_lists()[source.removeprefix("list:")]
            return tuple(entry["given"]), tuple(entry["family"])
        locale, _, variant = source.partition(":")
        fake = Faker(locale)
        fake.seed_instance(self.seed ^ zlib.crc32(source.encode()))
        if variant == "romanized":
            given_of, family_of = fake.first_romanized_name, fake.last_romanized_name
        else:
            given_of, family_of = fake.first_name, fake.last_name
        given = _distinct(lambda: _tidy_name(given_of()))
        family = _distinct(lambda: _tidy_name(family_of()))
        return given, family


def _distinct(draw: Any) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for _ in range(_POOL_SIZE * 3):
        name = draw()
        if _is_plain_name(name):
            names[name] = None
        if len(names) >= _POOL_SIZE:
            break
    return tuple(names)


def _is_plain_name(name: str) -> bool:
    # Faker's German and Dutch lists hold a few aliases, numerals and inverted names
    # ("Koch II", "auch Schlauchin", "Dussen van") that look like bugs in a demo.
    words = name.split()
    return (
        bool(words)
        and bool(ascii_slug(name))
        and "," not in name
        and not _ODD_WORDS.intersection(words)
        and not words[-1].islower()
    )


def _tidy_name(name: str) -> str:
    # zh_TW's romanized names come in capitals.
    return name.title() if name.isupper() else name


def to_ascii(text: str) -> str:
    """Return the text with accents removed and other letters folded to ASCII."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLDS))
    return folded.encode("ascii", "ignore").decode()


def ascii_slug(text: str, *, separator: str = "") -> str:
    """Return lowercase ASCII letters and digits, words joined by the separator."""
    words = re.findall(r"[a-z0-9]+", to_ascii(text).lower())
    return separator.join(words)


def lower_first(text: str) -> str:
    """Lowercase the first letter of a phrase, but keep words such as AI or DevOps."""
    first_word = text.split(" ", 1)[0]
    if any(letter.isupper() for letter in first_word[1:]):
        return text
    return text[:1].lower() + text[1:]
