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
    """Where a package (its latest sealed bundle) stands; `open` means nothing sealed yet.

    queued → uploading (some bytes acknowledged) → verifying (every byte acknowledged, no trusted
    receipt yet) → accepted | rejected. `returned` is a package whose accepted bundle has items the
    portal's editors sent back.
    """

    OPEN = "open"
    QUEUED = "queued"
    UPLOADING = "uploading"
    VERIFYING = "verifying"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    RETURNED = "returned"


class DeliveryRoute(StrEnum):
    """How the portal's verdict on a bundle reached the station."""

    UPLOAD = "upload"
    FEED = "feed"
    HAND_CARRIED = "hand-carried"


@dataclass(frozen=True)
class ItemDecision:
    """The portal editors' word on one item (article or translation) of a bundle, in one language."""

    decision_id: str
    item_id: str
    language: str
    outcome: str
    """"published" or "returned"."""
    comments: tuple[str, ...]
    editor: str
    decided_at: str
    package_id: str = ""
    package_version: int = 0
    received_at: str = ""


@dataclass(frozen=True)
class Delivery:
    """One sealed bundle as the Sync view shows it, from sealing to the editors' decisions."""

    package_id: str
    package_name: str
    version: int
    state: str
    """A `DeliveryState` value other than `open`."""
    acknowledged: int
    """Bytes the portal holds; `acknowledged / size` is the upload's progress."""
    size: int
    attempts: int
    last_error: str
    reasons: tuple[str, ...]
    """Every reason the portal gave for a rejection."""
    receipt: dict[str, object] | None
    """The portal's signed receipt, as received."""
    receipt_verified: bool
    """The receipt's signature checks out against the portal key this station trusts, now."""
    sealed_at: str
    updated_at: str
    delivered_at: str | None
    """When the verdict arrived; None while in flight."""
    route: str | None
    """A `DeliveryRoute` value once delivered."""
    decisions: tuple[ItemDecision, ...] = ()

    @property
    def in_flight(self) -> bool:
        return self.state in (DeliveryState.QUEUED, DeliveryState.UPLOADING, DeliveryState.VERIFYING)

    @property
    def comments(self) -> tuple[str, ...]:
        """Every editor comment on the bundle's items, in decision order."""
        return tuple(comment for decision in self.decisions for comment in decision.comments)


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
    """A coordinator's selection of source articles (each travels with all its translations), in order.

    `version` is the latest sealed version, 0 while nothing has been sealed.
    """

    id: str
    name: str
    article_ids: list[str]
    station_id: str = ""
    destination: str = "portal"
    note: str = ""
    version: int = 1
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class JumpTarget:
    """Where a GUI goes to fix a rule failure.

    `kind` "article" (a source article: `id` is its id, `field` e.g. "state", "headline", "embargo"),
    "translation" (`id` the translation's id; `field` a field, or "segment:<address>" for a QA error),
    or "picture" (`id` the picture's id; `field` "caption", "alt_text" or "credit", in the failure's language).
    """

    kind: str
    id: str
    field: str


@dataclass(frozen=True)
class RuleFailure:
    """One way a package is not complete, named so the person can fix it.

    `article_id` is the package's source article; `item_id` the item to change (the source or one of
    its translations); `field` e.g. "state", "headline", "lead", "embargo", "picture:<picture-id>:caption",
    "segment:<address>". `severity` "error" stops sealing; "warning" is shown and does not.
    """

    rule: str
    article_id: str
    item_id: str
    language: str
    field: str
    message: str
    target: JumpTarget
    severity: str = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def line(self) -> str:
        """`<article-id> <language> <field>: <message>`: how the CLI and a refused seal list it."""
        return f"{self.article_id} {self.language} {self.field}: {self.message}"

    def as_json(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "article_id": self.article_id,
            "item_id": self.item_id,
            "language": self.language,
            "field": self.field,
            "message": self.message,
            "target": {"kind": self.target.kind, "id": self.target.id, "field": self.target.field},
        }


@dataclass(frozen=True)
class ItemOverview:
    """One language of an article in a package: the item holding it, its workflow state, and whether the
    package can take it as it is (`final`: a source once cleared, a translation once every segment is final)."""

    language: str
    item_id: str
    state: str
    final: bool


@dataclass(frozen=True)
class ArticleOverview:
    """A source article of a package, its languages (source first) and its estimated share of the bundle.

    `size` is in bytes: its items' ninjs JSON plus its pictures' web renditions.
    """

    article_id: str
    headline: str
    language: str
    state: str
    picture_count: int
    languages: tuple[ItemOverview, ...]
    size: int


@dataclass(frozen=True)
class PackageOverview:
    """What the package builder shows. `total_size` counts a picture shared by two articles once, as the bundle does."""

    package: Package
    articles: tuple[ArticleOverview, ...]
    total_size: int

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language of the package's items, in the order first met."""
        return tuple(dict.fromkeys(item.language for article in self.articles for item in article.languages))


@dataclass(frozen=True)
class PackageVersion:
    """A sealed version of a package: what changed since the version before, and its bundle in the outbox.

    `changes` is empty for the first version. `state`, `file_name` and `size` come from the outbox
    (`state` "queued" … "accepted"; empty when the outbox no longer lists the bundle).
    """

    package_id: str
    version: int
    sealed_at: str
    changes: tuple[str, ...]
    state: str = ""
    file_name: str = ""
    size: int = 0

    def as_json(self) -> dict[str, object]:
        return {
            "package_id": self.package_id,
            "version": self.version,
            "sealed_at": self.sealed_at,
            "state": self.state,
            "file_name": self.file_name,
            "size": self.size,
            "changes": list(self.changes),
        }


@dataclass(frozen=True)
class StationKey:
    """A station whose bundles this workspace can verify: its own, or one imported from a key file."""

    station_id: str
    name: str
    public_key: str
    fingerprint: str
    own: bool = False
    added_at: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "station_id": self.station_id,
            "name": self.name,
            "public_key": self.public_key,
            "fingerprint": self.fingerprint,
            "own": self.own,
            "added_at": self.added_at,
        }


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
