"""Records that carry the committee's work are left, not deleted.

Resident issues are closed, opinion reports declined or closed, proposals closed, members marked
as having left: those are the ways out, and each keeps its timeline. Deleting is kept for a
superuser putting right a mistake, one record at a time from its change page, never from a
list selection where one wrong tick takes a hundred records with it.
"""


class NoBulkDeleteAdminMixin:
    """List it first among an admin's bases: `class MemberAdmin(NoBulkDeleteAdminMixin, ...)`.

    It decides deletion on its own (superusers only, whatever the role's permissions or a
    read-only mixin further down say).
    """

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
