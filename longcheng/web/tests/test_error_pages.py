"""Refusals and missing pages answer in the platform's own page, in plain Chinese, with the
menu still there; a server failure answers without touching the database."""

from django.test import RequestFactory
from django.views.defaults import server_error


def test_a_forbidden_page_says_so_in_chinese_with_the_menu(login, users):
    response = login(users.dispatcher).get("/routing/models/")  # system administrators only
    assert response.status_code == 403
    page = response.content.decode()
    assert "没有权限" in page and "系统管理员" in page
    assert "事项办理" in page  # the dispatcher's menu is still there
    assert "403 Forbidden" not in page


def test_a_missing_page_says_so_in_chinese(login, users):
    response = login(users.clerk1).get("/loop/matters/999999/")
    assert response.status_code == 404
    assert "找不到页面" in response.content.decode()


def test_the_english_interface_gets_english_error_pages(login, users):
    client = login(users.clerk1)
    client.cookies["django_language"] = "en"
    response = client.get("/routing/models/")
    assert response.status_code == 403
    assert "No permission" in response.content.decode()


def test_a_server_failure_page_needs_no_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错" in page and "The server failed" in page


def test_a_citizen_with_a_dead_qr_code_is_told_what_to_do(client, db):  # the form reads 应急模式
    response = client.get("/a/p/no-such-token/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "这个二维码无法识别" in page and "12345" in page
    assert 'href="/a/"' in page  # the general form, without the point's place
    assert "返回工作台" not in page  # citizens have no workbench
