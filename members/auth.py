from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .phones import normalize_mobile


class MobileOrUsernameBackend(ModelBackend):
    """Members log in with their mobile phone number; staff with their username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        try:
            mobile = normalize_mobile(username)
        except ValidationError:
            mobile = None
        if mobile:
            user = get_user_model()._default_manager.filter(member__mobile=mobile).first()
            if user and user.check_password(password) and self.user_can_authenticate(user):
                return user
        return super().authenticate(request, username=username, password=password, **kwargs)
