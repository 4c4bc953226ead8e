"""Danish analysis, compounds, thesaurus and the schema (pure; no app)."""
from __future__ import annotations

import csv
import pickle

import pytest

from fællesskab.search.analysis import (
    THESAURUS,
    THESAURUS_FILE,
    danish_analyzer,
    edit_distance,
    fold,
    text_terms,
    word_terms,
)
from fællesskab.search.highlight import highlight, snippet
from fællesskab.search.schema import build_schema, index_name


@pytest.mark.parametrize("word,expected", [
    ("fodboldklub", {"fodbold", "klub"}), ("løbeklub", {"løb", "klub"}), ("sangkor", {"sang", "kor"}),
    ("idrætsforeningen", {"idræt", "forening"}), ("svømmeklub", {"svømning", "klub"}),
    ("pigefodbold", {"pige", "fodbold"}), ("kortspil", {"kortspil"}), ("danskursus", {"dansk", "kursus"}),
])
def test_compounds_are_split_against_the_vocabulary(word, expected):
    assert expected <= set(word_terms(word))


@pytest.mark.parametrize("word", ["koret", "korene", "hundredvis", "turist", "kortfilm", "badminton"])
def test_words_that_only_look_like_compounds_are_not_split_into_activities(word):
    assert "kor" not in word_terms(word)[1:] and "hund" not in word_terms(word)[1:]


@pytest.mark.parametrize("a,b", [
    ("foreningen", "forening"), ("foreningerne", "forening"), ("sangerne", "sang"), ("koret", "kor"),
    ("spejderne", "spejder"), ("svømmer", "svømning"), ("strikke", "strik"), ("Café", "cafe"),
])
def test_inflections_meet(a, b):
    assert word_terms(fold(a))[0] == word_terms(fold(b))[0]


def test_folding_keeps_danish_letters_and_folds_old_spellings():
    assert fold("Ærø Øster Åby") == "ærø øster åby"
    assert fold("Aabenraa") == "åbenrå"
    assert text_terms("og i på for the") == []  # Danish and English stop words


