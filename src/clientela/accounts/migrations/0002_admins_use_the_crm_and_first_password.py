from django.db import migrations, models


def admins_have_crm_access(apps, schema_editor):
    # Administrators always have access to the CRM now; make the stored flag say so.
    User = apps.get_model("accounts", "User")
    User.objects.filter(role="admin", crm_access=False).update(crm_access=True)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="must_change_password",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(admins_have_crm_access, migrations.RunPython.noop),
    ]
