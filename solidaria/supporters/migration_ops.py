"""Migration operations for apps that link their rows to supporters."""

from __future__ import annotations

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import OuterRef, Subquery


def link_existing(
    app_label: str, model_name: str, *, link: str, index: str
) -> migrations.RunPython:
    """Links rows stored before their app linked actions to supporters: each row whose
    address index (`index`) is a known supporter's gets that supporter in `link`.
    One UPDATE; nobody new is created. Reversed, nothing to undo (the column goes)."""

    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        model = apps.get_model(app_label, model_name)
        supporter = apps.get_model("supporters", "Supporter")
        known = supporter.objects.filter(email_index=OuterRef(index)).values("pk")[:1]
        model.objects.filter(**{f"{link}__isnull": True}).exclude(**{index: ""}).update(
            **{link: Subquery(known)}
        )

    return migrations.RunPython(run, migrations.RunPython.noop)
