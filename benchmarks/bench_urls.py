"""The portal's URLs and, under /bare-admin/, plain ModelAdmins of the same tables: the
reference the portal's admin changelists are measured against. Benchmarks only."""

from django.contrib import admin
from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns
from members.models import Member
from opinions.models import OpinionReport
from residents.models import ResidentIssue

bare_site = admin.AdminSite(name="bare")
for model in (Member, OpinionReport, ResidentIssue):
    bare_site.register(model)

urlpatterns = [path("bare-admin/", bare_site.urls), *portal_urlpatterns]
