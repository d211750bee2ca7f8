from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"

    def ready(self):
        from . import lookups

        lookups.register()  # an id too large for SQLite matches nothing instead of raising OverflowError

        from .mail import wagtail_notifications_guard

        wagtail_notifications_guard()  # a failed staff notification is logged, never a 500 (beacon.core.mail)

        # Wagtail 8 enqueues its own housekeeping through the django-tasks backport, which reads the same
        # TASKS setting as Django's built-in tasks. Beacon's TASKS name a Django 6 backend, so Wagtail's
        # backport runs its (short) tasks in-process, as it does by default.
        # (Replacing configure_settings, not just the settings, keeps this true when TASKS changes later,
        # as it does in tests: the backport rebuilds its settings on every setting_changed for TASKS.)
        import django_tasks

        def wagtail_tasks_settings(settings=None):
            return {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

        django_tasks.task_backends.configure_settings = wagtail_tasks_settings
        django_tasks.task_backends.settings = wagtail_tasks_settings()
