from django.db import migrations, models


def account_of_every_take(apps, schema_editor):
    """Every existing take counts against its campaign's budget, as before: its account is its
    shot's campaign (read once here, through the foreign key the take keeps)."""
    Render = apps.get_model("generation", "Render")
    campaigns = (
        Render.objects.filter(budget_account__isnull=True)
        .values_list("shot__campaign_id", flat=True)
        .distinct()
    )
    for campaign_id in list(campaigns):
        Render.objects.filter(budget_account__isnull=True, shot__campaign_id=campaign_id).update(
            budget_account=campaign_id
        )


class Migration(migrations.Migration):
    dependencies = [
        ("generation", "0014_clean_text"),
        ("studio", "0015_withdrawn_decisions"),
    ]

    operations = [
        migrations.AddField(
            model_name="render",
            name="budget_account",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True),
        ),
        migrations.RunPython(account_of_every_take, migrations.RunPython.noop),
    ]
