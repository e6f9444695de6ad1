"""`workstation screenshots OUT_DIR`: each main view, with sample content, rendered offscreen to PNG."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from workstation.app import Services
    from workstation.model import Article, OutboxEntry
    from workstation.ui.main_window import MainWindow


def render_screenshots(out_dir: Path) -> list[Path]:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from workstation.app import open_services
    from workstation.ui.application import make_application
    from workstation.ui.main_window import MainWindow
    from workstation.ui.package_samples import load_package_samples
    from workstation.ui.sample_content import load_sample_content

    app = make_application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="workstation-screens-") as folder:
        services = open_services(Path(folder) / "workspace.db")
        try:
            package = load_sample_content(services)
            package_samples = load_package_samples(services, package.article_ids[0])  # seals a complete package
            window = MainWindow(services)
            window.resize(1280, 760)
            window.show()
            first_article = services.editorial.get(package.article_ids[0])
            window.articles.select(first_article.id)
            english = next(t for t in services.translations.translations_of(first_article.id) if t.language == "en")
            chinese = next(t for t in services.translations.translations_of(first_article.id) if t.language == "zh")
            shots = [
                ("articles", lambda: window.show_section("Articles")),
                ("editor-picture", lambda: _scroll_to_picture(window)),
                ("revision-diff", lambda: _show_history(window)),
                ("search", lambda: _search(window, "van hoa viet nam")),
                ("search-cjk", lambda: _search(window, "文化")),
                ("translation-vi-en", lambda: window.show_translation(english.id)),
                ("translation-vi-zh", lambda: window.show_translation(chinese.id)),
                ("translation-en-vi-stale", lambda: _show_stale_translation(window)),
                ("packages", lambda: window.show_section("Packages")),
                ("package-builder", lambda: _show_package_builder(window, package_samples.incomplete.id)),
                ("package-versions", lambda: _show_package_versions(window, package_samples.sealed.id)),
                ("sync", lambda: window.show_section("Sync")),
                ("translation-assist", lambda: _show_translation_assist(window, english.id)),
                ("translation-qa", lambda: _show_translation_qa(window)),
                ("glossary-memory", lambda: _show_glossary_memory(window)),
            ]
            spelling_demo = services.editorial.create_article(
                "vi",
                "Kiểm tra chính tả khi gõ",
                lead="Các lỗi thường gặp: nghành công nghiệp, quyêt định, ngiên cứu.",
                paragraphs=["Cách bỏ dấu hoá và hóa, thuỷ và thủy đều đúng; TTĐN, video và Covid-19 không bị báo lỗi."],
            )
            shots.append(("spelling-vi", lambda: _show_article(window, spelling_demo.id)))
            sync_scenes = _SyncScenes(window)  # a real portal on 127.0.0.1 behind a slow link
            shots += [("sync-uploading", sync_scenes.uploading), ("sync-rejected", sync_scenes.rejected)]
            for name, show in shots:
                show()
                _settle(app)
                path = out_dir / f"{name}.png"
                window.grab().save(str(path))
                written.append(path)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            services.close()
    return written


def _scroll_to_picture(window: MainWindow) -> None:
    editor = window.articles.editor
    editor.tabs.setCurrentIndex(0)
    editor.body.verticalScrollBar().setValue(editor.body.verticalScrollBar().maximum() // 3)


def _show_history(window: MainWindow) -> None:
    editor = window.articles.editor
    editor.tabs.setCurrentIndex(3)
    editor.history_panel.select_revisions(1)


def _search(window: MainWindow, query: str) -> None:
    window.articles.editor.tabs.setCurrentIndex(0)
    window.articles.list.search.setText(query)
    window.articles.list.run_search()


def _show_article(window: MainWindow, article_id: str) -> None:
    window.show_section("Articles")
    window.articles.list.search.clear()
    window.articles.list.run_search()
    window.articles.model.reload()
    window.articles.select(article_id)


def _show_stale_translation(window: MainWindow) -> None:
    """An English article translated into Vietnamese, its stale segment selected (the source diff shows)."""
    from workstation.ui.sample_content import load_stale_translation_sample

    translation = load_stale_translation_sample(window.services)
    window.show_translation(translation.id)
    editor = window.translations.editor
    stale = next(row for row in range(editor.model.rowCount()) if editor.model.segment(row).is_stale)
    editor.go_to_row(stale, edit=False)


def _show_translation_assist(window: MainWindow, translation_id: str) -> None:
    """vi → en with a glossary and memory: the fuzzy matches of a sentence with a bold phrase, its
    glossary terms highlighted in the source, QA markers on the rows with issues."""
    from PySide6.QtWidgets import QSplitter

    from workstation.ui.sample_content import load_translation_assist_sample

    address = load_translation_assist_sample(window.services, translation_id)
    window.resize(1560, 900)  # room for the table and the side panes side by side
    window.show_translation(translation_id)
    view = window.translations
    view.findChild(QSplitter).setSizes([260, 1110])
    editor = view.editor
    editor.reload()
    editor.side.setCurrentWidget(editor.assist.matches)
    editor.findChild(QSplitter).setSizes([640, 470])
    row = editor.model.row_of(address)
    assert row is not None
    editor.go_to_row(row, edit=False)
    assist = editor.assist
    assist.matches.search.setText("quan hệ ngoại giao")
    assist.matches.search.returnPressed.emit()
    _wait_for(
        lambda: (
            assist.matches.shown is not None
            and assist.issues_for == translation_id
            and bool(assist.matches.results.toPlainText())
        )
    )


def _show_translation_qa(window: MainWindow) -> None:
    """The same translation with the QA tab: the planted number error first, warnings, one acknowledged."""
    editor = window.translations.editor
    editor.side.setCurrentWidget(editor.assist.qa)
    if editor.assist.qa.list.count():
        editor.assist.qa.list.setCurrentRow(0)
        editor.assist.jump_to(editor.assist.qa.issues[0].address)


def _show_glossary_memory(window: MainWindow) -> None:
    window.resize(1280, 760)
    window.show_section("Glossary & Memory")
    view = window.glossary
    view.glossary.source_language.setCurrentIndex(view.glossary.source_language.findData("vi"))
    view.glossary.target_language.setCurrentIndex(view.glossary.target_language.findData("en"))
    view.memory.search.setText("quan hệ ngoại giao")
    operation = view.memory.run_search()
    _wait_for(lambda: operation is None or not operation.running)


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)


def _settle(app: QApplication, seconds: float = 0.6) -> None:
    """Let background work (spell checks) report back before the picture is taken."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)


