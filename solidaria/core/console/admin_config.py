from django.contrib.admin.apps import AdminConfig


class SolidariaAdminConfig(AdminConfig):
    """The Django admin, with our site class (second factor, enrolment page)."""

    default_site = "solidaria.core.console.admin_site.SolidariaAdminSite"
