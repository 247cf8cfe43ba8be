"""Leads and the email outbox: built in the leads-and-email issue."""
