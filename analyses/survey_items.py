"""The standard questionnaire of the citizen survey (Bürgerbefragung) and the PKS offence groups.

Pure data, no database: the importers, the statistics and the report all read it from here.
A response stores the answer code of each item (1 … n of its scale) or nothing (no answer).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    code: str  # the CSV column
    question: str  # German, as printed in the questionnaire
    scale: tuple[str, ...]  # answer labels; code 1 is the first label
    topic: str  # groups items on the report's pages
    # Codes that count as the "negative" answer of the item (unsafe, afraid, a problem,
    # dissatisfied): the share the report shows and compares.
    negative: tuple[int, ...]


SAFETY_SCALE = ("sehr sicher", "eher sicher", "eher unsicher", "sehr unsicher")
FEAR_SCALE = ("gar nicht", "wenig", "ziemlich", "sehr")
PROBLEM_SCALE = ("kein Problem", "kleines Problem", "ziemliches Problem", "großes Problem")
SATISFACTION_SCALE = (
    "sehr zufrieden",
    "eher zufrieden",
    "teils/teils",
    "eher unzufrieden",
    "sehr unzufrieden",
)
PRESENCE_SCALE = ("viel zu wenig", "etwas zu wenig", "gerade richtig", "zu viel")

ITEMS: tuple[Item, ...] = (
    Item(
        "sicher_nachts",
        "Wie sicher fühlen Sie sich, wenn Sie nachts allein in Ihrer Wohngegend unterwegs sind?",
        SAFETY_SCALE,
        "sicherheitsgefuehl",
        (3, 4),
    ),
    Item(
        "sicher_tags",
        "Wie sicher fühlen Sie sich, wenn Sie tagsüber allein in Ihrer Wohngegend unterwegs sind?",
        SAFETY_SCALE,
        "sicherheitsgefuehl",
        (3, 4),
    ),
    Item(
        "angst_einbruch",
        "Wie sehr fürchten Sie, dass in Ihre Wohnung oder Ihr Haus eingebrochen wird?",
        FEAR_SCALE,
        "kriminalitaetsfurcht",
        (3, 4),
    ),
    Item(
        "angst_koerperverletzung",
        "Wie sehr fürchten Sie, geschlagen und verletzt zu werden?",
        FEAR_SCALE,
        "kriminalitaetsfurcht",
        (3, 4),
    ),
    Item(
        "angst_diebstahl",
        "Wie sehr fürchten Sie, bestohlen zu werden?",
        FEAR_SCALE,
        "kriminalitaetsfurcht",
        (3, 4),
    ),
    Item(
        "angst_belaestigung",
        "Wie sehr fürchten Sie, belästigt zu werden?",
        FEAR_SCALE,
        "kriminalitaetsfurcht",
        (3, 4),
    ),
    Item(
        "problem_muell",
        "Herumliegender Müll und Schmutz",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "problem_graffiti",
        "Graffiti und Schmierereien",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "problem_vandalismus",
        "Zerstörte Telefonzellen, Bänke, Haltestellen (Vandalismus)",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "problem_verkehr",
        "Rücksichtslose Autofahrer, Raser und Falschparker",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "problem_laerm",
        "Lärm",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "problem_gruppen",
        "Gruppen, die sich im öffentlichen Raum aufhalten und stören",
        PROBLEM_SCALE,
        "probleme",
        (3, 4),
    ),
    Item(
        "zufriedenheit_gemeinde",
        "Wie zufrieden sind Sie insgesamt mit dem Leben in Ihrer Gemeinde?",
        SATISFACTION_SCALE,
        "zufriedenheit",
        (4, 5),
    ),
    Item(
        "polizei_praesenz",
        "Wie beurteilen Sie die Präsenz der Polizei in Ihrer Wohngegend?",
        PRESENCE_SCALE,
        "polizei",
        (1, 2),
    ),
)
ITEMS_BY_CODE = {item.code: item for item in ITEMS}
SAFETY_ITEM = "sicher_nachts"  # the classic item the crime/feeling gap is measured with
PROBLEM_ITEMS = tuple(item.code for item in ITEMS if item.topic == "probleme")

TOPICS = {
    "sicherheitsgefuehl": "Sicherheitsgefühl",
    "kriminalitaetsfurcht": "Kriminalitätsfurcht",
    "probleme": "Wahrgenommene Probleme im Wohnumfeld",
    "zufriedenheit": "Zufriedenheit mit der Gemeinde",
    "polizei": "Polizeipräsenz",
}

AGE_GROUPS = ("16–24", "25–39", "40–59", "60–74", "75+")
# Cells of a breakdown with fewer answers than this are not shown (no one can be identified).
MIN_CELL = 10

# The offence groups of the area profile, with the PKS summary keys (Summenschlüssel) that the
# police statistics use for them. PMK (politically motivated crime) is counted separately.
OFFENCE_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("insgesamt", "------", "Straftaten insgesamt"),
    ("diebstahl", "****00", "Diebstahl insgesamt"),
    ("sachbeschaedigung", "674000", "Sachbeschädigung"),
    ("rohheit", "892000", "Rohheitsdelikte und Straftaten gegen die persönliche Freiheit"),
    ("gewalt", "892500", "Gewaltkriminalität"),
    ("strassen", "899000", "Straßenkriminalität"),
    ("rauschgift", "891000", "Rauschgiftkriminalität"),
    ("pmk", "PMK", "Politisch motivierte Kriminalität"),
)
OFFENCE_LABELS = {slug: label for slug, _key, label in OFFENCE_GROUPS}
OFFENCE_BY_KEY = {key: slug for slug, key, _label in OFFENCE_GROUPS}