class _SyncScenes:
    """The Sync view against a real portal process on 127.0.0.1: a bundle mid-way through an upload
    over a slow link, then a bundle the portal rejects (signed with a key it does not know, claiming
    another station) beside one it accepts."""

    CHUNK = 16 * 1024
    SECONDS_PER_CHUNK = 0.3

    def __init__(self, window: MainWindow) -> None:
        self._window = window
        self._folder = Path(tempfile.mkdtemp(prefix="workstation-screens-portal-"))
        self._portal: subprocess.Popen[str] | None = None
        self._url = ""

    def uploading(self) -> None:
        import httpx

        from workstation.clock import utc_now
        from workstation.sync.client import PortalClient
        from workstation.sync.service import SyncService

        services = self._window.services
        self._start_portal()
        pause = self.SECONDS_PER_CHUNK

        class SlowLink(httpx.HTTPTransport):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                if request.method == "PATCH":
                    time.sleep(pause)
                return super().handle_request(request)

        def client(url: str, token: str | None) -> PortalClient:
            return PortalClient(url, token, chunk_size=self.CHUNK, transport=SlowLink())

        services.__dict__["sync"] = SyncService(services.store, services.identity, client, utc_now, services.bus)
        services.sync.enrol(self._url, self._portal_command("enrol-code"))
        entry = _seal_sample_bundle(services, "Tin tuần 45 — Busan")
        self._window.resize(1280, 760)
        self._window.show_section("Sync")
        view = self._window.sync
        view.reload()
        view.sync()

        def halfway() -> bool:
            current = next(e for e in services.packaging.outbox() if e.package_id == entry.package_id)
            return current.acknowledged_offset >= entry.size * 0.45 and "/s" in view.progress_strip.detail.text()

        _wait_for(halfway, seconds=60)
        view.reload()
        view.outbox.selectRow(view.row_for(entry.package_id) or 0)

    def rejected(self) -> None:
        view = self._window.sync
        view.runner.cancel()
        _wait_for(lambda: not view.runner.running, seconds=30)
        forged = _seal_forged_bundle(self._window.services, "Tin tuần 46 — Jeju")
        operation = view.sync()
        _wait_for(lambda: operation is None or not operation.running, seconds=60)
        view.reload()
        view.outbox.clearSelection()  # the rows' colours show; the pane shows the newest, the rejected one
        assert view.row_for(forged.package_id) == 0
        self._stop_portal()

    def _start_portal(self) -> None:
        import selectors

        command = [sys.executable, "-m", "portal.cli", "--data", str(self._folder / "data"), "--port", "0"]
        self._portal = subprocess.Popen(
            [*command, "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        atexit.register(self._stop_portal)
        assert self._portal.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._portal.stdout, selectors.EVENT_READ)
            if selector.select(30):
                line = self._portal.stdout.readline().strip()
                self._url = line.removeprefix("portal listening on ")
        if not self._url.startswith("http://"):
            raise RuntimeError("the portal for the Sync screenshots did not start")

    def _portal_command(self, *arguments: str) -> str:
        command = [sys.executable, "-m", "portal.cli", "--data", str(self._folder / "data"), *arguments]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()

    def _stop_portal(self) -> None:
        if self._portal is not None and self._portal.poll() is None:
            self._portal.terminate()
            self._portal.wait(10)
            if self._portal.stdout is not None:
                self._portal.stdout.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _cleared_article(services: Services, headline: str) -> Article:
    article = services.editorial.create_article(
        "vi",
        headline,
        lead="Ngày 5/11, hội chợ ẩm thực Việt Nam thu hút hơn 2.000 khách tham quan.",
        paragraphs=[
            "Các gian hàng giới thiệu phở, bánh mì, gỏi cuốn và cà phê sữa đá, cùng nhiều đặc sản vùng miền.",
            "Đại diện Đại sứ quán cho biết sự kiện góp phần quảng bá văn hoá và du lịch Việt Nam tại Hàn Quốc.",
            "Nhiều doanh nghiệp Hàn Quốc bày tỏ mong muốn hợp tác nhập khẩu nông sản và thực phẩm chế biến.",
            "Hội chợ kéo dài ba ngày, với các buổi biểu diễn áo dài, nhã nhạc và lớp học nấu ăn cho thiếu nhi.",
        ]
        * 3,
        byline="Minh Anh",
        dateline="Busan",
    )
    services.editorial.add_picture(
        article.id,
        _photo_bytes(),
        name="hoi-cho.jpg",
        captions={"vi": "Khách tham quan gian hàng cà phê Việt Nam"},
        alt_texts={"vi": "Đông người trước quầy cà phê"},
        credits={"vi": "Ảnh: Đại sứ quán"},
        position=1,
    )
    for state in ("in_review", "approved"):
        article = services.editorial.set_state(article.id, state)
    return article


def _photo_bytes() -> bytes:
    """A photo-like JPEG (noise compresses as badly as a real photo), so the bundle takes a while to send."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((900, 600), 60).convert("RGB").save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _seal_sample_bundle(services: Services, name: str) -> OutboxEntry:
    article = _cleared_article(services, "Hội chợ ẩm thực Việt Nam tại Busan")
    package = services.packaging.create(name, [article.id])
    return services.packaging.seal(package.id).entry


def _seal_forged_bundle(services: Services, name: str) -> OutboxEntry:
    """A bundle the portal must refuse: signed with a throwaway key and naming another station."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workstation.clock import timestamp
    from workstation.ids import new_id
    from workstation.model import OutboxEntry
    from workstation.packaging.bundle import BundleIdentity, BundleItem, seal_bundle
    from workstation.packaging.ninjs import to_ninjs
    from workstation.storage.packages import OutboxRepository

    article = _cleared_article(services, "Lễ hội văn hoá Việt Nam tại đảo Jeju")
    package = services.packaging.create(name, [article.id])
    claimed_station = new_id()
    identity = BundleIdentity(package.id, 1)
    sealed = seal_bundle(
        services.store.outbox_folder / f"{identity.folder}.zip",
        identity,
        {"id": package.id, "version": 1, "name": name, "station_id": claimed_station, "items": []},
        [BundleItem(article.id, "vi", to_ninjs(article, claimed_station, services.identity.name))],
        [],
        station_id=claimed_station,
        organisation=services.identity.name,
        private_key=Ed25519PrivateKey.generate(),
    )
    now = timestamp(services.clock())
    entry = OutboxEntry(package.id, 1, f"{identity.folder}.zip", sealed.sha256, sealed.size, sealed_at=now)
    OutboxRepository(services.store).add(entry, now)
    return entry


def _show_package_builder(window: MainWindow, package_id: str) -> None:
    """The builder of a package that fails rules: the failures listed, errors first, the first one selected."""
    window.resize(1280, 860)
    window.show_section("Packages")
    view = window.packages
    view.reload()
    view.select(package_id)
    operation = view.check_now()
    _wait_for(lambda: view.failures is not None and (operation is None or not operation.running))
    view.tabs.setCurrentWidget(view.failures_panel)
    rows = view.failures_panel.failure_rows()
    if rows:
        view.failures_panel.tree.setCurrentItem(rows[0])


def _show_package_versions(window: MainWindow, package_id: str) -> None:
    """A complete package sealed twice: its versions, sizes, delivery states and what changed."""
    view = window.packages
    view.select(package_id)
    _wait_for(lambda: view.failures is not None and view.check_operation is None)
    view.tabs.setCurrentWidget(view.versions_panel)
