"""Two stations and one portal, in the real GUI: each enrols in its Sync view, seals a package, loses
its connection part-way through the upload, syncs again and sees its package accepted exactly once.
The portal's editors return one station's article with comments (`workstation-portal decide`): that
station's article editor shows them beside the text; the other station's shows nothing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt

from tests.support.portal_process import enrol_code, portal_command, running_portal
from tests.support.qt import close_window
from tests.support.stations import complete_article
from workstation.clock import utc_now
from workstation.model import DeliveryState
from workstation.sync.client import PortalClient
from workstation.sync.service import SyncService
from workstation.ui.sync_view import STATE_COLUMN

pytestmark = pytest.mark.e2e

CHUNK = 1024


class CutOnce(httpx.HTTPTransport):
    """The link drops once, on the second chunk, after the portal got it and before its answer arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.patches = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "PATCH":
            self.patches += 1
            if self.patches == 2:
                response.close()
                raise httpx.ReadError("connection reset by the hotel Wi-Fi", request=request)
        return response


@pytest.fixture
def station_windows(qtbot, tmp_path: Path):
    """Opens the app on a new station's store, its uploads going through a link that drops once."""
    from workstation.app import open_services
    from workstation.ui.main_window import MainWindow

    opened = []

    def open_station(name: str) -> MainWindow:
        services = open_services(tmp_path / name / "workspace.db")
        link = CutOnce()

        def client(url: str, token: str | None) -> PortalClient:
            return PortalClient(url, token, chunk_size=CHUNK, timeout=10.0, transport=link)

        services.__dict__["sync"] = SyncService(services.store, services.identity, client, utc_now, services.bus)
        window = MainWindow(services)
        qtbot.addWidget(window)
        window.show()
        opened.append((window, services))
        return window

    yield open_station
    for window, services in opened:
        close_window(window, services)


def enrol_in_the_gui(qtbot, window, portal) -> None:
    window.show_section("Sync")
    view = window.sync
    view.portal_url.setText(portal.url)
    view.code.setText(enrol_code(portal.data_dir))
    qtbot.mouseClick(view.enrol_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.services.sync.is_enrolled, timeout=15_000)


def press_sync_now(qtbot, window) -> str:
    """Click Sync now, wait for the pass to end, return what the view says about it."""
    view = window.sync
    with qtbot.waitCallback(timeout=30_000) as ended:
        view.runner.succeeded.connect(ended)
        view.runner.failed.connect(ended)
        qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
    view.runner.succeeded.disconnect(ended)
    view.runner.failed.disconnect(ended)
    qtbot.waitUntil(lambda: view.sync_button.isEnabled())
    return view.message.text()


def state_cells(window) -> list[str]:
    view = window.sync
    return [view.outbox.item(row, STATE_COLUMN).text() for row in range(view.outbox.rowCount())]


def portal_operator(portal, *arguments: str) -> str:
    completed = subprocess.run(portal_command(portal.data_dir, *arguments), capture_output=True, text=True)
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


def test_two_stations_deliver_through_cut_links_and_only_the_returned_one_shows_the_comments(
    qtbot, station_windows, tmp_path: Path
) -> None:
    with running_portal(tmp_path / "portal") as portal:
        seoul = station_windows("seoul")
        busan = station_windows("busan")
        sealed = {}
        for window, headline in ((seoul, "Đại sứ quán gặp mặt cộng đồng tại Seoul"),
                                 (busan, "Đại sứ quán gặp mặt cộng đồng tại Busan")):  # fmt: skip
            enrol_in_the_gui(qtbot, window, portal)
            article, _picture = complete_article(window.services, headline=headline, languages=("en",))
            package = window.services.packaging.create("Bản tin tuần", [article.id])
            sealed[window] = (article, window.services.packaging.seal(package.id).entry)

        for window in (seoul, busan):
            _article, entry = sealed[window]
            # The link drops during the upload: the pass stops, and says nothing was lost.
            said = press_sync_now(qtbot, window)
            assert said.startswith("Sync stopped: ") and "Nothing in the outbox was lost." in said
            cut = window.services.sync.outbox()[0]
            assert cut.state == DeliveryState.UPLOADING and 0 < cut.acknowledged_offset < entry.size
            assert state_cells(window)[0].endswith("· resumes at the next sync")
            # Again: it resumes where the portal stands and the portal accepts the bundle.
            assert press_sync_now(qtbot, window) == "1 bundle: 1 accepted."
            qtbot.waitUntil(lambda window=window: state_cells(window) == ["accepted"])

        bundles = json.loads(portal_operator(portal, "bundles", "--json"))
        stored = sorted((bundle["package_id"], bundle["version"]) for bundle in bundles)
        assert stored == sorted((entry.package_id, 1) for _article, entry in sealed.values())  # each exactly once

        seoul_article, seoul_entry = sealed[seoul]
        busan_article, busan_entry = sealed[busan]
        portal_operator(
            portal, "decide", f"{seoul_entry.package_id}/v1", "--returned", "--item", seoul_article.id,
            "--language", "vi", "--comment", "Tít quá dài, hãy rút gọn", "--editor", "Lan",
        )  # fmt: skip
        portal_operator(portal, "decide", f"{busan_entry.package_id}/v1", "--published", "--editor", "Lan")
        for window in (seoul, busan):
            assert press_sync_now(qtbot, window) == "Nothing to send."

    assert state_cells(seoul) == ["returned with comments"]
    assert state_cells(busan) == ["published"]
    for window, article in ((seoul, seoul_article), (busan, busan_article)):
        window.show_section("Articles")
        window.articles.select(article.id)
    seoul_editor, busan_editor = seoul.articles.editor, busan.articles.editor
    assert not seoul_editor.returned_banner.isHidden()
    assert "Tít quá dài, hãy rút gọn" in seoul_editor.returned_banner.comments.text()
    assert not seoul_editor.headline.isReadOnly()  # returned: open for the correction
    assert seoul.services.editorial.get(seoul_article.id).state == "returned"
    assert busan_editor.returned_banner.isHidden()
    assert busan.services.sync.feedback_for(seoul_article.id) == []
