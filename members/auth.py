"""Login by mobile phone number (members) or username (staff), with the same work either way.

A login form must not tell an attacker which mobile numbers belong to members. The time a wrong
password takes is such a tell when the work differs: this backend finds at most one user with
one query and then hashes the password exactly once, whether the number or name is known or not
(Django's ModelBackend does the same for unknown users by hashing against a throwaway user).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import F, Q

from .access import login_name


class MobileOrUsernameBackend(ModelBackend):
    """Members log in with their mobile phone number; staff with their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        name = login_name(username)
        users = get_user_model()._default_manager
        # A member's mobile comes first: a staff username that happens to look like a number
        # never hides the member whose phone it is.
        user = (
            users.filter(Q(member__mobile=name) | Q(username=name))
            .order_by(F("member__mobile").asc(nulls_last=True))
            .first()
        )
        if user is None:
            # The one hash an unknown login costs, so that it costs what a known one does.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        # Every member page reads the member behind the login (`request.user.member`): loaded
        # with the user, in the query each request makes anyway, rather than in a second one.
        try:
            user = get_user_model()._default_manager.select_related("member").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
