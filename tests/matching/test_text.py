"""Normalising, stemming and abbreviation expansion, one rule at a time."""

from __future__ import annotations

from matching.text import AbbreviationTable, TextAnalyzer, fold, stem, tokenize

ANALYZER = TextAnalyzer(
    AbbreviationTable(
        {"ECG": "electrocardiogram", "ART": "assisted reproductive technology", "PET-CT": "scan"}
    )
)


def test_fold_strips_accents_and_case() -> None:
    assert fold("Café NAÏVE") == "cafe naive"


def test_stem_folds_plurals_both_ways() -> None:
    assert stem("machines") == stem("machine") == "machine"
    assert stem("babies") == stem("baby") == "baby"
    assert stem("boxes") == stem("box")
    assert stem("diagnosis") == "diagnosis"


def test_stem_folds_long_ing_forms_only() -> None:
    assert stem("hearing") == stem("hear") == "hear"
    assert stem("scanning") == stem("scan") == "scan"
    assert stem("caring") == "caring"


def test_tokens_keep_their_place_in_the_users_text() -> None:
    text = "Heart's rhythm, and ECGs"
    tokens = tokenize(text)
    assert [text[t.start : t.end] for t in tokens] == ["Heart", "rhythm", "and", "ECGs"]
    assert tokens[1].segment != tokens[3].segment


def test_word_pairs_never_cross_punctuation() -> None:
    names = ANALYZER("heart, rhythm")
    assert "heart rhythm" not in names
    assert "heart rhythm" in ANALYZER("heart rhythm")


def test_stop_words_and_chatter_are_dropped() -> None:
    assert ANALYZER("I would really like to work with babies") == ["baby"]


def test_abbreviation_is_kept_and_expanded_in_any_case() -> None:
    assert {"ecg", "electrocardiogram"} <= set(ANALYZER("ecg"))
    expanded = [f for f in ANALYZER.features("an ECG test") if f.expansion]
    assert [(f.name, f.start, f.end) for f in expanded] == [("electrocardiogram", 3, 6)]


def test_abbreviation_spelling_a_word_needs_capitals() -> None:
    assert "assisted" in ANALYZER("ART")
    assert "art" not in ANALYZER("ART")
    assert ANALYZER("I love art") == ["art"]
    assert "assisted" not in ANALYZER("Art lessons")


def test_multi_word_abbreviation() -> None:
    assert "scan" in ANALYZER("pet-ct")


def test_char_text_holds_meaningful_words_and_expansions() -> None:
    assert ANALYZER.char_text("I like the ECG") == "ecg electrocardiogram"


def test_the_feature_cache_is_made_with_the_analyzer_and_stays_bounded() -> None:
    analyzer = TextAnalyzer(AbbreviationTable({"ECG": "electrocardiogram"}))
    before = set(vars(analyzer))
    assert analyzer.feature_set("Heart rhythm specialist") == frozenset(analyzer("Heart rhythm specialist"))
    assert set(vars(analyzer)) == before
    for number in range(10_001):
        analyzer.feature_set(f"title {number}")
    assert len(analyzer._feature_sets) <= 10_000
