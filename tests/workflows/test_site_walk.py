"""`manage.py site_walk` (the walk scripts/check_upgrade.sh runs after migrating the previous
version's demo data): it follows links from the pages without parameters and fails on a server
error or an exception, naming the person and the URL. A test-local urlconf (this module) stands in
for the site; the real site is walked by scripts/check_upgrade.sh."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpResponse, HttpResponseServerError
from django.urls import path

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def home(request):
    links = ['<a href="/things/1/">one</a>', '<a href="letter.pdf">letter</a>']
    if request.user.username == "unlucky":
        links += ['<a href="/things/13/">thirteen</a>', '<a href="/broken/1/">broken</a>']
    return HttpResponse("".join(links))


def thing(request, number):
    if number == 13:
        raise RuntimeError("thirteen is unlucky")
    return HttpResponse(f'<a href="/things/{number + 1}/">next</a>')


def broken(request, number):
    return HttpResponseServerError("no")


def letter(request):
    return HttpResponse(b"%PDF-1.7 a letter", content_type="application/pdf")


urlpatterns = [
    path("", home),
    path("things/<int:number>/", thing, name="thing"),
    path("broken/<int:number>/", broken, name="broken"),
    path("letter.pdf", letter, name="letter"),
]


def walk(*usernames, per_route=3):
    for username in usernames:
        get_user_model().objects.get_or_create(username=username)
    args = [arg for username in usernames for arg in ("--user", username)]
    call_command("site_walk", *args, "--per-route", str(per_route))


def test_the_walk_passes_when_every_page_it_reaches_answers(capsys):
    walk("lucky", per_route=3)
    out = capsys.readouterr().out
    # the home page, the letter, and /things/1/ .. /things/3/ followed link by link (3 per route)
    assert "lucky                5 pages" in out
    assert "1 PDFs" in out
    assert "Site walk passed" in out


def test_the_walk_fails_on_an_exception_and_a_server_error_naming_who_and_where(capsys):
    with pytest.raises(CommandError, match="2 problem"):
        walk("lucky", "unlucky", per_route=3)
    err = capsys.readouterr().err
    assert "FAIL unlucky GET /things/13/ (linked from /): RuntimeError: thirteen is unlucky" in err
    assert "FAIL unlucky GET /broken/1/ (linked from /): 500" in err
    assert "FAIL lucky" not in err


def test_the_walk_refuses_a_user_who_is_not_there():
    with pytest.raises(CommandError, match="No active user called: ghost"):
        call_command("site_walk", "--user", "ghost")
