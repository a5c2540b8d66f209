"""SMS length: GSM 03.38 7-bit messages fit 160 characters in one fragment (153 per fragment when split); any
character outside that alphabet makes the whole message UCS-2: 70 characters (67 per fragment when split).
The extension characters (^ { } \\ [ ] ~ | €) take two 7-bit places."""

from __future__ import annotations

import math
from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[]~|€\f")
MAX_FRAGMENTS = 3


@dataclass(frozen=True)
class SmsLength:
    characters: int
    encoding: str  # "GSM 7-bit" or "UCS-2"
    fragments: int

    def __str__(self) -> str:
        s = "s" if self.fragments != 1 else ""
        return f"{self.characters} characters ({self.encoding}), {self.fragments} text message{s}"


def sms_length(text: str) -> SmsLength:
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        units = sum(2 if ch in GSM_EXTENDED else 1 for ch in text)
        fragments = 1 if units <= 160 else math.ceil(units / 153)
        return SmsLength(units, "GSM 7-bit", fragments)
    units = len(text.encode("utf-16-le")) // 2
    fragments = 1 if units <= 70 else math.ceil(units / 67)
    return SmsLength(units, "UCS-2", fragments)
