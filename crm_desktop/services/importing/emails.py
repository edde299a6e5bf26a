"""Checking e-mail addresses fast: plain ASCII addresses (nearly every row of a file) by one regular expression,
everything else by email-validator, with the very same result either way.

email-validator costs about 45 µs per address, most of it Unicode and IDNA work that a plain ASCII address
like "ann.smith@acme.co.uk" does not need. Such an address passes when its local part is a dot-atom and its
domain is letters, digits and single hyphens with a top-level domain ending in a letter; its normalized form
is then the local part as written and the domain in lower case. Anything the shortcut is not sure about
(quotes, non-ASCII, Punycode or "--" labels, reserved domains, RFC 2142 mailbox names, overlong parts) goes
to email-validator, which accepts or refuses it with its own message.
"""

from __future__ import annotations

import re

import email_validator

from crm_desktop.services import _validate as v

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"  # at most 63 characters, no hyphen at either end
_PLAIN = re.compile(rf"({_ATEXT}+(?:\.{_ATEXT}+)*)@((?:{_LABEL}\.)+{_LABEL})", re.ASCII)
EMAIL_MAX_LENGTH = 254  # RFC 5321 4.5.3.1.3, as email-validator counts it
DOMAIN_MAX_LENGTH = 253  # RFC 1035 2.3.4
# RFC 2142 names email-validator lower-cases (its CASE_INSENSITIVE_MAILBOX_NAMES): left to it.
_MAILBOX_NAMES = frozenset({"info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster",
                            "hostmaster", "usenet", "news", "webmaster", "www", "uucp", "ftp"})  # fmt: skip


def plain_address(text: str) -> str | None:
    """The normalized form of a plain ASCII address email-validator certainly accepts; None when unsure."""
    if len(text) > EMAIL_MAX_LENGTH:
        return None
    match = _PLAIN.fullmatch(text)
    if match is None:
        return None
    local, domain = match.group(1), match.group(2).lower()
    if len(domain) > DOMAIN_MAX_LENGTH or "--" in domain or not domain[-1].isalpha():
        return None
    if local.lower() in _MAILBOX_NAMES:
        return None
    for reserved in email_validator.SPECIAL_USE_DOMAIN_NAMES:  # read each time: the library lets callers edit it
        if domain == reserved or domain.endswith("." + reserved):
            return None
    return f"{local}@{domain}"


def clean_email(value: str | None) -> str | None:
    """Exactly `_validate.clean_email(value)` (normalized address, None when blank, ValidationError), faster."""
    text = (value or "").strip()
    if not text:
        return None
    return plain_address(text) or v.clean_email(text)
