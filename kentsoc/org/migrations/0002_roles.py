from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; create those that exist by now so
    # the groups hold them from here on. The other apps' permissions (their apps sit above org
    # in the layers, so this migration cannot wait for them) join the groups at the end of the
    # same `migrate`, when sync_roles_after_migrate runs.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from kentsoc.org.roles import sync_roles

    sync_roles(apps)


def remove_role_groups(apps, schema_editor):
    from kentsoc.org.roles import ROLE_PERMISSIONS, group_name

    apps.get_model("auth", "Group").objects.filter(
        name__in=[group_name(r) for r in ROLE_PERMISSIONS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
