import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


def rows_for_every_campaign(apps, schema_editor):
    """Every campaign gets its row (never computed: the first spend page computes it), so that
    every change from now on raises its version."""
    Campaign = apps.get_model("studio", "Campaign")
    CampaignSpend = apps.get_model("studio", "CampaignSpend")
    CampaignSpend.objects.bulk_create(
        [CampaignSpend(campaign_id=pk) for pk in Campaign.objects.values_list("pk", flat=True)],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("studio", "0012_range_and_drawing_comments"),
    ]

    operations = [
        migrations.CreateModel(
            name="CampaignSpend",
            fields=[
                (
                    "campaign",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="spend_figures",
                        serialize=False,
                        to="studio.campaign",
                    ),
                ),
                ("version", models.PositiveBigIntegerField(default=1)),
                ("seen", models.PositiveBigIntegerField(default=0)),
                (
                    "figures",
                    models.JSONField(
                        default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder
                    ),
                ),
            ],
        ),
        migrations.RunPython(rows_for_every_campaign, migrations.RunPython.noop),
    ]
