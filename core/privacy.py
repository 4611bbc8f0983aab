"""Personal data typed into free text: what the retention purge erases besides the fields.

A resident often writes their phone number and name into the description ("请联系我
13812345678，我叫张建国") and staff copy them into notes. Once the retention period is over
those words go with the name and phone fields: every phone-shaped run of digits (half- or
full-width, with the spaces or dashes people put in) becomes asterisks, and so does every
name the caller knows of, and the two or three characters after a "my name is" cue.
"""

import re
from collections.abc import Iterable

_DIGIT = "[0-9０-９]"
_SEP = "[ \\-－\u3000]?"
_NOT_DIGIT_BEFORE = "(?<![0-9０-９])"
_NOT_DIGIT_AFTER = "(?![0-9０-９])"

# Mainland mobiles (1[3-9] + 9 digits), optionally +86 / 0086 in front.
_MOBILE = rf"(?:(?:\+|＋|00){_SEP}86{_SEP})?[1１]{_SEP}[3-9３-９](?:{_SEP}{_DIGIT}){{9}}"
# Landlines with their area code: 0 + 2-3 digits, then 7-8 digits.
_LANDLINE = rf"[0０][1-9１-９]{_DIGIT}{{1,2}}{_SEP}{_DIGIT}(?:{_SEP}?{_DIGIT}){{6,7}}"
PHONE_PATTERN = re.compile(rf"{_NOT_DIGIT_BEFORE}(?:{_MOBILE}|{_LANDLINE}){_NOT_DIGIT_AFTER}")

# "我叫张建国", "姓名：张建国", "联系人 张建国": the 2-3 Chinese characters after the cue.
NAME_CUE_PATTERN = re.compile(r"(我叫|姓名|名字|联系人是|联系人)([:：\s]*)([\u4e00-\u9fff]{2,3})")

MASK = "*"


def _mask_digits(match: re.Match) -> str:
    return re.sub(r"[0-9０-９]", MASK, match.group(0))


def erase_personal_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` with phone numbers, the given names and cued names replaced by asterisks.

    One-character "names" are left alone: replacing a single character everywhere would erase
    the text itself."""
    if not text:
        return text
    text = PHONE_PATTERN.sub(_mask_digits, text)
    known = {n.strip() for n in names if n and len(n.strip()) >= 2}
    for name in sorted(known, key=len, reverse=True):
        text = text.replace(name, MASK * len(name))
    return NAME_CUE_PATTERN.sub(lambda m: m.group(1) + m.group(2) + MASK * len(m.group(3)), text)
