"""Shared fixtures: a real store in a temporary folder, services built on it, Qt offscreen."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.qt import close_window

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.fixture(autouse=True)
def _isolated_user_data(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # CI has no OS keyring; every test uses the encrypted-file fallback so none touches a real one,
    # and a command run without --store opens a default store under a temporary data home.
    monkeypatch.setenv("WORKSTATION_SECRETS", "file")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data-home")))


@pytest.fixture(autouse=True)
def _garbage_collected_on_ui_thread(request: pytest.FixtureRequest) -> None:
    # As in the app (see workstation/ui/garbage.py): a collection on a worker thread may destroy Qt
    # objects of the UI thread.
    if "qtbot" in request.fixturenames:
        from workstation.ui.garbage import collect_on_ui_thread

        collect_on_ui_thread(request.getfixturevalue("qapp"))


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "workspace" / "workspace.db"


@pytest.fixture
def services(store_path: Path) -> Iterator:
    from workstation.app import open_services

    opened = open_services(store_path)
    yield opened
    opened.close()


@pytest.fixture
def sample_article(services):
    return services.editorial.create_article(
        "vi",
        "Đà Nẵng quảng bá du lịch tại Hàn Quốc",
        lead="Ngày 12/10/2023, thành phố Đà Nẵng tổ chức hội nghị xúc tiến du lịch. Hơn 200 doanh nghiệp tham dự.",
        paragraphs=["Đoàn công tác gặp gỡ các hãng lữ hành lớn.", "Sự kiện kéo dài ba ngày."],
        byline="Minh Anh",
        dateline="Seoul",
    )


@pytest.fixture
def open_window(qtbot):
    """Open a MainWindow on a store path; every window and store opened is closed at teardown."""
    from workstation.app import open_services
    from workstation.ui.main_window import MainWindow

    opened: list = []

    def opener(store_path: Path) -> MainWindow:
        services = open_services(store_path)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, services))
        return window

    yield opener
    for window, services in opened:
        with contextlib.suppress(RuntimeError):  # already closed and deleted by the test
            close_window(window, services)


@pytest.fixture
def window(open_window, store_path: Path):
    return open_window(store_path)


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory):
    """One real portal process per test module; each test enrols its own stations."""
    from tests.support.portal_process import running_portal

    with running_portal(tmp_path_factory.mktemp("portal") / "data") as process:
        yield process


@pytest.fixture
def new_station(tmp_path: Path):
    """Makes real stations (store, identity, key) in the test's folder; closes their stores after."""
    from tests.support.stations import make_station

    stations = []

    def make(name: str = "station"):
        station = make_station(tmp_path / name)
        stations.append(station)
        return station

    yield make
    for station in stations:
        station.store.close()
