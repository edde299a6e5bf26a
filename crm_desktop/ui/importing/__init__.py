"""File → Import Contacts…: the wizard that maps, checks and imports CSV and vCard files."""
