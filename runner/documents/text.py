"""What the text formats (mermaid, dot) share: short labels."""

from __future__ import annotations


def short(text: str, n: int = 60) -> str:
    """One line of at most ``n`` characters, cut at the end with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
