"""Officers on night patrols, on phones: the patrol page is kept for use with no signal, a
finding records when it was seen (发现时间) and the notice prints it, photo evidence shows as
thumbnails on the case page."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from longcheng.enforcement import services
from longcheng.enforcement.models import Finding
from longcheng.inspections.field import FIELD_USER_HEADER
from tests.fixtures.loop import at


@pytest.fixture
def patrol(officers, records):
    return services.patrol_record(
        actor=officers.a,
        shift="night",
        started_at=at(2023, 9, 24, 21),
        ended_at=None,
        officers=[officers.b],
        sites=[records.site1],
    )


def pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    return "".join(page.extract_text() for page in pages).replace("\x00", "")


def record(officers, patrol, records, **extra):
    return services.finding_record(
        actor=officers.a,
        patrol=patrol,
        site=records.site1,
        enterprise=records.enterprise,
        description="夜间施工未办理许可，裸土未覆盖",
        outcome="order",
        deadline=datetime.date(2023, 9, 28),
        **extra,
    )


def test_a_finding_keeps_when_it_was_seen_and_the_notice_prints_it(patrol, officers, records, body):
    finding = record(officers, patrol, records, found_at=at(2023, 9, 24, 23, 40))
    assert finding.found_at == at(2023, 9, 24, 23, 40)  # typed the next morning at 09:00
    notice = finding.documents.get()
    assert "2023年09月24日23时40分" in pdf_text(notice.file.read())


def test_a_finding_without_a_time_was_seen_now(patrol, officers, records, body):
    assert record(officers, patrol, records).found_at == at(2023, 9, 25, 9)


@pytest.mark.parametrize(
    ("found_at", "message"),
    [(at(2023, 9, 25, 9, 30), "晚于现在"), (at(2023, 9, 24, 20, 0), "早于巡查开始时间")],
)
def test_a_seen_time_in_the_future_or_before_the_patrol_is_refused(
    patrol, officers, records, body, found_at, message
):
    with pytest.raises(services.CaseRefused, match=message):
        record(officers, patrol, records, found_at=found_at)
    assert not Finding.objects.exists()


def test_the_patrol_page_takes_the_seen_time_and_refuses_it_in_plain_words(
    login, patrol, officers, records, body
):
    client = login(officers.a)
    page = client.get(patrol.get_absolute_url())
    assert page[FIELD_USER_HEADER]  # the phone may keep it for use with no signal
    body_text = page.content.decode()
    assert 'type="datetime-local"' in body_text and "2023-09-25T09:00" in body_text
    form = {
        "site": records.site1.pk,
        "description": "夜间施工未办理许可",
        "outcome": "noted",
        "found_at": "2023-09-24T22:15",
    }
    client.post(patrol.get_absolute_url(), form)
    assert Finding.objects.get().found_at == at(2023, 9, 24, 22, 15)
    refused = client.post(patrol.get_absolute_url(), {**form, "found_at": "2023-09-26T10:00"})
    assert "晚于现在" in refused.content.decode()
    garbled = client.post(patrol.get_absolute_url(), {**form, "found_at": "昨晚"})
    assert garbled.status_code == 200 and "发现时间格式有误" in garbled.content.decode()
    assert Finding.objects.count() == 1


def test_the_phone_keeps_only_the_officers_own_patrols(login, patrol, officers):
    url = reverse("enforcement:patrols_offline")
    kept = login(officers.a).get(url).json()
    assert kept["pages"] == [patrol.get_absolute_url()]
    assert login(officers.c).get(url).json()["pages"] == []


def _jpeg(size=(800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("scene.jpg", out.getvalue(), content_type="image/jpeg")


def test_photo_evidence_shows_as_a_thumbnail_on_the_case_page(login, filed, officers, users):
    evidence = services.evidence_record(
        actor=officers.a,
        case=filed,
        kind="photo",
        description="渣土车未苫盖",
        officers=[officers.b],
        upload=_jpeg(),
    )
    html = login(officers.a).get(filed.get_absolute_url()).content.decode()
    thumb_url = reverse("enforcement:evidence_thumb", args=[evidence.pk])
    assert f'src="{thumb_url}"' in html and "渣土车未苫盖" in html
    response = login(officers.a).get(thumb_url)
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.size == (320, 240)
    assert login(users.committee_clerk).get(thumb_url).status_code == 404


def test_the_notice_that_cites_a_photo_shows_its_thumbnail(investigated, officers):
    from pypdf import PdfReader

    services.evidence_record(
        actor=officers.a,
        case=investigated,
        kind="photo",
        description="渣土车未苫盖驶出工地",
        officers=[officers.b],
        upload=_jpeg(),
    )
    case = services.case_notify(
        actor=officers.a, case=investigated, circumstance="ordinary", fine=Decimal(15000)
    )
    document = case.documents.get(kind="notice")
    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    images = [image for page in reader.pages for image in page.images]
    text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    assert len(images) == 1 and "渣土车未苫盖驶出工地" in text


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({"latitude": "37.857014", "longitude": "112.549248", "accuracy": "12.4"}, True),
        ({"latitude": "91", "longitude": "112.5", "accuracy": "5"}, False),  # no such place
        ({"latitude": "NaN", "longitude": "1e999", "accuracy": "x"}, False),
        ({}, False),  # the phone refused or has no position
    ],
)
def test_a_photo_of_evidence_keeps_where_it_was_taken(sent, kept, login, filed, officers):
    client = login(officers.a)
    response = client.post(
        reverse("enforcement:case_step", args=[filed.pk, "evidence"]),
        {
            "kind": "photo",
            "description": "渣土车未苫盖驶出工地",
            "officers": [officers.b.pk],
            "file": _jpeg(),
            **sent,
        },
    )
    assert response.status_code == 302
    evidence = filed.evidence.get()
    assert evidence.file and evidence.located is kept
    if kept:
        assert (str(evidence.latitude), evidence.accuracy) == ("37.857014", 12)
    page = client.get(filed.get_absolute_url()).content.decode()
    assert ("37.85701, 112.54925" if kept else "未获取位置") in page
