"""Outgoing mail: templates in `messages`, delivery (SES or SMTP) in `sender`."""
