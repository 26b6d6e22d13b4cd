"""消息 that help: each notice has a kind and its matter, resolves itself when the step it
announces is done, and the page filters, searches, pages and marks read one user's notices."""

import importlib
import re

import pytest
from django.db import connection
from django.urls import reverse

from conftest import UserFactory
from longcheng.loop import notifications, services
from longcheng.loop.models import Extension, Matter, Notification
from longcheng.loop.workflow import Rating, Status

pytestmark = pytest.mark.django_db

Kind = Notification.Kind
BADGE = re.compile(r'bi-bell"></i> 消息(?: <span class="badge[^"]*">(\d+)</span>)?')


def badge(client) -> int:
    """The 消息 count in the sidebar, as the user sees it on every page."""
    found = BADGE.search(client.get("/").content.decode())
    assert found, "the sidebar has no 消息 entry"
    return int(found.group(1) or 0)


def unread(user, **filters) -> int:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, resolved_at__isnull=True, **filters
    ).count()


def test_dispatching_resolves_the_dispatchers_notice_and_the_badge_falls(
    login, receive, users, org
):
    first, second = receive(title="南内环街路灯不亮"), receive(title="坞城路井盖破损")
    client = login(users.dispatcher)
    assert badge(client) == 2
    services.matter_dispatch(matter=first, actor=users.dispatcher, lead_unit=org.brigade1)
    assert badge(client) == 1
    page = client.get("/loop/notifications/").content.decode()
    assert "坞城路井盖破损" in page and "南内环街路灯不亮" not in page
    # Under 全部 the settled notice is still listed, marked 已处理.
    everything = client.get("/loop/notifications/?state=all").content.decode()
    assert "南内环街路灯不亮" in everything and "已处理" in everything
    # The unit is told, with the matter named on the notice.
    notice = Notification.objects.get(recipient=users.clerk1)
    assert (notice.kind, notice.matter, notice.url) == (
        Kind.DISPATCHED,
        first,
        first.get_absolute_url(),
    )
    services.matter_dispatch(matter=second, actor=users.dispatcher, lead_unit=org.brigade1)
    assert badge(client) == 0


def test_a_return_waits_for_the_redispatch_and_ends_the_units_notices(dispatched, users, org):
    matter = dispatched()
    assert unread(users.clerk1, kind=Kind.DISPATCHED) == 1
    assert unread(users.committee_clerk, kind=Kind.ASSISTING) == 1
    services.matter_return(matter=matter, actor=users.clerk1, reason="非本单位职责，请改派。")
    assert unread(users.clerk1) == 0 and unread(users.committee_clerk) == 0
    assert unread(users.dispatcher, kind=Kind.RETURNED) == 1
    services.matter_dispatch(
        matter=matter, actor=users.dispatcher, lead_unit=org.brigade2, redispatch=True
    )
    assert unread(users.dispatcher) == 0
    assert unread(users.clerk2, kind=Kind.DISPATCHED) == 1


def test_extension_answer_and_callback_each_settle_their_notices(dispatched, users):
    matter = dispatched()
    # 签收 has no hook yet in services (see test_signing_resolves_the_notice_to_sign).
    services.matter_sign(matter=matter, actor=users.clerk1)
    extension = services.matter_request_extension(
        matter=matter, actor=users.clerk1, days=5, reason="需协调燃气公司停气后施工。"
    )
    assert unread(users.dispatcher, kind=Kind.EXTENSION_REQUESTED) == 1
    services.matter_decide_extension(extension=extension, actor=users.dispatcher, approve=True)
    assert unread(users.dispatcher, kind=Kind.EXTENSION_REQUESTED) == 0
    assert unread(users.clerk1, kind=Kind.EXTENSION_DECIDED) == 1
    assert Extension.objects.get().decision == Extension.Decision.APPROVED

    matter = services.matter_answer(
        matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1, text="已责令工地夜间停工。"
    )
    # Answered: nothing about the matter waits for the unit any more.
    assert unread(users.clerk1) == 0 and unread(users.committee_clerk) == 0
    assert unread(users.dispatcher, kind=Kind.ANSWERED) == 1
    services.matter_rate(
        matter=matter, actor=users.dispatcher, rating=Rating.DISSATISFIED, resolved=False
    )
    assert unread(users.dispatcher) == 0
    assert unread(users.clerk1, kind=Kind.REOPENED) == 1