def test_thesaurus_has_at_least_150_danish_english_pairs_both_ways():
    with open(THESAURUS_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(r["kind"] == "en" for r in rows) >= 150
    assert any(r["kind"] == "da" for r in rows)
    assert (("kor",), "en") in THESAURUS.lookup(tuple(text_terms("choir")))
    assert (("choir",), "en") in THESAURUS.lookup(("kor",))
    assert (("spejder",), "en") in THESAURUS.lookup(tuple(text_terms("scouts")))
    assert (("bordtennis",), "en") in THESAURUS.lookup(tuple(text_terms("table tennis")))
    assert (("kor",), "da") in THESAURUS.lookup(("sang",))
    assert THESAURUS.near("knittng") == ["knitting"]


def test_edit_distance():
    assert edit_distance("badmintin", "badminton", 2) == 1
    assert edit_distance("kor", "korsang", 2) == 3


def test_schema_pickles_with_whoosh_protocol_2_and_stamps_its_version():
    schema = pickle.loads(pickle.dumps(build_schema(), 2))
    assert type(schema["text"]).__name__ == "WeightedText"
    assert index_name().startswith("faellesskab_v")
    tokens = [t.text for t in danish_analyzer()("Fodboldklubben for piger")]
    assert tokens[:3] == ["fodboldklub", "fodbold", "klub"] and "pige" in tokens


def test_highlight_escapes_and_marks_inflected_forms():
    terms = set(word_terms("kor"))
    assert str(highlight("<i>Koret</i> & co", terms)) == "&lt;i&gt;<mark>Koret</mark>&lt;/i&gt; &amp; co"
    text = "Lorem ipsum " * 40 + "vi synger i koret" + " dolor sit" * 40
    short = str(snippet(text, terms))
    assert "<mark>koret</mark>" in short and short.startswith("… ") and short.endswith(" …")


# --- word families ---------------------------------------------------------------


@pytest.mark.parametrize("a,b", [
    # derivations of an activity word: -isk, -alsk, -ere/-erer/-ering, -ist
    ("fotografisk", "fotografi"), ("fotografiske", "fotografi"), ("fotograferer", "fotografi"),
    ("fotografering", "fotografi"), ("gymnastiske", "gymnastik"), ("atletisk", "atletik"),
    ("keramisk", "keramik"), ("musikalsk", "musik"), ("kunstnerisk", "kunst"), ("guitarist", "guitar"),
    ("violinisten", "violin"), ("motionister", "motion"), ("hæklere", "hækling"),
    # Danish spellings of loanwords
    ("croquet", "kroket"), ("jiujitsu", "jujutsu"), ("jujitsu", "jujutsu"), ("kickboxing", "kickboksning"),
    ("thaiboxing", "thaiboksning"),
    # plain inflections of a vocabulary form, whatever Snowball makes of them
    ("menigheden", "menighed"), ("troen", "tro"), ("banerne", "bane"), ("rider", "ridning"),
])
def test_word_families_meet(a, b):
    assert word_terms(fold(a))[0] == word_terms(fold(b))[0]


@pytest.mark.parametrize("word,expected", [
    ("sejlklub", {"sejlads", "klub"}), ("sejlklubben", {"sejlads", "klub"}), ("fægtklub", {"fægtning", "klub"}),
    ("fuglefotografering", {"fugle", "fotografi"}), ("fotoklub", {"fotografi", "klub"}),
])
def test_compounds_find_their_family(word, expected):
    assert expected <= set(word_terms(word))


@pytest.mark.parametrize("word,not_term", [
    ("fotosyntese", "fotografi"),  # foto- here is light, not a photograph
    ("syrere", "syning"), ("syriske", "syning"),  # Syrians; "syr" (sews) is too short to derive from
    ("tegnsprog", "tegning"), ("tegnsprogscafé", "tegning"),  # a sign, not a drawing
    ("turist", "tur"), ("kortere", "kortspil"), ("forsamling", "samling"),
    ("politisk", "politik"),  # -isk joins only words of the activity vocabulary
    ("vandløb", "løb"),  # a stream
    # a short Snowball stem is another word: the sea, a kindergarten, a ball, "while", "behind", a pond
    ("havet", "havebrug"), ("børnehave", "havebrug"), ("børnehaver", "havebrug"), ("børnehaverne", "havebrug"),
    ("volleyball", "ballet"), ("mens", "menighed"),
    ("bag", "bagning"), ("dammen", "damer"),
])
def test_look_alikes_stay_apart(word, not_term):
    assert not_term not in word_terms(word)


@pytest.mark.parametrize("one,other", [
    ("jujutsu", "jiu-jitsu"), ("jujutsu", "ju jitsu"), ("kungfu", "kung fu"), ("taichi", "tai chi"),
    ("qigong", "qi gong"), ("hiphop", "hip-hop"), ("linedance", "line dance"), ("taekwondo", "tae kwon do"),
    ("thaiboksning", "muay thai"),
])
def test_loanwords_written_in_several_words_are_variants_both_ways(one, other):
    ka, kb = tuple(text_terms(one)), tuple(text_terms(other))
    assert (kb, "variant") in THESAURUS.lookup(ka) and (ka, "variant") in THESAURUS.lookup(kb)


def test_jiu_jitsu_written_apart_is_a_thesaurus_variant_of_jujutsu():
    assert any(terms == ("jujutsu",) for terms, _kind in THESAURUS.lookup(tuple(text_terms("jiu-jitsu"))))
    assert any(terms == tuple(text_terms("jiu jitsu")) for terms, _kind in THESAURUS.lookup(("jujutsu",)))
    # spellings are one family: "ju-jitsu" reaches "jiu-jitsu" too, not only "jujutsu"
    assert (tuple(text_terms("jiu jitsu")), "variant") in THESAURUS.lookup(tuple(text_terms("ju jitsu")))


@pytest.mark.parametrize("word,expected", [
    ("kapsejlads", {"sejlads"}), ("jollesejladsen", {"sejlads"}), ("havnefotografering", {"havn", "fotografi"}),
    ("amatørteatret", {"teater"}), ("ponyridning", {"ridning"}), ("pengeindsamling", {"indsamling"}),
])
def test_a_compound_with_an_unknown_first_part_keeps_its_activity_head(word, expected):
    assert expected <= set(word_terms(word)[1:])


@pytest.mark.parametrize("word,not_term", [
    ("generalforsamling", "samling"), ("indvandring", "vandring"), ("udvandring", "vandring"),  # a prefix
    ("kultur", "tur"), ("transport", "sport"), ("signatur", "natur"), ("manifesten", "fest"),  # short heads
    ("dvdspiller", "spil"), ("sæsonprogrammet", "programmering"), ("motorcykler", "cykling"),
])
def test_heads_that_only_look_like_activities_stay_apart(word, not_term):
    assert not_term not in word_terms(word)
