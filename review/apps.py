from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("City and province review")

    def ready(self):
        from assessment.selectors import register_note_source
        from reports.services import register_report_kind

        from . import letter, services

        # The city's return comments show on the county's assessment pages (assessment is below us).
        register_note_source(services.comments_open_by_indicator)
        # The 推荐函 as report jobs: reports builds them without importing review.
        for kind, label, extension, builder in (
            ("recommendation_pdf", _("Recommendation letter (PDF)"), "pdf", letter.build_letter_pdf),
            ("recommendation_docx", _("Recommendation letter (DOCX, editable)"), "docx", letter.build_letter_docx),
        ):
            register_report_kind(
                kind,
                label=label,
                extension=extension,
                builder=builder,
                file_stem=letter.letter_file_stem,
                link=letter.letter_link,
            )
