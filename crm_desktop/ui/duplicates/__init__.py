"""Contacts → Find Duplicates…: the review list of probable duplicates and the merge dialog."""
