"""Curated general knowledge of English news writing, in one place.

Everything here is general vocabulary (titles, reporting verbs, legislative words) or widely
used names of institutions and parties. Nothing comes from any evaluation article.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

#: In calendar order: dates.py reads a month's number and a weekday's place from these.
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: Letters after a person's name ("Ann Lee QC", "Tom Reid MP").
POSTNOMINALS = frozenset({"QC", "MP", "MEP", "MSP", "KC", "OBE", "MBE", "CBE", "Jr", "Sr", "AM"})

HONORIFICS = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "baroness", "baron",
     "prof", "professor", "rev", "reverend", "mx", "mr.", "mrs.", "ms.", "dr.", "prof."}
)
#: Honorifics that are part of a peer's name and kept in it ("Lord Wren").
PEERAGE = frozenset({"lord", "lady", "baroness", "baron", "sir", "dame"})
#: Royal words that open a name ("Prince Edward", "the Duke of Kent"): part of it, no role.
ROYAL = frozenset({"prince", "princess", "king", "queen", "duke", "duchess", "earl", "countess"})

#: Head words of titles and offices (lower case). Multi-word titles are built around them.
TITLE_HEADS = frozenset(
    """
    president vice-president premier chancellor minister ministers secretary secretaries
    prime leader leaders chairman chairwoman chair chairperson chief governor mayor
    spokesman spokeswoman spokesperson mp mps mep meps msp msps am peer senator congressman
    congresswoman representative ambassador envoy commissioner director head boss
    general admiral colonel commander officer judge justice magistrate lawyer solicitor
    barrister counsel attorney prosecutor adviser advisor aide editor correspondent
    reporter presenter host founder co-founder owner executive manager coordinator
    co-ordinator member treasurer whip speaker councillor king queen prince princess
    emperor monarch pope archbishop bishop cardinal imam rabbi professor economist
    analyst campaigner activist candidate deputy official spokesmen chancellor
    backbencher frontbencher deputy-leader ceo cfo chairmen governor-general
    president-elect secretary-general general-secretary inspector superintendent
    constable detective sheriff auditor registrar clerk dean principal headteacher
    headmaster vicar priest coach captain manager
    """.split()
)

#: Words that may precede a title head inside a title ("home secretary", "shadow chancellor").
TITLE_MODIFIERS = frozenset(
    """
    former ex- shadow acting deputy assistant junior senior vice chief foreign home
    interior defence defense health education transport environment culture trade
    industry treasury justice finance economic economy business energy work pensions
    employment welfare agriculture fisheries rural affairs northern ireland scotland
    scottish wales welsh europe european international development constitutional
    immigration police prisons security intelligence local government communities
    housing planning sport media arts science technology digital party general
    executive managing political press communications policy legal medical
    prime first second minister lord high supreme appeal court state regional
    provincial national federal city county district council parliamentary
    permanent principal private cabinet attorney solicitor public joint co interim
    incoming outgoing outgoing designate elect
    """.split()
)

#: Occupations named before a name ("jockey Ann Hill", "film star Lee Ray") that the suffix
#: test of ``titles.is_occupation`` ("-er", "-ist", "-man", ...) does not catch.
OCCUPATIONS = frozenset(
    """
    star chef cook jockey pilot nurse surgeon poet vet architect diplomat tycoon magnate
    mogul cleric monk nun chaplain soldier corporal brigadier marshal medic paramedic
    midwife athlete referee umpire mechanic academic scholar comic critic pundit
    columnist playwright astronaut spy model butler maid nanny scrum-half fly-half
    full-back centre-back wing-back left-back right-back film-maker
    """.split()
)
#: Ranks and styles that stand right before a name and head a title of their own, even
#: after another description ("former army officer Captain Ann Hill": two titles).
RANKS = frozenset({"professor", "colonel", "captain", "admiral", "brigadier", "sergeant",
                   "corporal", "commodore", "major"})
#: Words that open a rank's own title instead of being a second title ("Lieutenant Colonel").
RANK_PREFIXES = frozenset({"lieutenant", "lance", "staff", "wing", "flight", "group", "major",
                           "brigadier", "detective", "vice", "rear", "deputy", "assistant",
                           "associate", "visiting", "emeritus", "regius", "chief", "sub"})

#: Adjectives that describe a person rather than name an office: part of a title phrase
#: but not of the title ("veteran comedian Ann Hill" -> "comedian").
DESCRIPTIVE_ADJECTIVES = frozenset(
    """
    apparent alleged so-called veteran famous legendary late young fellow jailed convicted
    disgraced embattled beleaguered troubled controversial outspoken popular acclaimed
    award-winning celebrated renowned prominent respected influential well-known
    best-selling double triple top leading married famed
    """.split()
)

#: Reporting verbs (lemmas) that introduce what someone said or wrote.
SPEECH_VERBS = frozenset(
    """
    say tell add argue claim deny insist warn accuse admit urge acknowledge announce
    explain suggest state declare confirm reveal stress note comment report write
    predict promise pledge vow ask answer reply respond retort complain criticise
    criticize condemn praise welcome dismiss reject concede maintain contend assert
    allege agree disagree describe brand call label hint indicate point observe remark
    recall recount testify told tweet post blog announce defend question challenge
    demand propose recommend advise caution threaten forecast estimate calculate
    acknowledge attack slam blast hit lambast reiterate repeat emphasise emphasize
    underline highlight signal mention boast joke quip muse speak unveil thank
    """.split()
)
#: Verbs that report speech only with a particular complement or particle.
SPEECH_VERBS_WEAK = frozenset({"call", "point", "hit", "brand", "describe", "label", "defend",
                               "question", "challenge", "attack", "welcome", "speak", "post"})

#: Nouns for laws and legal instruments ("the bill", "the Clean Air Act").
LAW_HEADS = frozenset(
    """
    bill bills act acts law laws legislation regulation regulations directive treaty
    convention charter constitution amendment amendments clause clauses order decree
    ordinance statute code measure measures reform reforms ruling rulings judgment
    judgement provision provisions rules protocol accord ban powers
    """.split()
)
#: Law heads that are laws only when named (capitalised) or clearly legal in context.
LAW_HEADS_WEAK = frozenset({"measure", "measures", "reform", "reforms", "order", "orders", "code",
                            "codes", "rule", "rules", "provision", "provisions", "accord",
                            "accords", "protocol", "protocols", "charter", "charters", "powers",
                            "judgement", "judgment"})
#: Words that put a sentence in the context of law-making (a weak law word needs one).
LEGAL_CUES = frozenset(
    """
    bill bills act acts legislation legislative legislate law laws lawmaker lawmakers
    legislator legislators parliament parliamentary mp mps mep meps msp msps peer peers
    senator senators congressman congresswoman minister ministers ministerial government
    statutory legal illegal unlawful lawful court courts judge judges tribunal commons lords
    senate congress constitution directive treaty statute whitehall
    """.split()
)

#: Verb lemma -> legislative action type (the 16 of the guideline).
ACTION_VERBS: dict[str, str] = {
    "propose": "propose", "plan": "propose", "unveil": "propose", "suggest": "propose",
    "draft": "propose", "announce": "propose", "outline": "propose", "float": "propose",
    "introduce": "introduce", "table": "introduce", "publish": "introduce",
    "bring": "introduce", "present": "introduce", "submit": "introduce", "launch": "introduce",
    "debate": "debate", "discuss": "debate", "consider": "debate", "examine": "debate",
    "scrutinise": "debate", "scrutinize": "debate", "review": "debate",
    "vote": "vote",
    "pass": "pass", "approve": "pass", "adopt": "pass", "back": "pass", "endorse": "pass",
    "ratify": "pass", "clear": "pass", "accept": "pass",
    "amend": "amend", "revise": "amend", "change": "amend", "alter": "amend", "modify": "amend",
    "rewrite": "amend", "tighten": "amend", "relax": "amend", "extend": "amend",
    "water": "amend", "update": "amend", "overhaul": "amend", "reform": "amend",
    "reject": "reject", "defeat": "reject", "oppose": "reject", "vote down": "reject",
    "throw": "reject", "overturn": "reject", "strike": "reject", "veto": "block",
    "block": "block", "halt": "block", "stop": "block", "stall": "block", "obstruct": "block",
    "thwart": "block", "derail": "block", "challenge": "other",
    "delay": "delay", "postpone": "delay", "shelve": "delay", "defer": "delay",
    "repeal": "repeal", "abolish": "repeal", "revoke": "repeal", "annul": "repeal",
    "enact": "enact", "sign": "enact", "implement": "enact", "promulgate": "enact",
    "establish": "enact",
    "rule": "rule", "judge": "rule", "find": "rule", "uphold": "rule", "quash": "rule",
    "authorise": "authorise", "authorize": "authorise", "allow": "authorise",
    "empower": "authorise", "permit": "authorise",
    "withdraw": "withdraw", "scrap": "withdraw", "drop": "withdraw", "abandon": "withdraw",
    "ditch": "withdraw", "retract": "withdraw",
    "use": "other", "invoke": "other", "apply": "other",
    "support": "other",
}
#: Nominalisations that name an action on a law ("the passage of", "a vote on").
ACTION_NOUNS: dict[str, str] = {
    "proposal": "propose", "plan": "propose", "introduction": "introduce",
    "publication": "introduce", "debate": "debate", "discussion": "debate",
    "vote": "vote", "ballot": "vote", "passage": "pass", "approval": "pass",
    "adoption": "pass", "ratification": "pass", "amendment": "amend", "revision": "amend",
    "rejection": "reject", "defeat": "reject", "veto": "block", "delay": "delay",
    "postponement": "delay", "repeal": "repeal", "abolition": "repeal", "enactment": "enact",
    "ruling": "rule", "judgment": "rule", "judgement": "rule", "withdrawal": "withdraw",
    "implementation": "enact", "scrutiny": "debate", "reading": "debate",
    "use": "other", "support": "other", "opposition": "reject", "introduce": "introduce",
    "call": "propose", "demand": "propose", "push": "propose", "bid": "propose",
    "signing": "enact",
}

#: Verbs whose "as TITLE" leaves an office ("resigned as chairman") or takes or holds one
#: ("was named as", "served as"), lemma -> the particle it needs ("step down as").
LEAVE_OFFICE: dict[str, str] = {"resign": "", "quit": "", "retire": "", "step": "down",
                                "stand": "down"}
TAKE_OFFICE: dict[str, str] = {
    "appoint": "", "name": "", "elect": "", "reappoint": "", "re-elect": "", "install": "",
    "confirm": "", "choose": "", "select": "", "swear": "in", "take": "over", "continue": "",
    "remain": "", "stay": "", "serve": "", "succeed": "", "replace": "", "return": "",
}

#: Widely used names of parties and institutions -> canonical name and kind.
KNOWN_ORGS: dict[str, tuple[str, str]] = {
    "labour": ("Labour Party", "PoliticalParty"),
    "labour party": ("Labour Party", "PoliticalParty"),
    "new labour": ("Labour Party", "PoliticalParty"),
    "tory": ("Conservative Party", "PoliticalParty"),
    "tories": ("Conservative Party", "PoliticalParty"),
    "conservative": ("Conservative Party", "PoliticalParty"),
    "conservatives": ("Conservative Party", "PoliticalParty"),
    "conservative party": ("Conservative Party", "PoliticalParty"),
    "lib dem": ("Liberal Democrats", "PoliticalParty"),
    "lib dems": ("Liberal Democrats", "PoliticalParty"),
    "liberal democrat": ("Liberal Democrats", "PoliticalParty"),
    "liberal democrats": ("Liberal Democrats", "PoliticalParty"),
    "snp": ("Scottish National Party", "PoliticalParty"),
    "scottish national party": ("Scottish National Party", "PoliticalParty"),
    "plaid cymru": ("Plaid Cymru", "PoliticalParty"),
    "plaid": ("Plaid Cymru", "PoliticalParty"),
    "ukip": ("UK Independence Party", "PoliticalParty"),
    "uk independence party": ("UK Independence Party", "PoliticalParty"),
    "greens": ("Green Party", "PoliticalParty"),
    "green party": ("Green Party", "PoliticalParty"),
    "bnp": ("British National Party", "PoliticalParty"),
    "british national party": ("British National Party", "PoliticalParty"),
    "dup": ("Democratic Unionist Party", "PoliticalParty"),
    "democratic unionist party": ("Democratic Unionist Party", "PoliticalParty"),
    "sinn fein": ("Sinn Fein", "PoliticalParty"),
    "sdlp": ("SDLP", "PoliticalParty"),
    "republicans": ("Republican Party", "PoliticalParty"),
    "republican party": ("Republican Party", "PoliticalParty"),
    "democrats": ("Democratic Party", "PoliticalParty"),
    "democratic party": ("Democratic Party", "PoliticalParty"),
    "communist party": ("Communist Party", "PoliticalParty"),
    "commons": ("House of Commons", "GovernmentOrganization"),
    "house of commons": ("House of Commons", "GovernmentOrganization"),
    "lords": ("House of Lords", "GovernmentOrganization"),
    "law lords": ("Law Lords", "GovernmentOrganization"),
    "house of lords": ("House of Lords", "GovernmentOrganization"),
    "congress": ("Congress", "GovernmentOrganization"),
    "senate": ("Senate", "GovernmentOrganization"),
    "cabinet": ("Cabinet", "GovernmentOrganization"),
    "treasury": ("Treasury", "GovernmentOrganization"),
    "home office": ("Home Office", "GovernmentOrganization"),
    "foreign office": ("Foreign Office", "GovernmentOrganization"),
    "downing street": ("Downing Street", "GovernmentOrganization"),
    "number 10": ("Downing Street", "GovernmentOrganization"),
    "no 10": ("Downing Street", "GovernmentOrganization"),
    "whitehall": ("Whitehall", "GovernmentOrganization"),
    "parliament": ("Parliament", "GovernmentOrganization"),
    "european union": ("European Union", "GovernmentOrganization"),
    "eu": ("European Union", "GovernmentOrganization"),
    "united nations": ("United Nations", "GovernmentOrganization"),
    "un": ("United Nations", "GovernmentOrganization"),
    "nato": ("Nato", "GovernmentOrganization"),
    "nhs": ("NHS", "GovernmentOrganization"),
    "mod": ("Ministry of Defence", "GovernmentOrganization"),
    "ministry of defence": ("Ministry of Defence", "GovernmentOrganization"),
    "tuc": ("Trades Union Congress", "Organization"),
    "trades union congress": ("Trades Union Congress", "Organization"),
    "cbi": ("CBI", "Organization"),
    "imf": ("International Monetary Fund", "GovernmentOrganization"),
    "international monetary fund": ("International Monetary Fund", "GovernmentOrganization"),
    "wto": ("World Trade Organization", "GovernmentOrganization"),
    "fbi": ("FBI", "GovernmentOrganization"),
    "cia": ("CIA", "GovernmentOrganization"),
    "bbc": ("BBC", "NewsMediaOrganization"),
    "xinhua": ("Xinhua", "NewsMediaOrganization"),
    "reuters": ("Reuters", "NewsMediaOrganization"),
}

#: Adjective forms of party names used before titles ("Tory leader", "Labour MP").
PARTY_ADJECTIVES = frozenset({"labour", "tory", "conservative", "lib dem", "liberal democrat",
                              "snp", "plaid", "ukip", "green", "republican", "democratic",
                              "democrat", "communist"})

#: Head words of organisation names the small model often misses or cuts.
ORG_HEADS = frozenset(
    """
    committee commission ministry department office council court tribunal agency
    authority party union parliament assembly executive senate congress board bank
    service services institute institution foundation trust association federation
    league society organisation organization corporation company group police force
    army navy bureau inquiry panel secretariat government administration cabinet
    alliance coalition fellowship network
    """.split()
)
#: Nouns that describe an organisation before its name ("the campaign group Kestrel").
ORG_DESCRIPTIONS = frozenset(
    """
    charity campaign firm body watchdog think-tank tank newspaper magazine paper website
    broadcaster consultancy lobby regulator organisation organization group movement
    """.split()
)
#: Head words that make a lower-case phrase a place ("autonomous region").
PLACE_TAILS = ("autonomous region", "region", "province", "county", "prefecture", "state",
               "district", "territory", "municipality")

#: Demonyms and group words spaCy tags as places ("Uygurs", "Americans").
GROUP_SUFFIXES = ("ans", "ians", "ese", "ish", "ites", "urs", "ars", "ens")

COUNTRIES = frozenset(
    """
    afghanistan albania algeria argentina armenia australia austria azerbaijan bangladesh
    belarus belgium bolivia bosnia brazil britain bulgaria burma cambodia cameroon canada
    chile china colombia congo croatia cuba cyprus denmark egypt england eritrea estonia
    ethiopia finland france georgia germany ghana greece haiti hungary iceland india
    indonesia iran iraq ireland israel italy jamaica japan jordan kazakhstan kenya korea
    kosovo kuwait latvia lebanon liberia libya lithuania luxembourg malaysia mali malta
    mexico moldova mongolia morocco myanmar nepal netherlands nigeria norway pakistan
    palestine peru philippines poland portugal qatar romania russia rwanda scotland serbia
    singapore slovakia slovenia somalia spain sudan sweden switzerland syria taiwan
    tanzania thailand tibet tunisia turkey uganda ukraine us usa uk uzbekistan venezuela
    vietnam wales yemen zambia zimbabwe america
    """.split()
) | {"united states", "united kingdom", "south africa", "north korea", "south korea",
     "new zealand", "saudi arabia", "northern ireland", "sri lanka", "czech republic"}


@cache
def given_names() -> frozenset[str]:
    """Common given names, learnt from unlabelled news (tools/make_given_names.py)."""
    path = resources.files("kg") / "extract" / "data" / "given_names.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))
