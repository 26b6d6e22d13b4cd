"""Where a `next` parameter may send the browser: only back into this site.

Every view that honours `next` (sign-in steps, forms' cancel links, actions that return to the
page they came from) asks `safe_next`; a foreign host, a scheme other than the site's, or a
`javascript:` link falls back to the view's own default (issue 23, item 9).
"""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "/") -> str:
    """The `next` of the form, else of the query, when it points into this site; else default."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site: a bare word ("x") would be taken for a view name by `redirect`.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
