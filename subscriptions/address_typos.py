""" "Did you mean …?" for an email address whose domain looks mistyped (gmial.con → gmail.com).

A confirmation email to a mistyped address never arrives, and the reader never learns why.
The signup form asks once; the reader may take the suggestion or keep what they typed, so
a real domain that merely looks like a common one (email.com) is never refused.

Two steps, both on the part after the @ only:
1. a top-level domain that is a common slip of .com, .net or .org (con, cmo, ogr…) is put
   right: an invented address at example.con cannot be anyone's;
2. the result is compared with the mail services most readers use (difflib, the same
   ratio the search suggestions use); a close one that is not identical is suggested.
"""

import difflib

# The services most of our readers' addresses are at: international, and Ukrainian.
COMMON_DOMAINS = (
    "gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de",
    "mail.com", "zoho.com", "yandex.com", "ukr.net", "i.ua", "meta.ua", "bigmir.net",
)  # fmt: skip
# Slips of the three commonest top-level domains that are not top-level domains themselves.
TLD_SLIPS = {
    **dict.fromkeys(("con", "cmo", "ocm", "vom", "xom", "cpm", "cim", "comm", "coom"), "com"),
    **dict.fromkeys(("nte", "ent", "nett"), "net"),
    **dict.fromkeys(("ogr", "rog", "orgg", "prg", "otg"), "org"),
}  # fmt: skip
# How alike the typed domain and a common one must be (difflib's ratio, 0 to 1): gmial.com
# and gmail.com score 0.89, while i.ua and a.ua (0.75) or mail.ru and mail.com (0.67) are
# different addresses.
CLOSE_ENOUGH = 0.85


def suggest_address(email: str) -> str | None:
    """The address with its domain put right, or None when the domain looks as meant."""
    mailbox, at, domain = email.strip().rpartition("@")
    if not at or not mailbox or not domain:
        return None
    typed = domain.lower()
    name, dot, tld = typed.rpartition(".")
    corrected = f"{name}.{TLD_SLIPS[tld]}" if dot and tld in TLD_SLIPS else typed
    if corrected not in COMMON_DOMAINS:
        close = difflib.get_close_matches(corrected, COMMON_DOMAINS, n=1, cutoff=CLOSE_ENOUGH)
        if close:
            corrected = close[0]
    if corrected == typed:
        return None
    return f"{mailbox}@{corrected}"
