"""Staff roles as Django groups, with least privilege.

Each role's permissions are listed here as "app_label.codename". `roles_sync()` runs after every
migrate (see apps.py): it creates the groups and grants exactly these permissions, skipping any that a
not-yet-migrated app has not created. Apps add their own permissions to this table.
"""

from django.contrib.auth.models import Group, Permission

TRIAGE_OFFICER = "Triage officer"
INTELLIGENCE_ANALYST = "Intelligence analyst"
NEIGHBOURHOOD_SUPERVISOR = "Neighbourhood supervisor"
SAFEGUARDING_LEAD = "Safeguarding lead"
CAMPAIGN_EDITOR = "Campaign editor"
CAMPAIGN_APPROVER = "Campaign approver"  # publishes what editors submit (content moderation workflow)
ADMINISTRATOR = "Administrator"

ADMIN_ACCESS = "wagtailadmin.access_admin"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    TRIAGE_OFFICER: {ADMIN_ACCESS},
    INTELLIGENCE_ANALYST: {ADMIN_ACCESS},
    NEIGHBOURHOOD_SUPERVISOR: {
        ADMIN_ACCESS,
        # events: manage events, outcomes and school workshop requests
        "events.add_event",
        "events.change_event",
        "events.delete_event",
        "events.view_event",
        "events.change_workshoprequest",
        "events.view_workshoprequest",
    },
    SAFEGUARDING_LEAD: {ADMIN_ACCESS},
    CAMPAIGN_EDITOR: {
        ADMIN_ACCESS,
        "feedback.view_feedback",
        "events.view_event",
        "events.view_workshoprequest",
        # content: snippets and images (page permissions come from the content workflow migration). Themes,
        # officers and support services go through the same approval as pages (content migration 0011): an
        # editor's change is a draft until a campaign approver publishes it.
        "content.add_theme",
        "content.change_theme",
        "content.view_theme",
        "content.add_officer",
        "content.change_officer",
        "content.view_officer",
        "content.add_supportservice",
        "content.change_supportservice",
        "content.view_supportservice",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "insights.view_campaign_dashboard",
    },
    CAMPAIGN_APPROVER: {
        ADMIN_ACCESS,
        "feedback.view_feedback",
        "content.add_theme",
        "content.change_theme",
        "content.delete_theme",
        "content.view_theme",
        "content.publish_theme",
        "content.lock_theme",
        "content.unlock_theme",
        "content.add_officer",
        "content.change_officer",
        "content.delete_officer",
        "content.view_officer",
        "content.publish_officer",
        "content.lock_officer",
        "content.unlock_officer",
        "content.add_supportservice",
        "content.change_supportservice",
        "content.delete_supportservice",
        "content.view_supportservice",
        "content.publish_supportservice",
        "content.lock_supportservice",
        "content.unlock_supportservice",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "insights.view_campaign_dashboard",
    },
    ADMINISTRATOR: {
        ADMIN_ACCESS,
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_user",
        # Administrators give roles to people (their own included) but never change what a role may do: with
        # add/change group they could give their own role content, publishing or triage access. Only a superuser
        # changes a role (accounts migration 0004 takes these away from existing groups).
        "auth.view_group",
        "feedback.view_feedback",
        "feedback.delete_feedback",
        "core.view_auditevent",
        "core.add_policingarea",
        "core.change_policingarea",
        "core.view_policingarea",
        "core.add_neighbourhood",
        "core.change_neighbourhood",
        "core.view_neighbourhood",
    },
}


# --- triage --- only triage roles open reports; a campaign editor sees none.
_TRIAGE_READ = {"triage.view_queue", "reporting.view_report_content"}
# Force-wide roles see reports from every area; a neighbourhood supervisor sees those routed to the teams
# they are a member of (Neighbourhood.members).
_ALL_AREAS = {"triage.view_all_areas"}
ROLE_PERMISSIONS[TRIAGE_OFFICER] |= _TRIAGE_READ | _ALL_AREAS | {"triage.work_report", "triage.grade_report"}
ROLE_PERMISSIONS[INTELLIGENCE_ANALYST] |= (
    _TRIAGE_READ
    | _ALL_AREAS
    | {
        "triage.grade_report",
        "triage.view_network",
        "triage.export_reports",
    }
)
ROLE_PERMISSIONS[NEIGHBOURHOOD_SUPERVISOR] |= _TRIAGE_READ | {"triage.work_report"}
ROLE_PERMISSIONS[SAFEGUARDING_LEAD] |= (
    _TRIAGE_READ | _ALL_AREAS | {"triage.work_report", "triage.decide_safeguarding"}
)
ROLE_PERMISSIONS[ADMINISTRATOR] |= {"triage.export_audit_log"}

# --- qanda --- campaign editors run sessions and moderate; published answers go through the content
# approval workflow, so only a campaign approver publishes them.
_QANDA_RUN = {
    "qanda.add_qandasession",
    "qanda.change_qandasession",
    "qanda.view_qandasession",
    "qanda.run_qandasession",
    "qanda.view_question",
    "qanda.moderate_question",
    "qanda.add_questiontheme",
    "qanda.change_questiontheme",
    "qanda.view_questiontheme",
    "qanda.view_receivedemail",
    "qanda.change_answersheet",
    "qanda.view_answersheet",
}
ROLE_PERMISSIONS[CAMPAIGN_EDITOR] |= _QANDA_RUN
ROLE_PERMISSIONS[CAMPAIGN_APPROVER] |= _QANDA_RUN | {"qanda.publish_answersheet"}
ROLE_PERMISSIONS[ADMINISTRATOR] |= {
    "qanda.view_qandasession",
    "qanda.view_question",
    "qanda.view_receivedemail",
}


def register(role: str, *permissions: str) -> None:
    """Grant permissions to a role; called by other apps at import time of their roles hooks."""
    ROLE_PERMISSIONS[role].update(permissions)


def roles_sync() -> None:
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    found: dict[str, Permission] = {}
    for perm in Permission.objects.select_related("content_type").filter(
        codename__in={p.split(".", 1)[1] for p in wanted}
    ):
        found[f"{perm.content_type.app_label}.{perm.codename}"] = perm
    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set([found[p] for p in perms if p in found])
