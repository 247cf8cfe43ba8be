"""Site-wide operations: initial content, content export/import, backups, staff groups, Flower."""
