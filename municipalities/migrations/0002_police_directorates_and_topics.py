"""Fixed data: Saxony's five police directorates with their service areas, and the standard topics.

Service areas per § 1 Abs. 2 SächsPolOrgVO (Dienstbezirke der Polizeidirektionen), by Kreis key.
"""

from django.db import migrations

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


def load(apps, schema_editor):
    PoliceDirectorate = apps.get_model("municipalities", "PoliceDirectorate")
    Topic = apps.get_model("municipalities", "Topic")
    for code, name, seat, district_keys in DIRECTORATES:
        PoliceDirectorate.objects.update_or_create(
            code=code, defaults={"name": name, "seat": seat, "district_keys": district_keys}
        )
    for position, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"position": position * 10})


def unload(apps, schema_editor):
    apps.get_model("municipalities", "Topic").objects.filter(name__in=TOPICS).delete()
    apps.get_model("municipalities", "PoliceDirectorate").objects.filter(
        code__in=[code for code, *_ in DIRECTORATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
