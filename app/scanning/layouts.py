"""Keyboard layouts a wedge scanner and its host may disagree on.

A scanner set up for a US keyboard sends key positions; a host with another layout turns them into other
characters (an AZERTY host types `0042` as `àà'é`). Mapping those characters back shows what was meant.
"""

from __future__ import annotations

# What a scanner set up for a US keyboard types on other layouts, mapped back to what it meant.
LAYOUTS: dict[str, dict[str, str]] = {
    "French (AZERTY)": {
        "&": "1", "é": "2", '"': "3", "'": "4", "(": "5", "-": "6", "è": "7", "_": "8", "ç": "9", "à": "0",
        ")": "-", "°": "_", "q": "a", "a": "q", "z": "w", "w": "z", "Q": "A", "A": "Q", "Z": "W", "W": "Z",
        ",": "m", "?": "M", ";": ",", ":": ".", "!": "/", "m": ";",
    },
    "German (QWERTZ)": {"z": "y", "y": "z", "Z": "Y", "Y": "Z", "ß": "-", "?": "_", "&": "^"},
}


def unlayout(text: str, layout: dict[str, str]) -> str:
    return "".join(layout.get(c, c) for c in text)
