"""Fill a workspace with the project's own sample content (resources/samples/), through the services."""

from __future__ import annotations

import json

from workstation.app import Services
from workstation.model import Package, SegmentState
from workstation.resources import resource_path


def load_sample_content(services: Services) -> Package:
    sample = json.loads(resource_path("samples", "workspace.json").read_text("utf-8"))
    article = services.editorial.create_article(**sample["article"])
    for language, targets in sample["translations"].items():
        translation = services.translations.create(article.id, language)
        for segment, target in zip(services.translations.segments(translation.id), targets, strict=False):
            services.translations.save_segment(translation.id, segment.address, target, SegmentState.TRANSLATED)
    return services.packaging.create(sample["package"], [article.id])
