"""Company-name normalization: transliteration, legal forms, stop words, word order."""

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import OSA

# Legal forms written in a native script are removed before transliteration, because
# anyascii glues CJK characters into one word: "株式会社トヨタ" -> "ZhuShiHuiShetoyota".
# Names are NFKC-normalized first, which turns "㈱" and fullwidth brackets into "(株)".
_NATIVE_LEGAL_FORMS = re.compile(
    "|".join(
        re.escape(form)
        for form in (
            "股份有限公司",
            "有限責任公司",
            "有限责任公司",
            "有限公司",
            "株式会社",
            "有限会社",
            "合同会社",
            "合資会社",
            "合名会社",
            "(株)",
            "주식회사",
            "유한회사",
            "(주)",
        )
    )
)

# "AT&T", "H&M": an ampersand inside a word is part of the name, not a conjunction.
_INNER_AMPERSAND = re.compile(r"(?<=[a-z0-9])&(?=[a-z0-9])")
# Dots and apostrophes join ("S.A." -> "sa", "McDonald's" -> "mcdonalds"); every other
# non-alphanumeric character separates words.
_JOINERS = re.compile(r"[.'`]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")

# Conjunctions and articles that partners add or leave out at will. "of", "de", "la"
# stay: they are part of names such as "Bank of America" or "De Beers".
STOP_WORDS = frozenset({"the", "and", "und", "et"})


def _forms(spellings: str) -> frozenset[tuple[str, ...]]:
    """Parse a comma-separated list of legal forms into word tuples."""
    return frozenset(
        tuple(spelling.split()) for spelling in spellings.split(",") if spelling.strip()
    )


# Legal forms as they read after normalization (lowercase ASCII, dots removed, initials
# joined), removed from the end of a name repeatedly: "Acme Holdings Co Ltd" -> "acme
# holdings". Short forms that are also common words or brands ("me", "is", "ad", "cos",
# "eu") are left out on purpose.
LEGAL_SUFFIXES = _forms(
    """
    inc, incorporated, corp, corporation, co, company, companies, ltd, limited, llc,
    lc, llp, lp, lllp, plc, pc, pllc, pty, pty ltd, proprietary limited, pvt, pvt ltd,
    private limited, public limited company, limited liability company, pte, pte ltd,
    ulc, cic, na, sdn bhd, bhd, berhad, sendirian berhad, tbk, dac, clg,
    fzco, fze, fz llc, jsc, ojsc, cjsc, pjsc,

    gmbh, mbh, gesmbh, ag, kg, ohg, gbr, ug, ug haftungsbeschrankt, haftungsbeschrankt,
    gmbh co kg, gmbh co, ag co kg, co kg, kgaa, gmbh co kgaa, se, se co kg, ev, eg, og,
    aktiengesellschaft, kommanditgesellschaft, gesellschaft mit beschrankter haftung,

    sa, sas, sasu, sarl, sarl au, eurl, sca, scs, snc, sci, scop, cie, et cie, sa rl,
    societe anonyme, sl, slu, sll, sa de cv, sab de cv, sapi de cv, s de rl,
    s de rl de cv, de cv, sociedad anonima, ltda, eireli, epp, spa, srl, srls, sapa,
    societa per azioni, lda,

    bv, nv, bvba, cvba, sprl, vof, commv, besloten vennootschap, naamloze vennootschap,
    ab, ab publ, publ, aktiebolag, as, asa, aps, ks, oy, oyj, osakeyhtio, hf, ehf,
    aktieselskab,

    sp z oo, spzoo, sp j, sp k, sro, spol sro, doo, dd, kft, zrt, nyrt, bt, ooo, zao,
    oao, pao, tov, sia, uab, ou, ltd sti, sti, ae, epe, ike, ead, eood, ood,

    kk, kabushiki kaisha, kabushikigaisha, yugen kaisha, godo kaisha, gk, yk
    """
)

# Legal forms that precede the name in some countries: "PT Telkom", "OOO Romashka",
# "Kabushiki Kaisha Toshiba", "UAB Vilniaus".
LEGAL_PREFIXES = _forms(
    """
    pt, ooo, zao, oao, pao, tov, uab, sia, kk, kabushiki kaisha, yugen kaisha,
    godo kaisha
    """
)

_LONGEST_FORM = max(len(form) for form in LEGAL_SUFFIXES | LEGAL_PREFIXES)


def _join_initials(words: list[str]) -> list[str]:
    """Join runs of single letters: "s a de c v" -> "sa de cv", "a b c" -> "abc"."""
    joined: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


# Long one-word legal forms, recognized with a typo too ("limitted", "ilmited"): a
# slip in a legal form should not make two names differ.
_LONG_SUFFIX_WORDS = tuple(
    sorted(form[0] for form in LEGAL_SUFFIXES if len(form) == 1 and len(form[0]) >= 6)
)


def _is_misspelt_legal_form(word: str) -> bool:
    return len(word) >= 5 and any(
        OSA.distance(word, form, score_cutoff=1) <= 1 for form in _LONG_SUFFIX_WORDS
    )


def _strip_legal_forms(words: list[str]) -> list[str]:
    # At least one word always stays, so that a company called "Limited" keeps a name.
    changed = True
    while changed:
        changed = False
        for size in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
            if tuple(words[-size:]) in LEGAL_SUFFIXES:
                words = words[:-size]
                changed = True
                break
            if tuple(words[:size]) in LEGAL_PREFIXES:
                words = words[size:]
                changed = True
                break
        if not changed and len(words) > 1 and _is_misspelt_legal_form(words[-1]):
            words = words[:-1]
            changed = True
    return words


@lru_cache(maxsize=8192)
def company_name_words(name: str) -> tuple[str, ...]:
    """Return the significant words of a company name, in their written order."""
    text = unicodedata.normalize("NFKC", name)
    text = anyascii(_NATIVE_LEGAL_FORMS.sub(" ", text)).lower()
    text = _INNER_AMPERSAND.sub("", text)
    text = _SEPARATORS.sub(" ", _JOINERS.sub("", text))
    words = _join_initials(text.split())
    significant = [word for word in words if word not in STOP_WORDS] or words
    return tuple(_strip_legal_forms(significant))


def normalize_company_name(name: str) -> str:
    """Return a company name in lowercase ASCII without punctuation or legal form."""
    return " ".join(company_name_words(name))


def company_name_key(name: str) -> str:
    """Return the normalized company name with its words sorted, blind to word order."""
    return " ".join(sorted(company_name_words(name)))
