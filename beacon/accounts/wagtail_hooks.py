"""What accounts adds to the Wagtail admin."""

from wagtail import hooks

from .user_admin import StaffAssignRoleBulkAction, StaffSetActiveStateBulkAction

# In place of Wagtail's own actions of the same type (the registry keeps the last one registered; order=1 puts
# these after wagtail.users' hooks): roles only within what the person may give, and an audit row per change.
hooks.register("register_bulk_action", StaffAssignRoleBulkAction, order=1)
hooks.register("register_bulk_action", StaffSetActiveStateBulkAction, order=1)