def test_reminders_resolve_when_the_matter_is_answered(dispatched, users, clock):
    from longcheng.loop import timers
    from tests.fixtures.loop import at

    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    clock.to(at(2023, 11, 20, 9))  # well past the 13 working days
    timers.loop_sweep()
    reminders = unread(users.clerk1, kind=Kind.SUPERVISION)
    assert reminders >= 1
    services.matter_answer(
        matter=Matter.objects.get(pk=matter.pk), actor=users.clerk1, text="已责令工地夜间停工。"
    )
    assert unread(users.clerk1, kind=Kind.SUPERVISION) == 0
    assert (
        Notification.objects.filter(
            recipient=users.clerk1, kind=Kind.SUPERVISION, resolved_at__isnull=False
        ).count()
        == reminders
    )


def test_signing_resolves_the_notice_to_sign(dispatched, users):
    matter = dispatched()
    services.matter_sign(matter=matter, actor=users.clerk1)
    assert unread(users.clerk1, kind=Kind.DISPATCHED) == 0


def test_merging_resolves_the_duplicates_notice_to_dispatch(receive, users):
    master, follower = receive(), receive()
    services.matter_merge(follower=follower, master=master, actor=users.dispatcher)
    assert unread(users.dispatcher) == 1


def test_the_hooks_services_do_not_call_yet_settle_their_steps(dispatched, receive, users):
    """on_signed, on_deadline_moved, on_merged and on_rated, as services will call them."""
    matter = dispatched()
    notifications.on_signed(matter)
    assert unread(users.clerk1) == 0
    notifications.notify([users.clerk1], kind=Kind.SUPERVISION, matter=matter, title="催办")
    notifications.on_deadline_moved(matter)
    assert unread(users.clerk1) == 0
    duplicate = receive()
    notifications.on_merged(duplicate)
    assert unread(users.dispatcher, matter=duplicate) == 0
    Matter.objects.filter(pk=matter.pk).update(status=Status.CLOSED)
    notifications.on_rated(Matter.objects.get(pk=matter.pk))
    assert not Notification.objects.filter(matter=matter, resolved_at__isnull=True).exists()


# — The page —


def _dispatcher_with_three_notices(receive, users, org):
    first = receive(title="南内环街路灯不亮")
    receive(title="坞城路井盖破损")
    services.matter_dispatch(matter=first, actor=users.dispatcher, lead_unit=org.brigade1)
    services.matter_return(matter=first, actor=users.clerk1, reason="路灯属供电公司管理。")
    return first


def test_the_page_shows_each_kind_with_its_count_and_filters_by_kind(login, receive, users, org):
    first = _dispatcher_with_three_notices(receive, users, org)
    client = login(users.dispatcher)
    page = client.get("/loop/notifications/").content.decode()
    assert re.search(r'data-kind="to_dispatch">待派单 <span[^>]*>1</span>', page)
    assert re.search(r'data-kind="returned">退回 <span[^>]*>1</span>', page)
    assert "延期申请" not in page  # no notice of that kind: no tab
    returned = client.get("/loop/notifications/?kind=returned").content.decode()
    assert f"事项被退单：{first.number}" in returned and "坞城路井盖破损" not in returned
    # 全部 counts the settled notice too.
    everything = client.get("/loop/notifications/?state=all").content.decode()
    assert re.search(r'data-kind="to_dispatch">待派单 <span[^>]*>2</span>', everything)


def test_search_finds_by_words_and_by_matter_number(login, receive, users, org):
    first = _dispatcher_with_three_notices(receive, users, org)
    client = login(users.dispatcher)
    page = client.get("/loop/notifications/?state=all&q=井盖").content.decode()
    assert "坞城路井盖破损" in page and "南内环街路灯不亮" not in page
    page = client.get(f"/loop/notifications/?state=all&q={first.number}").content.decode()
    assert "南内环街路灯不亮" in page and "坞城路井盖破损" not in page


