"""The Qt layer: thin views that call services and listen for their change records."""
