from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Cooperation agreements and coaching")

    def ready(self) -> None:
        from asskomm.jobs import register_job_task
        from asskomm.portal import register_provider
        from asskomm.records import protect_links, protect_records
        from asskomm.verification import register_lookup

        from .models import CooperationAgreement
        from .portal import contribution
        from .selectors import verify_agreement_fingerprint

        register_provider(contribution)
        register_lookup(verify_agreement_fingerprint)
        register_job_task("agreement_pdf", "agreements.tasks.render_agreement_document")
        # Signed agreements are never deleted, not even by a cascade, nor lose a municipality.
        protect_records(CooperationAgreement)
        protect_links(CooperationAgreement._meta.get_field("municipalities"), CooperationAgreement)
