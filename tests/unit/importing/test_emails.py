"""The fast e-mail check gives exactly what email-validator gives: the same address, or the same refusal."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crm_desktop.domain.errors import ValidationError
from crm_desktop.services import _validate as v
from crm_desktop.services.importing.emails import clean_email, plain_address

# Characters that matter to the rules: letters of both cases, digits, every atext symbol, dots, hyphens, at-signs,
# quotes, spaces, brackets, a few non-ASCII letters and look-alikes.
ALPHABET = "aAzZxnXN09._-+@!#$%&'*/=?^`{|}~\" <>[]()\\,;:éßİ＠．"
WORDS = ["info", "Sales", "www", "xn--", "xn--nxasmq6b", "ab--cd", "test", "invalid", "local", "localhost", "onion",
         "arpa", "example", "com", "co", "uk", "a", "1", "123", "-a", "a-", "b" * 63, "c" * 64]  # fmt: skip
parts = st.one_of(st.sampled_from(WORDS), st.text(ALPHABET, max_size=12))
emailish = st.builds(
    lambda local, labels, noise: f"{''.join(local)}@{'.'.join(labels)}{noise}",
    st.lists(parts, min_size=0, max_size=3),
    st.lists(parts, min_size=0, max_size=5),
    st.sampled_from(["", "", "", ".", " ", "-", "@x.com"]),
)
anything = st.one_of(emailish, st.text(ALPHABET, max_size=40), st.text(max_size=40))


def _reference(text: str) -> str | Exception:
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        return exc


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=anything)
@example("Ann.Smith@Example.COM")
@example("info@acme.com")
@example("Info@acme.com")
@example("a@" + "b" * 64 + ".com")
@example("a@b.test")
@example("a@xn--nxasmq6b.com")
@example("a@ab--cd.com")
@example("a@b.c1")
@example("x" * 64 + "@" + "y" * 63 + ".com")
@example("x" * 200 + "@" + "y" * 50 + ".com")
def test_the_shortcut_only_answers_what_email_validator_answers(text: str) -> None:
    quick = plain_address(text)
    if quick is not None:
        assert _reference(text) == quick


@settings(max_examples=500, deadline=None)
@given(text=anything)
def test_clean_email_matches_the_shared_check(text: str) -> None:
    try:
        expected: str | None = v.clean_email(text)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as raised:
            clean_email(text)
        assert str(raised.value) == str(exc)
        assert raised.value.field == exc.field
        return
    assert clean_email(text) == expected


@pytest.mark.parametrize(
    "text", ["ann.smith@example.com", "Ann.Smith@Example.COM", "o'brien+crm@mail.acme-trading.co.uk", "x_1@a1.io"]
)
def test_common_addresses_take_the_shortcut(text: str) -> None:
    assert plain_address(text) == validate_email(text, check_deliverability=False).normalized


@pytest.mark.parametrize(
    "text", ["info@acme.com", "a@b.test", "a@xn--nxasmq6b.com", "ann@localhost", "\"a b\"@acme.com", "anné@acme.com",
             "a@b", "a..b@acme.com", "a@-acme.com", "a@acme.c0m1", "Ann <ann@acme.com>"],
)  # fmt: skip
def test_unusual_addresses_go_to_email_validator(text: str) -> None:
    assert plain_address(text) is None
