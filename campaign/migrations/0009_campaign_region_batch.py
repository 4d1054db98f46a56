"""The campaign's county and batch (issue 14): existing campaigns go to the default county,
which takes the name their `county` text gave."""

import django.db.models.deletion
from django.db import migrations, models

import org.models


def place_campaigns(apps, schema_editor):
    Region = apps.get_model("org", "Region")
    Campaign = apps.get_model("campaign", "Campaign")
    first = Campaign.objects.order_by("created_at").first()
    if first is None:
        return
    county = Region.objects.filter(code="X0").first()
    if county is None:
        province = Region.objects.create(code="P0", kind="province", name="本省")
        city = Region.objects.create(code="C0", kind="city", name="本市", parent=province)
        county = Region.objects.create(code="X0", kind="county", name="本县", parent=city)
    if first.county:
        Region.objects.filter(pk=county.pk).update(name=first.county[:100])
    Campaign.objects.update(region=county)


class Migration(migrations.Migration):
    dependencies = [("campaign", "0008_english_msgids"), ("org", "0002_regions")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="batch",
            field=models.CharField(blank=True, max_length=50, verbose_name="batch"),
        ),
        migrations.AddField(
            model_name="campaign",
            name="region",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="campaigns", to="org.region"
            ),
        ),
        migrations.RunPython(place_campaigns, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="campaign",
            name="region",
            field=models.ForeignKey(
                default=org.models.default_region_id,
                limit_choices_to={"kind": "county"},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="campaigns",
                to="org.region",
                verbose_name="county",
            ),
        ),
        migrations.AlterField(
            model_name="campaign",
            name="county",
            field=models.CharField(max_length=100, verbose_name="county name"),
        ),
    ]
