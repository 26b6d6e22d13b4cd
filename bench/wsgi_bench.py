"""The platform's WSGI app plus one bare endpoint, /bench/bare, that only inserts a row (on POST) —
the floor against which bench_appeals.py compares a full public submission."""

from django.db import connection

from config.wsgi import application as platform


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/bare":
        if environ.get("REQUEST_METHOD") == "POST":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_bare (at) VALUES (now())")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    return platform(environ, start_response)
