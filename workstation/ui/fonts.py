"""Fonts per language: Han glyphs differ between Chinese and Japanese, so each gets its own family."""

from __future__ import annotations

from PySide6.QtGui import QFont

_FAMILIES = {
    "zh": ["Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC"],
    "ja": ["Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "Yu Gothic", "Hiragino Sans"],
    "ko": ["Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", "Malgun Gothic", "Apple SD Gothic Neo"],
}


def font_for_language(language: str, base: QFont | None = None) -> QFont:
    font = QFont(base) if base is not None else QFont()
    families = _FAMILIES.get(language)
    if families:
        font.setFamilies([*families, *font.families()])
    return font
