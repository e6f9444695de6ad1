"""Real workstations for tests: a store, an identity, and small sealed bundles in the outbox.

Used by tests/sync and tests/portal (stations are the portal's clients). Needs
WORKSTATION_SECRETS=file in the environment so no OS keyring is touched. For tests that seal through
the packaging service, whose completeness rules refuse drafts: `complete_article` makes an article
that passes them, `clear_for_sealing` makes an existing one pass them.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.support.images import padded_png, png_bytes
from workstation.clock import timestamp, utc_now
from workstation.ids import new_id
from workstation.model import Article, ArticleState, Block, OutboxEntry, Package, Picture, SegmentState
from workstation.packaging.bundle import BundleIdentity, BundleItem, BundleMedia, seal_bundle
from workstation.packaging.ninjs import media_facts, to_ninjs
from workstation.station.identity import StationIdentity, load_or_create_identity
from workstation.storage.packages import OutboxRepository, PackageRepository
from workstation.storage.store import Store, open_store
from workstation.sync.client import PortalClient
from workstation.sync.service import PORTAL_TOKEN, SyncService
from workstation.user_files import file_sha256

if TYPE_CHECKING:
    from workstation.app import Services

PICTURE_BYTES = 12 * 1024  # incompressible, so a bundle spans several small chunks


@dataclass
class Station:
    folder: Path
    store: Store
    identity: StationIdentity

    @property
    def station_id(self) -> str:
        return self.identity.station_id

    @property
    def outbox(self) -> OutboxRepository:
        return OutboxRepository(self.store)

    def service(self, chunk_size: int = 4096) -> SyncService:
        return SyncService(
            self.store,
            self.identity,
            lambda url, token: PortalClient(url, token, chunk_size=chunk_size, timeout=10.0),
            utc_now,
        )

    def client(self, portal_url: str, chunk_size: int = 4096) -> PortalClient:
        return PortalClient(portal_url, self.identity.secrets.get(PORTAL_TOKEN), chunk_size=chunk_size, timeout=10.0)

    def bearer(self) -> dict[str, str]:
        """The Authorization header this station sends once enrolled."""
        return {"Authorization": f"Bearer {self.identity.secrets.get(PORTAL_TOKEN)}"}

    def enrol(self, portal_url: str, code: str) -> None:
        self.service().enrol(portal_url, code)

    def seal(
        self,
        version: int = 1,
        package_id: str | None = None,
        signing_key: Ed25519PrivateKey | None = None,
        claimed_station_id: str | None = None,
        headline: str = "Hội nghị hợp tác văn hóa Việt Nam – Hàn Quốc",
    ) -> OutboxEntry:
        """Seal a one-article bundle with one picture and queue it in the outbox.

        `signing_key` and `claimed_station_id` forge bundles: signed with another key, or claiming
        another station in bag-info.txt.
        """
        package_id = package_id or new_id()
        now = timestamp(utc_now())
        station_id = claimed_station_id or self.station_id
        if self.store.query_one("SELECT id FROM packages WHERE id = ?", (package_id,)) is None:
            PackageRepository(self.store).insert(
                Package(id=package_id, name="Bản tin", article_ids=[], station_id=self.station_id,
                        created_at=now, updated_at=now)
            )  # fmt: skip
        article = Article(
            id=new_id(),
            station_id=station_id,
            language="vi",
            headline=headline,
            blocks=[Block(id=new_id(), text="Sáng nay, hai bên đã ký biên bản ghi nhớ về trao đổi nghệ thuật.")],
            created_at=now,
            updated_at=now,
        )
        picture_file = self.folder / f"picture-{new_id()}.png"
        picture_file.write_bytes(padded_png(PICTURE_BYTES))
        facts = media_facts(picture_file)
        picture = Picture(
            id=new_id(), article_id=article.id, media_sha256=facts.sha256, rendition_sha256=facts.sha256,
            content_type=facts.content_type, width=facts.width, height=facts.height,
            captions={"vi": "Lễ ký kết"}, alt_texts={"vi": "Hai đại diện bắt tay"}, credits={"vi": "Đại sứ quán"},
        )  # fmt: skip
        identity = BundleIdentity(package_id, version)
        file_name = f"{identity.folder}.zip"
        items = [{"id": article.id, "language": "vi"}]
        sealed = seal_bundle(
            self.store.outbox_folder / file_name,
            identity,
            {"id": package_id, "version": version, "name": "Bản tin", "station_id": station_id, "items": items},
            [BundleItem(article.id, "vi", to_ninjs(article, station_id, "Đại sứ quán", [(picture, facts)]))],
            [BundleMedia.of(facts, picture_file)],
            station_id=station_id,
            organisation="Đại sứ quán",
            private_key=signing_key or self.identity.private_key(),
        )
        entry = OutboxEntry(package_id, version, file_name, sealed.sha256, sealed.size, sealed_at=now)
        self.outbox.add(entry, now)
        return entry

    def bundle_path(self, entry: OutboxEntry) -> Path:
        return self.store.outbox_folder / entry.file_name

    def tamper(self, entry: OutboxEntry) -> OutboxEntry:
        """Alter the package manifest inside the sealed zip after signing, as a forger would, and
        re-declare the altered file's sha256 so the portal judges its content."""
        path = self.bundle_path(entry)
        with zipfile.ZipFile(path) as original:
            contents = [(info, original.read(info)) for info in original.infolist()]
        with zipfile.ZipFile(path, "w") as altered:
            for info, data in contents:
                if info.filename.endswith("data/package.json"):
                    data = data.replace(b"B\xe1\xba\xa3n tin", b"Forged")
                altered.writestr(info, data)
        sha256, size = file_sha256(path)
        with self.store.transaction() as connection:
            connection.execute(
                "UPDATE outbox SET sha256 = ?, size = ? WHERE package_id = ? AND package_version = ?",
                (sha256, size, entry.package_id, entry.package_version),
            )
        tampered = self.outbox.get(entry.package_id, entry.package_version)
        assert tampered is not None
        return tampered


