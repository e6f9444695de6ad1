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


class BlockKind(StrEnum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    QUOTE = "quote"
    BULLETED = "bulleted"
    """One item of a bulleted list; consecutive items form the list."""
    NUMBERED = "numbered"
    PICTURE = "picture"
    """Stands for a picture of the article (`picture_id`); its caption lives on the picture."""


class Genre(StrEnum):
    NEWS = "news"
    FEATURE = "feature"
    REPORT = "report"
    INTERVIEW = "interview"
    PHOTO_STORY = "photo_story"
    INFOGRAPHIC = "infographic"


class Role(StrEnum):
    DRAFTER = "drafter"
    TRANSLATOR = "translator"
    COORDINATOR = "coordinator"
    HEAD_OF_MISSION = "head_of_mission"
    """Clears (approves) articles before they leave the station."""


@dataclass(frozen=True)
class Mark:
    """Inline formatting over `text[start:end]` of a block: the little rich text the portal keeps."""

    start: int
    end: int
    kind: str  # "bold", "italic" or "link"
    href: str = ""


@dataclass
class Block:
    id: str
    text: str
    kind: str = BlockKind.PARAGRAPH
    marks: tuple[Mark, ...] = ()
    picture_id: str | None = None


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
    genre: str = Genre.NEWS
    state: str = ArticleState.DRAFT
    blocks: list[Block] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    embargo: str | None = None
    """UTC timestamp before which the portal must not publish; None when free to publish."""
    notes: str = ""
    """Notes to the portal's editors; never published."""
    created_by: str = ""
    """Profile id of the drafter (or translator) who created it."""
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
        return "\n\n".join(block.text for block in self.blocks if block.kind != BlockKind.PICTURE)

    @property
    def picture_ids(self) -> list[str]:
        return [block.picture_id for block in self.blocks if block.picture_id]


@dataclass
class Picture:
    """A photo of an article: the file is content-addressed media; the texts are per language."""

    id: str
    article_id: str
    media_sha256: str
    rendition_sha256: str
    content_type: str
    width: int
    height: int
    captions: dict[str, str] = field(default_factory=dict)
    alt_texts: dict[str, str] = field(default_factory=dict)
    credits: dict[str, str] = field(default_factory=dict)
    copyright_holder: str = ""
    original_name: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class Profile:
    id: str
    name: str
    roles: frozenset[str]

    def can(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class StateChange:
    article_id: str
    from_state: str
    to_state: str
    profile_id: str
    profile_name: str
    at: str
    comment: str = ""


@dataclass(frozen=True)
class Revision:
    """A snapshot of an article as saved at `version`; autosaves within a few minutes share one."""

    article_id: str
    version: int
    saved_at: str
    profile_id: str
    profile_name: str
    reason: str
    article: Article


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
    genre: str = Genre.NEWS


@dataclass(frozen=True)
class SegmentComment:
    """A reviewer's verdict or a note on one segment; the translator sees them beside it."""

    address: str
    profile_name: str
    at: str
    text: str
    verdict: str = ""  # "accepted", "rejected", or "" for a plain note


@dataclass
class Segment:
    """One sentence of a translation, addressed `<part>#<n>`.

    A part is `headline`, `subheadline`, `lead`, a block id, or `caption:<picture id>` /
    `alt:<picture id>` for a picture's texts.
    """

    address: str
    position: int
    part: str
    source_text: str
    source_hash: str
    target_text: str = ""
    state: str = SegmentState.NEW
    origin: str = ""
    stale_source: str | None = None
    """The source sentence as it was translated, when the source has changed since; None otherwise."""
    updated_by: str = ""
    comments: tuple[SegmentComment, ...] = ()

    @property
    def is_stale(self) -> bool:
        return self.stale_source is not None


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


@dataclass(frozen=True)
class ArticleFilter:
    """What the article list shows; empty fields do not filter. Dates are UTC days, "YYYY-MM-DD"."""

    states: frozenset[str] = frozenset()
    language: str | None = None
    genre: str | None = None
    subject: str | None = None
    updated_from: str | None = None
    updated_to: str | None = None
    translations: bool | None = False
    """False: sources only; True: translations only; None: both."""

    @property
    def is_empty(self) -> bool:
        return not (self.states or self.language or self.genre or self.subject or self.updated_from or self.updated_to)
