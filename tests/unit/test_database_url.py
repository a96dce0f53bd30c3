import pytest

from events.errors import InvalidRequestError
from events.persistence import database_from_url


def test_the_default_is_an_embedded_sqlite_file() -> None:
    database = database_from_url("sqlite:///./stepdown.db")
    assert database.env["SQLITE_DBNAME"] == "./stepdown.db"
    assert not database.is_postgres


def test_a_postgres_url_names_host_port_user_database_and_schema() -> None:
    database = database_from_url("postgresql://postgres@127.0.0.1:5432/test?schema=site_a")
    assert database.is_postgres
    assert database.env["POSTGRES_HOST"] == "127.0.0.1"
    assert database.env["POSTGRES_PORT"] == "5432"
    assert database.env["POSTGRES_USER"] == "postgres"
    assert database.env["POSTGRES_DBNAME"] == "test"
    assert database.env["POSTGRES_SCHEMA"] == "site_a"


def test_an_unknown_scheme_is_refused_by_name() -> None:
    with pytest.raises(InvalidRequestError, match="STEPDOWN_DATABASE_URL: 'mysql://x/y'"):
        database_from_url("mysql://x/y")
