"""Statement rules on sentences written for these tests (never from evaluation articles).

One test per way news reports speech; each names the speakers a reader finds in the text
(or none, where the sentence reports no named speaker).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract import extract
from kg.model import Article


def run(text: str) -> Article:
    return extract(Article(id="t", text=text, date=dt.date(2021, 3, 10)))


def said(text: str) -> list[tuple[str, str]]:
    """(speaker, first words of the sentence) for each statement, in order."""
    art = run(text)
    return [(art.entity(s.speaker).name, " ".join(s.evidence.sentence.text.split()[:3]))
            for s in art.statements]


def speakers_of(text: str, opening: str) -> set[str]:
    """The speakers credited in the sentence of ``text`` that opens with ``opening``."""
    return {name for name, first in said(text) if first.startswith(opening)}


# ---------------------------------------------------------------- clauses
def test_rules_statements_contrasting_clause_has_its_own_speaker() -> None:
    text = "The Greens called the road scheme \"reckless\", whereas the SNP said it came " \
           "too late."
    assert speakers_of(text, "The Greens") == {"Green Party", "Scottish National Party"}


def test_rules_statements_relative_clause_is_not_reported_speech() -> None:
    text = "The changes were criticised by teachers, including Labour backbencher Sarah " \
           "Quinlan, who says they will hurt small schools."
    assert speakers_of(text, "The changes") == {"Sarah Quinlan"}


def test_rules_statements_words_inside_a_quotation_do_not_report_the_speaker() -> None:
    text = "\"Every survey says the scheme works,\" Mr Adeyemi insisted."
    assert [name for name, _ in said(text)] == ["Adeyemi"]


@pytest.mark.parametrize(
    "text",
    ["The council agreed to introduce a charge for parking.",
     "Northway Energy said profits rose, while the Treasury declined to comment.",
     "The Wallabies and the Springboks hit the beach before the new season.",
     "Neither the Treasury nor the Bank of England would comment on the figures.",
     "Harbour Lights tells the story of a lighthouse keeper and his daughter."],
)
def test_rules_statements_decisions_refusals_and_blows_are_not_speech(text: str) -> None:
    assert {name for name, _ in said(text)} <= {"Northway Energy"}


def test_rules_statements_agreeing_that_is_speech() -> None:
    assert [name for name, _ in said("Ms Lindqvist agreed that the plan had failed.")] \
        == ["Lindqvist"]


# ---------------------------------------------------------------- several speakers
def test_rules_statements_coordinated_organisations_each_speak() -> None:
    text = "The Greens and the SNP said the scheme should be dropped."
    assert speakers_of(text, "The Greens") == {"Green Party", "Scottish National Party"}


def test_rules_statements_named_members_of_a_group_speak() -> None:
    text = "Critics of the scheme, including Lord Ashworth of Kew and Bishop Tom Finch, " \
           "said it would divide the church."
    assert speakers_of(text, "Critics of") == {"Lord Ashworth of Kew", "Tom Finch"}


# ---------------------------------------------------------------- finding the speaker
@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Welcoming the decision, Maria Okonjo, director of the Coastal Alliance, said: "
         "\"This is good news for the town.\"", "Maria Okonjo"),
        ("In an interview for the Evening Post, Ms Okonjo, who chairs the Coastal Alliance, "
         "says: \"We have won the argument.\"", "Okonjo"),
    ],
)
def test_rules_statements_named_speaker_right_before_a_verb_without_subject(
        text: str, speaker: str) -> None:
    assert [name for name, _ in said(text)] == [speaker]


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("The film showed Mr Brandt, standing at a lectern, telling the audience: \"We will "
         "win this.\"", "Brandt"),
        ("The paper quoted Mr Brandt as saying the deal was dead.", "Brandt"),
        ("Mr Brandt was quoted as saying the deal was dead.", "Brandt"),
    ],
)
def test_rules_statements_someone_shown_or_quoted_saying(text: str, speaker: str) -> None:
    assert speaker in {name for name, _ in said(text)}


@pytest.mark.parametrize(
    ("text", "opening"),
    [("Ms Rowe has closed two libraries, in a decision branded \"shameful\" by the Greens.",
      "Ms Rowe"),
     ("Plans to close the pier have been branded \"short-sighted\" by the Greens.", "Plans")],
)
def test_rules_statements_passive_label_by_a_party(text: str, opening: str) -> None:
    assert "Green Party" in speakers_of(text, opening)


def test_rules_statements_apposed_organisation_of_a_group_word_speaks() -> None:
    text = "But the pressure group the Coastal Alliance says the rules are too weak."
    assert [name for name, _ in said(text)] == ["Coastal Alliance"]


# ---------------------------------------------------------------- descriptions and pronouns
def test_rules_statements_description_is_the_speaker_just_heard() -> None:
    text = "Growth had beaten forecasts, Mr Dalton said. The first savings have been made, " \
           "the chancellor said."
    assert [name for name, _ in said(text)] == ["Dalton", "Dalton"]


def test_rules_statements_description_not_given_across_another_person() -> None:
    text = "Growth had beaten forecasts, Mr Dalton said. Ann Price was in the audience. " \
           "The savings are real, the chancellor said."
    assert speakers_of(text, "The savings") == set()


def test_rules_statements_description_not_given_to_a_speaker_with_another_title() -> None:
    text = "Tom Ruddock, the party's agent, said the candidate had been dropped. " \
           "The decision was final. The local chairman repeated the warning."
    assert speakers_of(text, "The local") == set()


def test_rules_statements_they_after_a_plural_party_name() -> None:
    text = "The Greens said they would fight the scheme. They also promised to publish its cost."
    assert [name for name, _ in said(text)] == ["Green Party", "Green Party"]


def test_rules_statements_condition_reports_nothing() -> None:
    text = "The Athletics Board said the runners had missed three tests. If they do not " \
           "respond, they will be banned."
    assert speakers_of(text, "If they") == set()


@pytest.mark.parametrize(
    ("text", "opening", "speaker"),
    [
        # names in the words reported before ", he said" are not the speaker
        ("Lord Fenwick agreed the old law was unfair. The reforms Lord Ames wants would be "
         "\"far too costly\", he said.", "The reforms", "Lord Fenwick"),
        # "he" is not the man named below him, and carries the referent on
        ("Mr Okoro, the union chairman, said pay had fallen. He doubted that Mr Baker meant "
         "any harm. Yet he cautioned that members would strike.", "Yet he", "Okoro"),
        # a possessor inside a phrase is not a candidate
        ("Mr Garvey was dropped after suggesting the deal, signed under Tom Walsh's "
         "government, was a mistake. The newspaper printed columns he wrote about farming.",
         "The newspaper", "Garvey"),
        # an unnamed subject two sentences back gives way to a person named since
        ("A spokesman said the film had done well. The documentary showed tensions between "
         "Mr Kowalski and the other directors. He rejected claims that he wanted the top job.",
         "He rejected", "Kowalski"),
        # the subject speaker carries on over the people named below him
        ("Mr Carter insisted Mr Pike had never called the scheme a mess. He went on to say "
         "Mr Pike would help.", "He went", "Carter"),
    ],
)
def test_rules_statements_pronoun_speaker(text: str, opening: str, speaker: str) -> None:
    assert speaker in speakers_of(text, opening)


def test_rules_statements_unnamed_spokesman_ends_the_pronoun_chain() -> None:
    text = "Lord Bray said Mr Hale ignored the board. The minister's press officer said the " \
           "board still met. Then he added: \"Nobody takes every decision there.\""
    assert speakers_of(text, "Then he") == set()


def test_rules_statements_quotation_credited_to_someone_unnamed_is_no_continuation() -> None:
    text = "Ms Lund said the appeal would go ahead. \"It will take years,\" a spokesman said."
    assert speakers_of(text, "\"It will") == set()


def test_rules_statements_coordinated_speakers_not_credited_for_what_they_will_do() -> None:
    text = "Sony, Philips and Panasonic will unveil the new disc at a trade fair."
    assert len(said(text)) <= 1


def test_rules_statements_description_not_the_last_speaker_of_the_other_sex() -> None:
    text = "Reform had been too slow, Baroness Ellery said. The lord chancellor hinted that " \
           "more changes would follow."
    assert speakers_of(text, "The lord") == set()


def test_rules_statements_pronoun_keeps_the_speaker_over_people_named_in_the_statement() -> None:
    text = "Mr Farrell said the cuts proposed by Mr Dunne were wrong. Turning to jobs, he " \
           "said: \"We will end youth unemployment.\""
    assert [name for name, _ in said(text)] == ["Farrell", "Farrell"]


def test_rules_statements_pronoun_after_a_title_subject_is_not_the_last_speaker() -> None:
    text = "Mr Blake has not made up his mind, Ann Mercer said. On Friday, the prime minister " \
           "finished a tour, during which he unveiled five pledges."
    assert speakers_of(text, "On Friday,") == set()


def test_rules_statements_pronoun_after_unnamed_speaker_not_the_person_he_named() -> None:
    text = "The band's spokesman said the tour would go on without Mr Varga. \"We all want " \
           "him back soon,\" he said."
    assert speakers_of(text, "\"We all") == set()


# ---------------------------------------------------------------- one verb per clause
def verbs(text: str) -> list[tuple[str, str]]:
    """(speaker, reporting verb) for each statement, in order."""
    art = run(text)
    return [(art.entity(s.speaker).name, s.verb) for s in art.statements]


@pytest.mark.parametrize(
    ("text", "speaker", "verb"),
    [
        ("Speaking at a dinner in Leeds, Ms Okafor also argued that the levy was unfair.",
         "Okafor", "argue"),
        ("Speaking on local radio last week, Mr Haddad said the depot would stay open.",
         "Haddad", "say"),
        ("Asked whether a merger was likely this year, Mr Haddad replied: \"Not a chance.\"",
         "Haddad", "reply"),
        ("Criticised for the delay, Ms Okafor said: \"Caution was the right call.\"",
         "Okafor", "say"),
        ("Ms Okafor, who has described the levy as \"a tax on work\", has since said she "
         "opposes it.", "Okafor", "say"),
    ],
)
def test_rules_statements_the_finite_verb_reports_not_a_participle(
        text: str, speaker: str, verb: str) -> None:
    assert verbs(text) == [(speaker, verb)]


def test_rules_statements_someone_asked_is_not_the_asker() -> None:
    assert said("Asked about the closure, Mr Haddad shrugged and walked away.") == []


# ---------------------------------------------------------------- titles, letters, clauses
def test_rules_statements_letters_after_a_name_are_the_person() -> None:
    text = "Labour's transport spokesman, Harold Quimby MSP, said: \"This levy is a stealth tax.\""
    assert [name for name, _ in said(text)] == ["Harold Quimby"]


def test_rules_statements_name_apposed_to_a_title_subject_speaks() -> None:
    text = "The Bishop of Wells, Dr Colin Marr, called the play a \"fine romp\". Later the " \
           "Bishop said he had loved it."
    assert speakers_of(text, "The Bishop") == {"Colin Marr"}


def test_rules_statements_name_in_a_clause_before_the_subject_is_not_the_speaker() -> None:
    text = "Kessler has recalled the part. When asked if the firm would be seeking " \
           "compensation from Kessler, its boss Ingrid Solberg said: " \
           "\"Repairs come before blame.\""
    assert speakers_of(text, "When asked") == {"Ingrid Solberg"}


def test_rules_statements_stated_attribution_beats_a_quotation_run() -> None:
    text = "Her remarks have been branded \"reckless\" by the Northern Tenants Federation.\n\n" \
           "\"The danger comes from a small group,\" the Bristol MP told the committee."
    assert speakers_of(text, "\"The danger") == set()


@pytest.mark.parametrize(
    ("text", "speaks"),
    [("The Harbour Board issued a formal warning to two skippers in May.", False),
     ("The Harbour Board issued a warning that the pier would close.", True),
     ("The Harbour Board issued a statement explaining why the pier would shut.", True)],
)
def test_rules_statements_issuing_is_speech_only_with_words(text: str, speaks: bool) -> None:
    assert bool(said(text)) == speaks


def test_rules_statements_pronoun_after_a_title_subject_one_sentence_back() -> None:
    text = "Mr Dalton will say next year is crucial for aid. He also wants richer countries " \
           "to help. The chancellor flies to Ottawa on Monday. He told a radio show: \"Aid " \
           "must double.\""
    assert speakers_of(text, "He told") == {"Dalton"}


@pytest.mark.parametrize(
    "text",
    ["Mr Varga was asked to audition for the part, as studio bosses were said to be wary "
     "of him.",
     "Lindcorp and Harrow Bank have agreed terms for a merger."],
)
def test_rules_statements_hearsay_and_agreed_plans_report_nobody(text: str) -> None:
    assert said(text) == []


def test_rules_statements_pronoun_after_a_rebuttal_is_the_rebutter() -> None:
    text = "Mr Okoro said he had grown weary of trying to convince them to alter the plan " \
           "but the Rowing Federation's Tom Hart rejected his claims. \"We asked for changes " \
           "and it is better,\" he said."
    assert speakers_of(text, "\"We asked") == {"Tom Hart"}


def test_rules_statements_passive_without_by_names_no_speaker() -> None:
    text = "Lindcorp showed the chip on Monday. It is built for games consoles and has been " \
           "described as a tiny mainframe."
    assert speakers_of(text, "It is") == set()


@pytest.mark.parametrize(
    ("text", "speaks"),
    [("Ms Lund maintained that the plan was sound.", True),
     ("Kelvin Harriers maintained their fine run in the league.", False),
     ("Mr Hale threatened to quit the board.", True),
     ("Kelvin Harriers twice threatened more tries but failed.", False),
     ("Mr Hale spoke to reporters on Monday.", True),
     ("Neither the Greens nor Plaid Cymru were keen to let him lead them speaks volumes.",
      False),
     ("Kelvin Harriers added two tries before the break.", False),
     ("Mr Hale added a warning: \"Nobody is safe.\"", True)],
)
def test_rules_statements_verbs_that_report_speech_only_in_one_sense(
        text: str, speaks: bool) -> None:
    assert bool(said(text)) == speaks


def test_rules_statements_said_to_have_is_hearsay() -> None:
    assert said("Mr Okafor and Ms Lund are said to have promised each other a truce.") == []


def test_rules_statements_description_does_not_name_itself() -> None:
    text = "Ann Price, of the nurses' union, spoke of \"open rivalry\" in the cabinet. But the " \
           "minister said Ms Price had never attended cabinet meetings, so could not know."
    assert speakers_of(text, "But the") == set()


def test_rules_statements_issuing_a_call_is_speech() -> None:
    assert [name for name, _ in said("Mr Hale used his speech to issue a call for "
                                     "calm.")] == ["Hale"]
