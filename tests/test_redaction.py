"""Passwords are hidden in every form a location can take, and in the driver's messages that quote it."""

from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sytrack.store import is_server_location, shown_location
from sytrack.store.redaction import redact, secrets_in

passwords = st.text(min_size=1, max_size=30).filter(lambda pw: "\x00" not in pw)
# What a driver's message may quote unencoded: no blank or quote ends the word it sits in.
plain_passwords = st.text(
    st.characters(blacklist_categories=["Z", "C"], blacklist_characters="\"'@/:"), min_size=1, max_size=20
)


def conninfo_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


@given(passwords)
@settings(max_examples=300)
def test_a_percent_encoded_password_in_the_user_part_is_hidden(pw):
    url = f"postgresql://ana:{quote(pw, safe='')}@db.example:5432/team?sslmode=require"
    assert redact(url) == "postgresql://ana:***@db.example:5432/team?sslmode=require"


@given(passwords, st.sampled_from(["password", "PASSWORD", "pass%77ord", "%70assword"]))
@settings(max_examples=300)
def test_a_password_in_the_query_is_hidden_and_the_other_parameters_kept(pw, key):
    url = f"postgresql://ana@db.example/team?sslmode=require&{key}={quote(pw, safe='')}&application_name=x"
    assert redact(url) == f"postgresql://ana@db.example/team?sslmode=require&{key}=***&application_name=x"


@given(passwords, st.sampled_from(["password=", "password = ", "PASSWORD="]))
@settings(max_examples=300)
def test_a_quoted_password_in_a_connection_string_is_hidden(pw, key):
    conninfo = f"host=db.example {key}{conninfo_quoted(pw)} dbname=team"
    assert redact(conninfo) == f"host=db.example {key}*** dbname=team"


@given(plain_passwords)
@settings(max_examples=300)
def test_an_unquoted_password_in_a_connection_string_is_hidden(pw):
    assert redact(f"host=db password={pw} dbname=team") == "host=db password=*** dbname=team"


@given(plain_passwords)
@settings(max_examples=300)
def test_a_driver_message_quoting_the_location_hides_the_password(pw):
    message = f'end of string reached when looking for matching "]" in URI: "postgresql://ana:{pw}@[::1/team"'
    assert (
        redact(message)
        == 'end of string reached when looking for matching "]" in URI: "postgresql://ana:***@[::1/team"'
    )
    message = f'invalid connection option "bogus" in "host=db password={pw} bogus=1"'
    assert redact(message) == 'invalid connection option "bogus" in "host=db password=*** bogus=1"'


@given(passwords.filter(lambda pw: len(pw) >= 3 and "*" not in pw))
@settings(max_examples=300)
def test_the_secrets_of_a_location_hide_its_password_wherever_a_message_repeats_it(pw):
    for location in (
        f"postgresql://ana:{quote(pw, safe='')}@db/team",
        f"postgresql://ana@db/team?password={quote(pw, safe='')}",
        f"host=db password={conninfo_quoted(pw)}",
    ):
        assert pw not in redact(f"server said: {pw} is wrong", secrets_in(location))


def test_a_location_without_a_password_is_printed_as_it_is():
    for location in (
        "postgresql://ana@db.example:5432/team?options=-csearch_path%3Dx",
        "host=db dbname=team",
        "/home/ana/plan/indicators.db",
    ):
        assert shown_location(location) == location


@pytest.mark.parametrize(
    ("location", "is_server"),
    [
        ("postgresql://db/team", True),
        ("postgres://db/team", True),
        ("host=db dbname=team", True),
        (" dbname = team password=x", True),
        ("indicators.db", False),
        ("./host=db", False),
        ("a=b.db", False),
    ],
)
def test_what_names_a_server(location, is_server):
    assert is_server_location(location) is is_server
