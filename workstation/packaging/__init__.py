"""Packages of articles and translations, sealed into signed BagIt bundles for the portal."""
