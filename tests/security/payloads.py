"""The XSS corpus (xss_payloads.txt) and helpers to put it into model fields."""

from pathlib import Path

CORPUS = Path(__file__).with_name("xss_payloads.txt")


def load_payloads() -> list[str]:
    # Only the newline is stripped: leading spaces and tabs are part of some payloads.
    lines = CORPUS.read_text(encoding="utf-8").split("\n")
    return [line for line in lines if line.strip() and not line.startswith("#")]


PAYLOADS = load_payloads()


def payload_id(payload: str) -> str:
    return f"p{PAYLOADS.index(payload):02d}"


def hostile(model, field_name: str, payload: str, marker: str) -> str:
    """`marker` then the payload, cut to the column's length (PostgreSQL enforces it).

    The marker comes first so it survives the cut and shows the field reached the page.
    """
    max_length = model._meta.get_field(field_name).max_length
    value = f"{marker} {payload}"
    return value[:max_length] if max_length else value


def hostile_url(model, field_name: str, payload: str) -> str:
    max_length = model._meta.get_field(field_name).max_length
    return payload[:max_length] if max_length else payload
