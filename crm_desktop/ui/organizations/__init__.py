"""The organizations side of the Contacts tab: a lazy table with each organization's contacts and deals."""
