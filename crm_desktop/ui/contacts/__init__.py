"""The Contacts tab: a lazy, SQL-sorted table of people and the New contact dialog."""
