from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysesConfig(AppConfig):
    name = "analyses"
    verbose_name = _("Security analyses")

    def ready(self) -> None:
        from asskomm.jobs import register_job_task
        from asskomm.portal import register_provider
        from asskomm.verification import register_lookup

        from .portal import contribution
        from .selectors import verify_final_report

        register_provider(contribution)
        register_lookup(verify_final_report)
        register_job_task("lagebericht", "analyses.tasks.render_report_draft")
