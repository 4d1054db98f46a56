"""WPS files already stored were typed as Microsoft Works, Excel or PowerPoint (or, with
OOXML inside, as .docx/.xlsx/.pptx): they get the types WPS Office registers, as new
uploads do (evidence.sniff.WPS_TYPES). Only the recorded type changes; the stored
file does not. No schema change."""

from django.db import migrations

# Copied, not imported: a migration must not change when the code does.
WPS_TYPES = {
    "wps": ("application/kswps", ["application/vnd.ms-works"], "wordprocessingml"),
    "et": ("application/kset", ["application/vnd.ms-excel"], "spreadsheetml"),
    "dps": ("application/ksdps", ["application/vnd.ms-powerpoint"], "presentationml"),
}


def retype_wps(apps, schema_editor):
    Revision = apps.get_model("evidence", "EvidenceRevision")
    for ext, (new, ole2_types, ooxml_family) in WPS_TYPES.items():
        ooxml = f"application/vnd.openxmlformats-officedocument.{ooxml_family}."
        for revision_filter in ({"content_type__in": ole2_types}, {"content_type__startswith": ooxml}):
            Revision.objects.filter(original_name__iendswith=f".{ext}", **revision_filter).exclude(file="").update(
                content_type=new
            )


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0003_english_msgids"),
    ]

    operations = [
        migrations.RunPython(retype_wps, migrations.RunPython.noop),
    ]
