"""Users' phones typed before they were checked: the mobiles among them in E.164.

Anything else stays as it was (nothing is thrown away); the profile and the user form
ask for a mobile the next time someone changes it.
"""

from django.db import migrations


def mobiles_in_e164(apps, schema_editor):
    import phonenumbers

    mobile = (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )
    User = apps.get_model("accounts", "User")
    for user in User.objects.exclude(phone="").only("pk", "phone").iterator():
        try:
            number = phonenumbers.parse(user.phone, "BR")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in mobile:
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 != user.phone:
                User.objects.filter(pk=user.pk).update(phone=e164)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_unit_and_phone_labels")]

    operations = [migrations.RunPython(mobiles_in_e164, migrations.RunPython.noop, elidable=True)]
