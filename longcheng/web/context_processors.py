from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from longcheng.accounts.roles import EXTERNAL_ROLES
from longcheng.accounts.scoping import reads_business_records

from .home import nav_items


def navigation(request):
    """The sidebar a user sees depends on the role: nobody is shown a door they may not open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    if hasattr(user, "is_verified") and not user.is_verified():
        return {"nav": []}  # signing in is not finished: no doors yet
    items = [(_("工作台"), reverse("web:home"), "house", 0)]
    # Every member of staff and every judge has the page (it says so when a post has no
    # queue): asking the apps for their queues here would cost queries on every page.
    if reads_business_records(user) or user.role in EXTERNAL_ROLES:
        items.append((_("我的待办"), reverse("web:todo"), "list-check", 0))
    items += [(i.label, i.url, i.icon, i.badge) for i in nav_items(user)]
    path = request.path
    nav = []
    for label, url, icon, badge in items:
        active = path == url if url == reverse("web:home") else path.startswith(url)
        nav.append({"label": label, "url": url, "icon": icon, "active": active, "badge": badge})
    # The header's search box finds matters (loop.search) for those who read them.
    search_url = reverse("loop:inbox") if reads_business_records(user) else ""
    return {"nav": nav, "matter_search_url": search_url}
