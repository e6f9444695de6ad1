"""Translations: segmented documents linked to their source article."""
