"""The public directory of studios (/studios/) and each studio's page."""

urlpatterns: list = []
