"""Fixed reference data: Saxony's police directorates and the standard topics.

Loaded by a data migration and ensured again after every ``migrate`` or ``flush`` (post_migrate),
so that it is present wherever the schema is. Existing rows are never overwritten: staff may edit
them in the admin.
"""

from typing import Any

# Service areas per § 1 Abs. 2 SächsPolOrgVO (Dienstbezirke der Polizeidirektionen), by Kreis key.
DIRECTORATES = (
    ("chemnitz", "Polizeidirektion Chemnitz", "Chemnitz", ["14511", "14521", "14522"]),
    ("dresden", "Polizeidirektion Dresden", "Dresden", ["14612", "14627", "14628"]),
    ("goerlitz", "Polizeidirektion Görlitz", "Görlitz", ["14625", "14626"]),
    ("leipzig", "Polizeidirektion Leipzig", "Leipzig", ["14713", "14729", "14730"]),
    ("zwickau", "Polizeidirektion Zwickau", "Zwickau", ["14523", "14524"]),
)

# ASSKomm's modules ("Bausteine") first, then the fields of action named in the programme.
TOPICS = (
    "Kooperationsvereinbarung",
    "Kommunaler Präventionsrat",
    "Koordinierungsstelle",
    "Coaching",
    "Sicherheitsanalyse",
    "Förderung (RL KommPräv)",
    "Aus- und Fortbildung",
    "Vernetzung",
    "Graffiti/Sachbeschädigung",
    "Vermüllung",
    "Gewalt",
    "Extremismus",
    "Drogenmissbrauch",
    "Kinder und Jugend",
    "Senioren",
    "Verkehr",
    "Ordnung und Sauberkeit",
    "Sonstiges",
)


def ensure_fixed_data(apps: Any) -> None:
    """Create whatever fixed rows are missing; ``apps`` is a (historical) app registry."""
    PoliceDirectorate = apps.get_model("municipalities", "PoliceDirectorate")
    Topic = apps.get_model("municipalities", "Topic")
    for code, name, seat, district_keys in DIRECTORATES:
        PoliceDirectorate.objects.get_or_create(
            code=code, defaults={"name": name, "seat": seat, "district_keys": district_keys}
        )
    if not Topic.objects.exists():
        for position, name in enumerate(TOPICS, start=1):
            Topic.objects.create(name=name, position=position * 10)
