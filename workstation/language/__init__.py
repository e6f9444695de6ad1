"""Language tools shared by drafting and translation: normalisation, segmentation, spelling, counting."""

SPELLING_LANGUAGES = ("vi", "en")  # Chinese, Japanese and Korean are not spell-checked
