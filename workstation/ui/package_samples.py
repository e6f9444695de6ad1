"""Packages for the screenshots of the package builder, made through the services like a coordinator would.

`load_package_samples` adds two cleared articles with final translations to a workspace that holds
the sample content (resources/samples/), then builds a package that fails some rules (the sample
article is still a draft, its translations unfinished) and a complete package sealed twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from workstation.app import Services
from workstation.model import Article, Package, SegmentState

# Two short articles and their translations, sentence by sentence (headline, lead, paragraphs).
COMPLETE_ARTICLES = [
    {
        "headline": "Đại sứ quán gặp mặt cộng đồng người Việt dịp Tết",
        "lead": "Đại sứ quán tổ chức buổi gặp mặt cộng đồng người Việt nhân dịp Tết Nguyên đán.",
        "paragraphs": ["Nhiều gia đình và sinh viên đã tham dự.", "Đại sứ gửi lời chúc năm mới tới bà con."],
        "translations": {
            "en": [
                "Embassy meets the Vietnamese community for Tet",
                "The Embassy held a gathering of the Vietnamese community for the Lunar New Year.",
                "Many families and students attended.",
                "The Ambassador sent New Year wishes to the community.",
            ],
            "ko": [
                "대사관, 설을 맞아 재외 베트남 동포 간담회 개최",
                "대사관은 설을 맞아 베트남 동포 간담회를 열었다.",
                "많은 가족과 학생들이 참석했다.",
                "대사는 동포들에게 새해 인사를 전했다.",
            ],
        },
    },
    {
        "headline": "Hội chợ ẩm thực Việt Nam tại Busan",
        "lead": "Hội chợ ẩm thực Việt Nam diễn ra tại Busan trong hai ngày cuối tuần.",
        "paragraphs": ["Các đầu bếp giới thiệu phở, bánh mì và cà phê."],
        "translations": {
            "en": [
                "Vietnamese food fair in Busan",
                "A Vietnamese food fair took place in Busan over the weekend.",
                "Chefs presented pho, banh mi and coffee.",
            ],
            "zh": [
                "越南美食节在釜山举行",
                "越南美食节于周末在釜山举行。",
                "厨师们介绍了河粉、法棍面包和咖啡。",
            ],
        },
    },
]


# Cleared, but its embargo has passed (a warning) and its Japanese translation is half done (an error).
PARTIAL_ARTICLE = {
    "headline": "Trình diễn áo dài tại Trung tâm Văn hoá Seoul",
    "lead": "Buổi trình diễn áo dài thu hút đông đảo khách tham quan.",
    "paragraphs": ["Các nhà thiết kế giới thiệu bộ sưu tập mới."],
    "translations": {"ja": ["ソウル文化センターでアオザイのショー", "アオザイのショーに多くの来場者が訪れた。"]},
}
PAST_EMBARGO = "2026-11-20T08:00:00Z"


@dataclass(frozen=True)
class PackageSamples:
    incomplete: Package
    """Fails rules: the sample article (a draft, with unfinished translations), a complete article, and
    one whose embargo has passed and whose translation is half done."""
    sealed: Package
    """Complete, sealed twice: version 2 adds an article and changes the note."""


def load_package_samples(services: Services, sample_article_id: str) -> PackageSamples:
    tet, food_fair = (_complete_article(services, spec) for spec in COMPLETE_ARTICLES)
    sealed = services.packaging.create("Community news, November", [tet.id])
    services.packaging.seal(sealed.id)
    services.packaging.update(sealed.id, article_ids=[tet.id, food_fair.id], note="Version 2 adds the Busan food fair.")
    services.packaging.seal(sealed.id)
    partial = _complete_article(services, PARTIAL_ARTICLE, embargo=PAST_EMBARGO)
    incomplete = services.packaging.create(
        "Week 48 news for the portal",
        [sample_article_id, food_fair.id, partial.id],
        note="Photos supplied by the Embassy; visitor figures confirmed by the organisers.",
    )
    return PackageSamples(incomplete=incomplete, sealed=services.packaging.get(sealed.id))


def _complete_article(services: Services, spec: dict, embargo: str | None = None) -> Article:
    """A cleared article with its translations; a translation given every sentence is made final."""
    article = services.editorial.create_article(
        "vi", spec["headline"], lead=spec["lead"], paragraphs=spec["paragraphs"], byline="Minh Anh", dateline="Seoul"
    )
    if embargo:
        services.editorial.update_fields(article.id, embargo=embargo)
    services.editorial.set_state(article.id, "in_review")
    services.editorial.set_state(article.id, "approved")
    for language, targets in spec["translations"].items():
        translation = services.translations.create(article.id, language)
        segments = services.translations.segments(translation.id)
        for segment, target in zip(segments, targets, strict=False):
            services.translations.save_segment(translation.id, segment.address, target, SegmentState.FINAL)
        if len(targets) == len(segments):
            services.translations.set_state(translation.id, SegmentState.FINAL)
    return services.editorial.get(article.id)
