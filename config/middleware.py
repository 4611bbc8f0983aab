"""Middleware of the whole site: the request id, and the security headers that Django's own
SecurityMiddleware and django-csp do not set."""

import re
import uuid

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils.cache import patch_cache_control

from .logs import request_id_var

# What a proxy may hand us: letters, digits and a few separators, not too long. Anything else
# (a log-injection attempt, a megabyte of header) is replaced by an id of our own.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
REQUEST_ID_HEADER = "X-Request-ID"


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request carries its id, and the response
    tells it to the caller."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Left set until the response is finished (request_finished below), so that the lines
        # Django writes after the middleware, such as "Not Found: /x", carry it too.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


@receiver(request_finished)
def _forget_request_id(**kwargs):
    request_id_var.set("-")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private, no-store` on every page
    that carries a per-visitor token (CSRF) or belongs to a session (a logged-in user's data),
    so that neither a shared proxy nor the browser's back button keeps it.

    Placed after CsrfViewMiddleware and AuthenticationMiddleware: it sees the response before
    CsrfViewMiddleware clears its note that the token was used.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        session = getattr(request, "session", None)
        personal = request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or (
            session is not None and session.accessed and session.session_key
        )
        if personal:
            patch_cache_control(response, private=True, no_store=True)
            # A page kept by a cache under another visitor's name would be worse than none.
            response.headers.pop("Expires", None)
        return response


class CachedPolicyCSPMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once instead of on every response.

    The policy is the same for every page (no nonces: scripts and styles come from 'self'), but
    django-csp rebuilds the header from the settings twice a response (the policy and the
    report-only one), about a fifth of the public form's time. A response or request that asks
    for something else (a view decorated with csp_update / csp_replace, a nonce) goes through
    django-csp unchanged.
    """

    _built: tuple = (None, None, "")

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(
                getattr(response, name, None) is not None
                for name in ("_csp_config", "_csp_update", "_csp_replace")
            )
            or getattr(response, "_csp_exempt", False)
            or (response.status_code in (500, 404) and settings.DEBUG)
        ):
            return super().process_response(request, response)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        source, prefixes, header = self._built
        if source is not policy:
            # Built again when the setting is replaced (override_settings in tests).
            header = build_policy()
            prefixes = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            type(self)._built = (policy, prefixes, header)
        if header and HEADER not in response and not request.path_info.startswith(prefixes):
            response[HEADER] = header
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
