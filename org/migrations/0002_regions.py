"""Regions (province → city → county) and the unit's region (issue 14).

The free-text `region` column becomes `locality`; every existing unit is placed in one
default county (city offices in its city), so a single-county deployment goes on unchanged."""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import org.models


def place_units(apps, schema_editor):
    Region = apps.get_model("org", "Region")
    Unit = apps.get_model("org", "Unit")
    if not Unit.objects.exists():
        return  # a fresh database: the default county is made on first use
    province = Region.objects.create(code="P0", kind="province", name="本省")
    city = Region.objects.create(code="C0", kind="city", name="本市", parent=province)
    county = Region.objects.create(code="X0", kind="county", name="本县", parent=city)
    Unit.objects.filter(kind="city_office").update(region=city)
    Unit.objects.exclude(kind="city_office").update(region=county)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]

    operations = [
        migrations.RenameField(model_name="unit", old_name="region", new_name="locality"),
        migrations.AlterField(
            model_name="unit",
            name="locality",
            field=models.CharField(blank=True, max_length=100, verbose_name="area"),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("office_admin", "Office admin"),
                    ("office_staff", "Office staff"),
                    ("unit_leader", "Unit leader"),
                    ("liaison", "Liaison"),
                    ("city_reviewer", "City reviewer"),
                    ("province_reviewer", "Province reviewer"),
                ],
                max_length=20,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="unit",
            name="kind",
            field=models.CharField(
                choices=[
                    ("department", "Department"),
                    ("township", "Township / subdistrict"),
                    ("office", "Rule-of-law office"),
                    ("city_office", "City office"),
                    ("province_office", "Province office"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="unit", name="name", field=models.CharField(max_length=100, verbose_name="name")
        ),
        migrations.CreateModel(
            name="Region",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "kind",
                    models.CharField(
                        choices=[("province", "Province"), ("city", "City"), ("county", "County")],
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("code", models.CharField(max_length=20, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("is_city_level", models.BooleanField(default=False, verbose_name="city's own level")),
                (
                    "parent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="children",
                        to="org.region",
                        verbose_name="part of",
                    ),
                ),
            ],
            options={"verbose_name": "region", "verbose_name_plural": "regions", "ordering": ["code"]},
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "province"), ("parent__isnull", True)),
                    models.Q(models.Q(("kind", "province"), _negated=True), ("parent__isnull", False)),
                    _connector="OR",
                ),
                name="region_parent_by_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_city_level", False), ("kind", "county"), _connector="OR"),
                name="region_city_level_is_county",
            ),
        ),
        migrations.AddConstraint(
            model_name="region",
            constraint=models.UniqueConstraint(fields=("parent", "name"), name="region_unique_name_in_parent"),
        ),
        migrations.AddField(
            model_name="unit",
            name="region",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="units", to="org.region"
            ),
        ),
        migrations.RunPython(place_units, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unit",
            name="region",
            field=models.ForeignKey(
                default=org.models.default_region_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="units",
                to="org.region",
                verbose_name="region",
            ),
        ),
        migrations.AddConstraint(
            model_name="unit",
            constraint=models.UniqueConstraint(fields=("region", "name"), name="unit_unique_name_in_region"),
        ),
    ]
