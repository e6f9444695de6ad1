"""portal.toml's `[limits]` and database settings, read with readable refusals."""

from __future__ import annotations

import pytest

from portal.config import PortalLimits, PortalSettings
from portal.errors import PortalSetupError
from portal.store import open_portal_store


def _settings(tmp_path, text: str) -> PortalSettings:
    (tmp_path / "portal.toml").write_text(text, "utf-8")
    return PortalSettings.load(tmp_path, environ={})


def test_limits_default_to_generous_values(tmp_path):
    assert PortalSettings.load(tmp_path, environ={}).limits == PortalLimits()
    assert PortalLimits().station_quota >= 10 * PortalLimits().max_upload_size


def test_limits_are_read_from_portal_toml(tmp_path):
    limits = _settings(tmp_path, "[limits]\nstation_quota = 1000\nmax_upload_size = 500\n").limits
    assert (limits.station_quota, limits.max_upload_size) == (1000, 500)
    assert limits.upload_lifetime == PortalLimits().upload_lifetime


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[limits]\nstation_quota = 0\n", "station_quota must be a positive whole number"),
        ('[limits]\nstation_quota = "1 GB"\n', "station_quota must be a positive whole number"),
        ("[limits]\nquota = 5\n", "[limits] has no setting 'quota'"),
        ("[limits\n", "cannot read the settings file"),
    ],
)
def test_bad_limits_stop_the_portal_naming_the_file_and_key(tmp_path, text, message):
    with pytest.raises(PortalSetupError, match=r"portal\.toml") as raised:
        _settings(tmp_path, text)
    assert message in str(raised.value)


def test_a_database_url_that_is_not_postgresql_is_refused_without_its_password(tmp_path):
    with pytest.raises(PortalSetupError) as raised:
        open_portal_store(tmp_path / "portal.db", "mysql://user:hunter2@host/db")
    assert "hunter2" not in str(raised.value) and "postgresql://" in str(raised.value)


def test_an_unreachable_postgresql_is_refused_without_its_password(tmp_path):
    with pytest.raises(PortalSetupError, match="cannot use the portal database") as raised:
        open_portal_store(tmp_path / "portal.db", "postgresql://user:hunter2@127.0.0.1:1/db")
    assert "hunter2" not in str(raised.value)
