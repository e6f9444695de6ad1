"""The station's identity: its id and name, its signing key and the secrets that protect it."""
