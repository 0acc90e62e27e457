"""Role rules on sentences written for these tests (invented people; never evaluation text).

Each test names the construction it covers; the negative cases are the false readings the
rule was checked against on unlabelled news.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract import extract
from kg.extract.titles import is_occupation, member_title
from kg.model import Article

Triple = tuple[str | None, str, str | None]


def run(text: str) -> Article:
    return extract(Article(id="t", text=text, date=dt.date(2021, 3, 10)))


def name(art: Article, key: str | None) -> str | None:
    return art.entity(key).name if key else None


def roles(text: str) -> set[Triple]:
    art = run(text)
    return {(name(art, r.person), r.title, name(art, r.organization)) for r in art.roles}


def titles_of(text: str, person: str) -> set[str]:
    return {title for who, title, _ in roles(text) if who and who.endswith(person)}


# ---------------------------------------------------------------- occupations before a name
@pytest.mark.parametrize(
    ("text", "person", "title"),
    [
        ("The horses were sold by auctioneer Harriet Vane on Monday.", "Harriet Vane",
         "auctioneer"),
        ("The trophy went to former palace cook Dominic Pell, 52.", "Dominic Pell",
         "former palace cook"),
        ("They were joined by long-distance lorry driver Kieran Malby.", "Kieran Malby",
         "long-distance lorry driver"),
        ("The song was written by blues singer Otto Brennan in 1961.", "Otto Brennan",
         "blues singer"),
        ("The company was bought by shipping tycoon Aris Kontos.", "Aris Kontos", "tycoon"),
    ],
)
def test_roles_occupation_before_name_keeps_its_modifiers(text: str, person: str,
                                                          title: str) -> None:
    assert title in titles_of(text, person)


@pytest.mark.parametrize(
    ("text", "person", "title"),
    [
        # a nationality is not part of the title
        ("The film was made by German director Lukas Brandt.", "Lukas Brandt", "director"),
        ("Talks were held with Italian Prime Minister Carlo Ferri.", "Carlo Ferri",
         "prime minister"),
        # nor a team, a place or a work named before an occupation
        ("The kick was taken by Wales fly-half Owen Pryce.", "Owen Pryce", "fly-half"),
        ("Silent Harbour star Michael Baxter has signed up.", "Michael Baxter", "star"),
        # nor a word that describes the person rather than the office
        ("The prize went to veteran comedian Alfie Dunn.", "Alfie Dunn", "comedian"),
        ("A tribute was paid to the late libel lawyer Simon Crake.", "Simon Crake",
         "libel lawyer"),
        # and the describing word does not stop an apposition
        ("The state's top law officer, Eliot Marsh, said no.", "Eliot Marsh", "law officer"),
    ],
)
def test_roles_title_leaves_out_nationality_and_description(text: str, person: str,
                                                            title: str) -> None:
    assert titles_of(text, person) == {title}


def test_roles_occupation_with_the_organisation_before_it() -> None:
    found = roles("Ravensworth Bank economist Leona Tarrant expects rates to rise.")
    assert ("Leona Tarrant", "economist", "Ravensworth Bank") in found


@pytest.mark.parametrize(
    "text",
    [
        "The jury heard that robber Carl Marsh fled in a van.",
        "Police said teenager Kyle Benton was unhurt.",
        "The charity helped pensioner Edith Crane after the fire.",
    ],
)
def test_roles_what_someone_did_or_is_is_no_occupation(text: str) -> None:
    assert roles(text) == set()


@pytest.mark.parametrize(
    ("word", "expected"),
    [("auctioneer", True), ("cook", True), ("singer-songwriter", True),
     ("robber", False), ("department", False), ("business", False), ("witness", False)],
)
def test_roles_is_occupation(word: str, expected: bool) -> None:
    assert is_occupation(word) is expected


# ---------------------------------------------------------------- portfolios
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lib Dem spokeswoman for pensions Margaret Talbot said the rise was too small.",
         ("Margaret Talbot", "spokeswoman for pensions", "Liberal Democrats")),
        ("Mr Ruddock, his health and education spokesman, said the plan was flawed.",
         ("Ruddock", "health and education spokesman", None)),
    ],
)
def test_roles_portfolio_titles(text: str, expected: Triple) -> None:
    assert expected in roles(text)


def test_roles_and_joins_only_portfolio_words() -> None:
    # "record" is no portfolio: the title is only what follows "and"
    found = titles_of("He attacked the council's record and party leader Vera Osei.", "Vera Osei")
    assert found <= {"party leader", "leader"} and found


def test_roles_a_bare_for_the_is_no_portfolio() -> None:
    assert not any(t.startswith("spokesman for")
                   for _, t, _ in roles("A spokesman for the Ellison Trust declined to comment."))


# ---------------------------------------------------------------- appositions before a name
@pytest.mark.parametrize(
    ("text", "person", "title"),
    [
        ("The Secretary of State for Wales, Rhodri Powell, opened the bridge.", "Rhodri Powell",
         "secretary of state for wales"),
        ("The service was led by the Bishop of Dunmore, the Rt Rev John Newton, on Sunday.",
         "John Newton", "bishop of dunmore"),
        ("The review was chaired by the chief inspector of prisons, Moira Tate.", "Moira Tate",
         "chief inspector of prisons"),
    ],
)
def test_roles_apposition_before_with_an_of_phrase(text: str, person: str, title: str) -> None:
    assert title in titles_of(text, person)


def test_roles_apposition_before_a_titled_name() -> None:
    found = titles_of("The interview was done by the paper's editor, Labour MP Owen Drury.",
                      "Owen Drury")
    assert {"editor", "mp"} <= found


def test_roles_apposition_before_a_titled_name_of_someone_else() -> None:
    # the reporter and the MP are two people: the parse does not make them one phrase
    found = titles_of("He did not apologise to a reporter, Tory MP Owen Drury has insisted.",
                      "Owen Drury")
    assert "reporter" not in found


def test_roles_predecessor_holds_the_office_no_more() -> None:
    found = roles("The plan was praised by her predecessor as governor, Peter Harris.")
    assert ("Peter Harris", "former governor", None) in found


def test_roles_a_copular_complement_is_no_apposition() -> None:
    found = roles("Asked if she was a member of the board, Ms Okonjo said she was not.")
    assert not any(t.startswith("member") for _, t, _ in found)


# ---------------------------------------------------------------- ranks, styles and members
@pytest.mark.parametrize(
    ("text", "person", "expected"),
    [
        ("A study by climate expert professor Gideon Hale came out.", "Gideon Hale",
         {"professor"}),
        ("But former army officer Captain Frank Ainsley said the verdict was wrong.",
         "Frank Ainsley", {"captain", "former army officer"}),
        ("Professor Ingrid Sollie, of the University of Leeds, said the data was sound.",
         "Ingrid Sollie", {"professor"}),
    ],
)
def test_roles_rank_stands_as_its_own_title(text: str, person: str, expected: set[str]) -> None:
    assert expected <= titles_of(text, person)


def test_roles_rank_prefix_is_part_of_the_rank() -> None:
    found = titles_of("The patrol was led by Lieutenant Colonel Frank Ainsley.", "Frank Ainsley")
    assert found == {"lieutenant colonel"}


def test_roles_law_lord() -> None:
    assert "scottish law lord" in titles_of(
        "On Friday Scottish law lord Lord Haverford said the detentions were unlawful.",
        "Lord Haverford")


def test_roles_copular_with_a_capitalised_title() -> None:
    found = roles("Aides said Ms Brannock had backed the scheme when she was Foreign Secretary.")
    assert ("Brannock", "former foreign secretary", None) in found


@pytest.mark.parametrize(
    ("title", "expected"),
    [("senior party board member", "senior member"), ("board member", "member"),
     ("member", "member"), ("former committee member", "former member")],
)
def test_roles_member_title_leaves_out_the_body(title: str, expected: str) -> None:
    assert member_title(title) == expected


def test_roles_plural_members_before_a_list() -> None:
    found = roles("Critics included senior council members Ada Crane and Noel Vickers.")
    assert {("Ada Crane", "senior member", None), ("Noel Vickers", "senior member", None)} <= found


# ---------------------------------------------------------------- clauses after a name
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ann Whitlock - who chairs the housing committee - said rents were too high.",
         ("Ann Whitlock", "chair", None)),
        ("Labour MP Ann Whitlock, who chairs the housing committee, said rents were too high.",
         ("Ann Whitlock", "chair", None)),
    ],
)
def test_roles_relative_clause_with_an_unnamed_body(text: str, expected: Triple) -> None:
    assert expected in roles(text)


def test_roles_relative_clause_object_must_be_a_body() -> None:
    found = roles("Ann Whitlock, who runs the village shop, said rents were too high.")
    assert not any(t in {"head", "chair", "leader"} for _, t, _ in found)


def test_roles_organisation_after_a_description_of_it() -> None:
    found = roles("Mark Ellery, director of the campaign group Clean Rivers Trust, welcomed it.")
    assert ("Mark Ellery", "director", "Clean Rivers Trust") in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the first description is no title: the second one is
        ("Tom Rendell, a former teacher and deputy head of the Ashby Trust, said no.",
         ("Tom Rendell", "deputy head", "Ashby Trust")),
        # both are titles
        ("Sarah Lyle, chairman and chief executive of Orbis Media, said profits fell.",
         ("Sarah Lyle", "chief executive", "Orbis Media")),
    ],
)
def test_roles_two_descriptions_in_one_apposition(text: str, expected: Triple) -> None:
    found = roles(text)
    assert expected in found


def test_roles_plural_in_apposition_is_a_list_of_others() -> None:
    found = roles("Guests included Mark Ellery, bank officials and foreign ministers.")
    assert not any(who == "Mark Ellery" for who, _, _ in found)


def test_roles_spokesman_for_a_described_organisation() -> None:
    found = roles("But Mark Ellery, a spokesman for the campaign group Clean Rivers Trust, "
                  "said no.")
    assert ("Mark Ellery", "spokesman", "Clean Rivers Trust") in found


# ---------------------------------------------------------------- a lede's description
def with_headline(headline: str, body: str) -> set[Triple]:
    art = extract(Article(id="t", title=headline, text=f"{headline}\n\n{body}",
                          date=dt.date(2021, 3, 10)))
    return {(name(art, r.person), r.title, name(art, r.organization)) for r in art.roles}


def test_roles_lede_description_after_a_headline() -> None:
    found = with_headline(
        "Councillor attacks bus cuts",
        "Cuts to rural bus routes will leave villages stranded, a Labour councillor has said.\n\n"
        "Sandra Okoye said the changes would hit older people hardest.")
    assert ("Sandra Okoye", "councillor", "Labour Party") in found


def test_roles_lede_description_with_an_organisation_and_no_headline() -> None:
    found = roles("A Green Party councillor has resigned over the housing plans.\n\n"
                  "Sandra Okoye said she could no longer support the council.")
    assert ("Sandra Okoye", "councillor", "Green Party") in found


def test_roles_lede_description_goes_to_the_subject_named_next() -> None:
    found = with_headline(
        "Finance chief admits lying",
        "The former finance director of a building firm has admitted lying to auditors.\n\n"
        "Giving evidence against his old boss Karl Duffy, Sam Whitby said he hid the losses.")
    assert ("Sam Whitby", "former finance director", None) in found
    assert not any(who == "Karl Duffy" and "finance" in title for who, title, _ in found)


def test_roles_lede_description_when_someone_is_named_in_it() -> None:
    found = with_headline(
        "Councillor attacks mayor",
        "A Labour councillor has criticised Tom Reid over the bus cuts.\n\n"
        "Sandra Okoye said the mayor had ignored villages.")
    assert ("Sandra Okoye", "councillor", "Labour Party") not in found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tom Reid, the MP for Dunmore and Ashby, said the vote was lost.",
         ("Tom Reid", "mp", None)),
        ("Ann Hill, the minister for Europe, spoke first.", ("Ann Hill", "minister for europe",
                                                             None)),
    ],
)
def test_roles_a_seat_is_not_a_portfolio(text: str, expected: Triple) -> None:
    assert expected in roles(text)


def test_roles_rank_after_a_team_name_is_one_title() -> None:
    assert titles_of("Former Wales captain Tom Reid has retired.", "Tom Reid") == {
        "former wales captain"}


def test_roles_relative_clause_in_the_past_is_a_former_office() -> None:
    found = roles("Ann Hill - who led the Green Party from 1990 until 1995 - spoke.")
    assert ("Ann Hill", "former leader", "Green Party") in found


def test_roles_lede_description_not_given_to_who_reports_on_someone_else() -> None:
    found = with_headline(
        "Broker admits fraud",
        "An executive at an insurance broker has pleaded guilty to fraud charges.\n\n"
        "The state prosecutor Mark Ellery said vice president Tom Reid had admitted the "
        "scheme.")
    assert not any(title == "executive" for _, title, _ in found)


def test_roles_apposition_before_with_a_client_is_no_portfolio() -> None:
    found = titles_of("A lawyer for the victims, David Moran, told reporters.", "David Moran")
    assert found == {"lawyer"}


def test_roles_rank_split_keeps_former() -> None:
    found = titles_of("Former Wales rugby union captain Tom Reid has retired.", "Tom Reid")
    assert "former captain" in found