def test_mark_all_read_marks_only_the_filtered_notices_of_this_user(login, receive, users, org):
    _dispatcher_with_three_notices(receive, users, org)
    colleague = UserFactory(username="dispatcher2", role="dispatcher", unit=org.hotline)
    receive(title="长风街噪音扰民")  # both dispatchers hear of it
    client = login(users.dispatcher)
    page = client.get("/loop/notifications/?kind=to_dispatch").content.decode()
    assert "将“待派单”类的未读消息全部标为已读？" in page  # the confirmation names the filter
    response = client.post("/loop/notifications/", {"kind": "to_dispatch", "state": "unread"})
    assert response.status_code == 302
    assert unread(users.dispatcher, kind=Kind.TO_DISPATCH) == 0
    assert unread(users.dispatcher, kind=Kind.RETURNED) == 1  # not in the filter
    assert unread(colleague) == 1  # another user's are never touched
    page = client.get(response["Location"]).content.decode()
    assert "已将 2 条消息标为已读。" in page
    assert badge(client) == 1


def test_a_forged_filter_marks_nothing(login, receive, users, org):
    _dispatcher_with_three_notices(receive, users, org)
    client = login(users.dispatcher)
    client.post("/loop/notifications/", {"kind": "everything"})
    assert unread(users.dispatcher) == 2


def test_opening_a_notice_reads_it_and_follows_it_only_for_its_recipient(login, dispatched, users):
    matter = dispatched()
    notice = Notification.objects.get(recipient=users.clerk1)
    open_url = reverse("loop:notification_open", args=[notice.pk])
    page = login(users.clerk1).get("/loop/notifications/").content.decode()
    assert f'href="{open_url}"' in page
    # Somebody else: 404, and the notice stays unread.
    assert login(users.clerk2).get(open_url).status_code == 404
    assert login(users.dispatcher).post("/loop/notifications/").status_code == 302
    notice.refresh_from_db()
    assert notice.read_at is None
    response = login(users.clerk1).get(open_url)
    assert response.status_code == 302 and response["Location"] == matter.get_absolute_url()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_notice_whose_address_leaves_the_site_opens_the_list(login, users):
    notice = Notification.objects.create(
        recipient=users.clerk1, title="外部链接", url="//evil.example.com/x"
    )
    response = login(users.clerk1).get(reverse("loop:notification_open", args=[notice.pk]))
    assert response["Location"] == reverse("loop:notifications")


@pytest.mark.parametrize(
    "query",
    ["page=abc", "page=99999", "page=-1", "page=0", "kind=bogus", "state=x", "q=" + "长" * 300],
)
def test_any_address_gives_a_page(login, users, query):
    Notification.objects.bulk_create(
        Notification(recipient=users.clerk1, title=f"第 {i} 条通知") for i in range(45)
    )
    response = login(users.clerk1).get(f"/loop/notifications/?{query}")
    assert response.status_code == 200
    if query == "page=99999":
        assert "第 3 / 3 页" in response.content.decode()


def test_the_migration_resolves_notices_written_before_kinds(users, receive, org):
    """An upgraded site: the stored notices get their kind and matter back from their title and
    address, and those whose matter shows the step done leave the unread count."""
    migration = importlib.import_module(
        "longcheng.loop.migrations.0012_notification_kinds_resolved"
    )
    done, waiting = receive(), receive()
    services.matter_dispatch(matter=done, actor=users.dispatcher, lead_unit=org.brigade1)
    Notification.objects.all().delete()
    for matter in (done, waiting):
        Notification.objects.create(
            recipient=users.dispatcher,
            title=f"新事项待派单：{matter.title}",
            url=f"/loop/matters/{matter.pk}/",
        )
    Notification.objects.create(recipient=users.dispatcher, title="2024 年节假日安排", url="/loop/")

    class Editor:
        def __init__(self):
            self.connection = connection

        def execute(self, sql):
            with connection.cursor() as cursor:
                cursor.execute(sql)

    from django.apps import apps

    migration.classify_and_resolve(apps, Editor())
    classified = Notification.objects.filter(kind=Kind.TO_DISPATCH, matter__in=[done, waiting])
    assert classified.count() == 2
    assert unread(users.dispatcher, kind=Kind.TO_DISPATCH) == 1
    assert unread(users.dispatcher, matter=waiting) == 1
    assert unread(users.dispatcher, kind=Kind.SYSTEM) == 1  # no matter: left as it was
