from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "beacon.core"
    label = "core"

    def ready(self):
        # Wagtail 8 enqueues its own housekeeping through the django-tasks backport, which reads the same
        # TASKS setting as Django's built-in tasks. Beacon's TASKS name a Django 6 backend, so Wagtail's
        # backport runs its (short) tasks in-process, as it does by default.
        import django_tasks

        django_tasks.task_backends.settings = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