def make_station(folder: Path) -> Station:
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store(folder / "w.db")
    return Station(folder=folder, store=store, identity=load_or_create_identity(store))


def clear_for_sealing(services: Services, source_id: str, picture_languages: tuple[str, ...] = ()) -> Article:
    """Make a source article and its translations complete as they stand: the source cleared (through
    review, as the acting profile, who must hold the drafter and head-of-mission roles), every translation
    final (each segment must have a target, and QA must find no error), and every picture text present in
    every language of the article and in `picture_languages` (the package's other languages; missing
    ones filled with a placeholder). Returns the cleared source."""
    source = services.editorial.get(source_id)
    if source.state == ArticleState.DRAFT:
        services.editorial.set_state(source_id, ArticleState.IN_REVIEW)
    if services.editorial.get(source_id).state == ArticleState.IN_REVIEW:
        services.editorial.set_state(source_id, ArticleState.APPROVED)
    translations = services.translations.translations_of(source_id)
    for translation in translations:
        problems = services.translations.set_state(translation.id, SegmentState.FINAL)
        assert problems == [], f"translation {translation.language} cannot be final: {problems}"
    languages = [source.language, *(translation.language for translation in translations), *picture_languages]
    for picture in services.pictures.pictures_of(source_id):
        missing = {
            kind: {language: f"{kind} ({language})" for language in languages if not texts.get(language)}
            for kind, texts in (("captions", picture.captions), ("alt_texts", picture.alt_texts),
                                ("credits", picture.credits))
        }  # fmt: skip
        if any(missing.values()):
            services.pictures.update_texts(picture.id, **missing)
    return services.editorial.get(source_id)


# Translations with no number, date or name QA could object to (the "200" is carried over).
ENGLISH = {
    "Đại sứ quán gặp mặt cộng đồng": "The Embassy meets the community",
    "Đại sứ quán tổ chức buổi gặp mặt cộng đồng người Việt.": "The Embassy held a community gathering.",
    "Nhiều gia đình đã tham dự.": "Many families attended.",
    "Hơn 200 doanh nghiệp tham dự.": "More than 200 companies attended.",
    "Buổi gặp mặt": "The gathering",
    "Mọi người trong hội trường": "People in the hall",
}


def complete_article(
    services: Services,
    headline: str = "Đại sứ quán gặp mặt cộng đồng",
    languages: tuple[str, ...] = ("en",),
    picture: bytes | None = None,
    picture_name: str = "gap-mat.png",
) -> tuple[Article, Picture]:
    """A cleared article with a picture (a small PNG unless `picture` bytes are given) and final
    translations into `languages`: complete in every language it has. Returns it and its picture."""
    article = services.editorial.create_article(
        "vi",
        headline,
        lead="Đại sứ quán tổ chức buổi gặp mặt cộng đồng người Việt.",
        paragraphs=["Nhiều gia đình đã tham dự.", "Hơn 200 doanh nghiệp tham dự."],
    )
    added = services.editorial.add_picture(
        article.id,
        picture or png_bytes(),
        name=picture_name,
        captions={"vi": "Buổi gặp mặt"},
        alt_texts={"vi": "Mọi người trong hội trường"},
        credits={"vi": "Ảnh: Đại sứ quán", **{language: "Photo: Embassy" for language in languages}},
        position=1,
    )
    services.editorial.set_state(article.id, ArticleState.IN_REVIEW)
    services.editorial.set_state(article.id, ArticleState.APPROVED)
    for language in languages:
        translation = services.translations.create(article.id, language)
        for segment in services.translations.segments(translation.id):
            target = ENGLISH.get(segment.source_text, segment.source_text)  # a same-as-source warning at most
            services.translations.save_segment(translation.id, segment.address, target, SegmentState.TRANSLATED)
        assert services.translations.set_state(translation.id, SegmentState.FINAL) == []
    return services.editorial.get(article.id), services.pictures.get(added.id)
