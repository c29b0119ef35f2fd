"""Staff see and change only their own organisations' data.

A model admin names the path from its model to the owning Organisation in
`organisation_lookup` (empty for Organisation itself). Roles decide what is
allowed: viewers read, organisers edit, owners also delete and manage staff.
Superusers see everything.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from solidaria.core.admin import AuditedModelAdmin

from .models import Membership, Organisation
from .selectors import EDIT_ROLES, organisations_for_user

_ModelT = TypeVar("_ModelT", bound=models.Model)


def organisation_ids(request: HttpRequest, roles: tuple[str, ...] | None = None) -> frozenset[int]:
    """The staff member's organisations (with one of `roles`), looked up once per
    request: the console's menu asks every admin for its permissions, which asked
    the database some sixty times per page."""
    memo: dict[tuple[str, ...] | None, frozenset[int]] = request.__dict__.setdefault(
        "_organisation_ids", {}
    )
    if roles not in memo:
        memo[roles] = frozenset(
            organisations_for_user(request.user, roles=roles).values_list("pk", flat=True)
        )
    return memo[roles]


class OrganisationScopedAdmin(AuditedModelAdmin[_ModelT]):
    organisation_lookup = "organisation"
    # Foreign keys whose choices are limited to the staff member's organisations:
    # field name → the path from the chosen model to its Organisation.
    scoped_foreign_keys: ClassVar[dict[str, str]] = {}

    def organisation_of(self, obj: models.Model) -> Organisation | None:
        if not self.organisation_lookup:
            return obj if isinstance(obj, Organisation) else None
        target: object = obj
        for part in self.organisation_lookup.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
        return target if isinstance(target, Organisation) else None

    def _allowed(
        self, request: HttpRequest, obj: models.Model | None, roles: tuple[str, ...] | None
    ) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        allowed = organisation_ids(request, roles)
        if obj is None:
            return bool(allowed)
        organisation = self.organisation_of(obj)
        return organisation is not None and organisation.pk in allowed

    def get_queryset(self, request: HttpRequest) -> QuerySet[_ModelT]:
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        lookup = f"{self.organisation_lookup}__in" if self.organisation_lookup else "pk__in"
        return queryset.filter(**{lookup: organisations_for_user(user)}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, None, None)

    def has_view_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return self._allowed(request, obj, None)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return self._allowed(request, None, EDIT_ROLES)

    def has_change_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return self._allowed(request, obj, EDIT_ROLES)

    def has_delete_permission(self, request: HttpRequest, obj: _ModelT | None = None) -> bool:
        return self._allowed(request, obj, (Membership.Role.OWNER,))

    def object_for(
        self, request: HttpRequest, pk: int, *, change: bool = False, related: str = ""
    ) -> _ModelT:
        """The object a custom admin view is about: 404 outside the staff member's
        organisations, 403 without the role to see it (or, with `change`, to change it)."""
        queryset = self.get_queryset(request)
        if related:
            queryset = queryset.select_related(related)
        obj = get_object_or_404(queryset, pk=pk)
        allowed = (
            self.has_change_permission(request, obj)
            if change
            else self.has_view_permission(request, obj)
        )
        if not allowed:
            raise PermissionDenied
        return obj

    def formfield_for_foreignkey(
        # Any: Django's signature (a foreign key to any model; form field options).
        self,
        db_field: ForeignKey[Any, Any],
        request: HttpRequest,
        **kwargs: Any,
    ) -> ModelChoiceField[Any] | None:
        # Staff can only file things under organisations they act for: an
        # organisation itself, or a row named in `scoped_foreign_keys`.
        lookup = self.scoped_foreign_keys.get(db_field.name)
        if db_field.related_model is Organisation:
            kwargs["queryset"] = organisations_for_user(request.user, roles=EDIT_ROLES)
        elif lookup is not None:
            kwargs["queryset"] = db_field.related_model._default_manager.filter(
                **{f"{lookup}__in": organisations_for_user(request.user, roles=EDIT_ROLES)}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
