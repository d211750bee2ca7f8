"""Insights keeps no campaign figures of its own: the dashboard reads other apps' selectors.

`CampaignDashboard` has no table; it only carries the permission that lets staff see the dashboard. A later
police.uk street-level crime import will add its own models here.
"""

from django.db import models


class CampaignDashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_campaign_dashboard", "Can view the campaign dashboard")]

    def __str__(self) -> str:
        return "campaign dashboard"
