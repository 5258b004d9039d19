"""Fixed data: Saxony's five police directorates with their service areas, and the standard topics."""

from django.db import migrations

from municipalities.fixed_data import DIRECTORATES, TOPICS, ensure_fixed_data


def load(apps, schema_editor):
    ensure_fixed_data(apps)


def unload(apps, schema_editor):
    apps.get_model("municipalities", "Topic").objects.filter(name__in=TOPICS).delete()
    apps.get_model("municipalities", "PoliceDirectorate").objects.filter(
        code__in=[code for code, *_ in DIRECTORATES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
