"""``manage.py personal_data``: export (GDPR Art. 15) or erase (Art. 17) one person's data."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation

from asskomm.models import PersonalDataErasure
from asskomm.privacy import erase_personal_data, export_personal_data, find_person


class Command(BaseCommand):
    help = (
        "Export everything the portal holds about a person (users, contacts, council members, "
        "signatories, history …) as JSON, or erase it. The person is found by e-mail address."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--export", metavar="EMAIL", help="export the data of this person")
        action.add_argument("--erase", metavar="EMAIL", help="erase the data of this person")
        action.add_argument("--log", action="store_true", help="list the erasures made so far")
        parser.add_argument("--output", type=Path, help="write the export to this file")
        parser.add_argument(
            "--yes", action="store_true", help="erase without asking (cannot be undone)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("de"):
            if options["log"]:
                for erasure in PersonalDataErasure.objects.select_related("erased_by"):
                    by = erasure.erased_by.pk if erasure.erased_by else "-"
                    self.stdout.write(
                        f"{erasure.pk}\t{erasure.erased_at:%d.%m.%Y %H:%M}\t{erasure.via}\t"
                        f"Benutzer {by}\t{', '.join(erasure.subjects)}"
                    )
                return
            email = options["export"] or options["erase"]
            person = find_person(email=email)
            if not person.records:
                raise CommandError(f"Zu {email} gibt es keinen Benutzer und keine Ansprechperson.")
            if options["export"]:
                text = json.dumps(
                    export_personal_data(person),
                    cls=DjangoJSONEncoder,
                    ensure_ascii=False,
                    indent=2,
                )
                if options["output"]:
                    options["output"].write_text(text + "\n", encoding="utf-8")
                    self.stdout.write(f"Auskunft geschrieben: {options['output']}")
                else:
                    self.stdout.write(text)
                return
            if not options["yes"]:
                raise CommandError(
                    "Löschen kann nicht rückgängig gemacht werden: mit --yes bestätigen."
                )
            erasure = erase_personal_data(person, erased_by=None, via="command")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Gelöscht in {sum(erasure.changed.values())} Zeilen "
                    f"(Protokoll Nr. {erasure.pk}); rechtlich gebundene Dokumente belassen: "
                    f"{len(erasure.retained)}."
                )
            )
