"""Standard wording of a Kooperationsvereinbarung, editable per agreement.

The goals are those of the Meißen agreement (press release PM 141/2022); the preamble follows
the Bannewitz agreement of 1 March 2023; the LPR's commitments are those named for Meißen.
"""

PREAMBLE = (
    "Sicherheit ist ein Grundbedürfnis der Menschen. Ein sicheres und lebenswertes Umfeld zu "
    "schaffen und zu erhalten, ist eine gesamtgesellschaftliche Aufgabe. Hierbei kommt den "
    "Kommunen eine maßgebliche Rolle zu, um negativen Entwicklungen entgegenzuwirken und "
    "Probleme möglichst gar nicht erst entstehen zu lassen.\n"
    "Kommunale Präventionsräte bündeln die Akteurinnen und Akteure vor Ort und ermöglichen einen "
    "fach- und themenübergreifenden, interdisziplinären Austausch. Zur Stärkung und Unterstützung "
    "dieser Arbeit hat der Landespräventionsrat Sachsen die Landesstrategie „Allianz Sichere "
    "Sächsische Kommunen“ (ASSKomm) geschaffen."
)

GOALS = (
    "quantitative und qualitative Reduzierung von Kriminalität",
    "Förderung eines rationalen Umgangs mit Kriminalität",
    "Erhöhung des Sicherheitsgefühls in der Bevölkerung",
    "Förderung des sozialen Engagements",
    "Stärkung des Gemeinwesens",
    "positive Beeinflussung des sozialen Klimas in der Kommune",
)

TASKS_MUNICIPALITY = (
    "Einrichtung oder Weiterentwicklung eines Kommunalen Präventionsrates unter Leitung der "
    "Verwaltungsspitze\n"
    "Benennung einer Koordinierungsstelle als feste Ansprechpartnerin für die Partner\n"
    "Einbindung der örtlichen Akteurinnen und Akteure und regelmäßige Information der "
    "Öffentlichkeit"
)

TASKS_POLICE = (
    "Bereitstellung von Daten zur Kriminalitätslage für das örtliche Lagebild\n"
    "Mitwirkung im Kommunalen Präventionsrat, insbesondere durch das zuständige Polizeirevier und "
    "die Bürgerpolizistinnen und Bürgerpolizisten\n"
    "Beratung bei polizeilichen Präventionsangeboten"
)

TASKS_LPR = (
    "Benennung einer festen Ansprechpartnerin oder eines festen Ansprechpartners\n"
    "Bereitstellung geeigneter ASSKomm-Coaches zur Beratung und Begleitung des Kommunalen "
    "Präventionsrates und der Koordinierungsstelle, etwa bei der Durchführung einer "
    "Sicherheitsanalyse, der Entwicklung einer Gesamtpräventionsstrategie und der Suche nach "
    "geeigneten Projekten und Maßnahmen\n"
    "Beratung und Koordinierung bei der Schaffung überregionaler Strukturen sowie bei "
    "Fortbildungsmaßnahmen und Vernetzungstreffen\n"
    "Beratung zur Förderung nach der Richtlinie Kommunale Prävention (RL KommPräv)"
)

TERM_AND_REVIEW = (
    "Diese Vereinbarung tritt mit ihrer Unterzeichnung in Kraft und gilt auf unbestimmte Zeit. "
    "Die Partner überprüfen die vereinbarten Maßnahmen einmal jährlich gemeinsam und passen sie "
    "bei Bedarf an. Jeder Partner kann die Vereinbarung mit einer Frist von drei Monaten "
    "schriftlich beenden."
)


def lines(text: str) -> list[str]:
    """The non-empty lines of a text field, each one item of a numbered list."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Callables as model defaults: a change of wording here needs no migration.
def default_preamble() -> str:
    return PREAMBLE


def default_goals() -> str:
    return "\n".join(GOALS)


def default_tasks_municipality() -> str:
    return TASKS_MUNICIPALITY


def default_tasks_police() -> str:
    return TASKS_POLICE


def default_tasks_lpr() -> str:
    return TASKS_LPR


def default_term_and_review() -> str:
    return TERM_AND_REVIEW
