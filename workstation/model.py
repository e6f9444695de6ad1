"""Plain records shared by every layer. No behaviour that needs the store, the network or Qt."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

LANGUAGES: dict[str, str] = {
    "vi": "Tiếng Việt",
    "en": "English",
    "zh": "中文",
    "ko": "한국어",
    "ja": "日本語",
}


class ArticleState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PACKAGED = "packaged"
    SENT = "sent"
    ACCEPTED = "accepted"
    RETURNED = "returned"


class SegmentState(StrEnum):
    NEW = "new"
    DRAFT = "draft"
    TRANSLATED = "translated"
    REVIEWED = "reviewed"
    FINAL = "final"


class DeliveryState(StrEnum):
    """Where a package stands; `open` means nothing sealed yet."""

    OPEN = "open"
    QUEUED = "queued"
    UPLOADING = "uploading"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RETURNED = "returned"


@dataclass
class Block:
    id: str
    text: str
    kind: str = "paragraph"


@dataclass
class Article:
    id: str
    station_id: str
    language: str
    headline: str = ""
    subheadline: str = ""
    lead: str = ""
    byline: str = ""
    dateline: str = ""
    genre: str = "news"
    state: str = ArticleState.DRAFT
    blocks: list[Block] = field(default_factory=list)
    created_at: str = ""
    updated_at: str = ""
    version: int = 1
    translated_from: str | None = None
    translation_id: str | None = None
    direction: str | None = None

    @property
    def is_translation(self) -> bool:
        return self.translated_from is not None

    @property
    def body_text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class ArticleSummary:
    id: str
    language: str
    headline: str
    state: str
    updated_at: str
    translated_from: str | None
    version: int
    source_language: str | None = None
    source_headline: str | None = None


@dataclass
class Segment:
    """One sentence of a translation, addressed `<part>#<n>` (a part is `headline`, `lead` or a block id)."""

    address: str
    position: int
    part: str
    source_text: str
    source_hash: str
    target_text: str = ""
    state: str = SegmentState.NEW
    origin: str = ""


@dataclass
class Package:
    id: str
    name: str
    article_ids: list[str]
    station_id: str = ""
    destination: str = "portal"
    note: str = ""
    version: int = 1
    created_at: str = ""
    updated_at: str = ""


@dataclass
class OutboxEntry:
    package_id: str
    package_version: int
    file_name: str
    sha256: str
    size: int
    sealed_at: str
    state: str = DeliveryState.QUEUED
    upload_url: str | None = None
    acknowledged_offset: int = 0
    attempts: int = 0
    last_error: str = ""
    receipt: str | None = None

    @property
    def bundle_identity(self) -> str:
        return f"{self.package_id}/v{self.package_version}"


@dataclass(frozen=True)
class Changes:
    """What a service call changed, so each view refreshes only what it shows."""

    articles: bool = False
    translations: bool = False
    packages: bool = False
    outbox: bool = False
    enrolment: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            articles=self.articles or other.articles,
            translations=self.translations or other.translations,
            packages=self.packages or other.packages,
            outbox=self.outbox or other.outbox,
            enrolment=self.enrolment or other.enrolment,
        )
