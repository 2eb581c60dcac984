from django.db import migrations

from clientela.activities.defaults import seed_default_types


def seed_types(apps, schema_editor):
    seed_default_types(apps.get_model("activities", "ActivityType"), schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]
    operations = [migrations.RunPython(seed_types, migrations.RunPython.noop)]
