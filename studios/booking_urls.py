"""Appointments residents ask for on a studio's public page, and checking one with its code."""

urlpatterns: list = []
