"""Conflict detection: company name normalization."""

import pytest

from cairn.deals.matching import company_name_key, normalize_company_name

# Names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Systems Inc.", "acme systems"),
        ("Acme Systems, Incorporated", "acme systems"),
        ("Acme Corp", "acme"),
        ("Acme Corporation", "acme"),
        ("ACME LLC", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("Acme PLC", "acme"),
        ("Acme LLP", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Acme Pty. Ltd.", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme & Co.", "acme"),
        ("Müller Technik GmbH", "muller technik"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Acme AG", "acme"),
        ("Acme UG (haftungsbeschränkt)", "acme"),
        ("Acme e.V.", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Acme SA", "acme"),
        ("Acme SAS", "acme"),
        ("Acme SARL", "acme"),
        ("Acme S.à r.l.", "acme"),
        ("Acme S.p.A.", "acme"),
        ("Acme SpA", "acme"),
        ("Acme S.r.l.", "acme"),
        ("Tecnologías Pacífico S.A. de C.V.", "tecnologias pacifico"),
        ("Acme S. de R.L. de C.V.", "acme"),
        ("Acme Ltda.", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme N.V.", "acme"),
        ("Acme AB", "acme"),
        ("Acme AB (publ)", "acme"),
        ("Maersk A/S", "maersk"),
        ("Acme AS", "acme"),
        ("Acme Oy", "acme"),
        ("Acme Oyj", "acme"),
        ("Kowalski Budownictwo Sp. z o.o.", "kowalski budownictwo"),
        ("Acme s.r.o.", "acme"),
        ("Acme Kft.", "acme"),
        ("Acme Ltd. Şti.", "acme"),
        # "OOO" in Cyrillic
        ("\u041e\u041e\u041e Ромашка", "romashka"),
        ("PT Telkom Indonesia Tbk", "telkom indonesia"),
        ("Acme Sdn. Bhd.", "acme"),
        ("Acme Pte. Ltd.", "acme"),
        ("Tata Sons Pvt. Ltd.", "tata sons"),
        ("Toyota Tsusho K.K.", "toyota tsusho"),
        ("Toyota Tsusho Kabushiki Kaisha", "toyota tsusho"),
        ("Kabushiki Kaisha Toshiba", "toshiba"),
        ("株式会社トヨタ", "toyota"),
        ("㈱トヨタ", "toyota"),
        ("The Coca-Cola Company", "coca cola"),
        ("Ford Motor Co., Ltd.", "ford motor"),
        ("Nobress Hotels DAC", "nobress hotels"),
        ("Voyage Networks JSC", "voyage networks"),
        ("Pearl Crest Bank FZ-LLC", "pearl crest bank"),
        # a slip in a long legal form
        ("Fluzo Limitrd", "fluzo"),
        ("Shadom iLmited", "shadom"),
        ("Acme Compny", "acme"),
        ("Acme Companion", "acme companion"),
    ],
)
def test_normalize_company_name_removes_legal_forms_across_languages(name, expected):
    # when
    normalized = normalize_company_name(name)

    # then
    assert normalized == expected


def test_normalize_company_name_keeps_a_name_that_is_only_a_legal_form():
    # when / then
    assert normalize_company_name("Limited") == "limited"
    assert normalize_company_name("GmbH") == "gmbh"


def test_normalize_company_name_handles_punctuation_and_initials():
    # when / then
    assert normalize_company_name("AT&T Inc.") == "att"
    assert normalize_company_name("H&M Hennes & Mauritz AB") == "hm hennes mauritz"
    assert normalize_company_name("McDonald's Corporation") == "mcdonalds"
    assert normalize_company_name("A. B. C. Plumbing") == "abc plumbing"
    assert normalize_company_name("Acme-Systems") == "acme systems"
    assert normalize_company_name("  ACME   Systems  ") == "acme systems"


def test_normalize_company_name_drops_articles_and_conjunctions_only():
    # when / then
    assert normalize_company_name("The Smith and Jones Company") == "smith jones"
    assert normalize_company_name("Smith & Jones") == "smith jones"
    assert normalize_company_name("Müller und Söhne") == "muller sohne"
    assert normalize_company_name("Bank of America") == "bank of america"
    assert normalize_company_name("De Beers Group") == "de beers group"


def test_normalize_company_name_transliterates_to_ascii():
    # when / then
    assert normalize_company_name("Müller Technik GmbH") == "muller technik"
    assert normalize_company_name("Мюллер Техник") == "myuller tekhnik"
    assert normalize_company_name("Ærø Øst") == "aero ost"
    assert normalize_company_name("Straße Bau") == "strasse bau"
    assert normalize_company_name("华为技术有限公司") == "huaweijishu"


def test_company_name_key_ignores_word_order():
    # when / then
    assert company_name_key("Systems Acme") == "acme systems"
    assert company_name_key("Acme Systems Inc.") == "acme systems"
    assert normalize_company_name("Systems Acme") == "systems acme"
