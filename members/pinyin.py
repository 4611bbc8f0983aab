"""Pinyin sort keys: people and groups listed as a Chinese reader looks for them (李, 王, 张, 赵),
not by character code (张 U+5F20 before 李 U+674E).

The key is stored on the row (`name_pinyin`) and indexed rather than computed by the database:
an ICU collation such as PostgreSQL's `zh-x-icu` exists only on PostgreSQL, and the demo runs on
SQLite; a stored key sorts the same on both, and the member pages can filter by it in the
browser (initials: "zs" finds 张三).

A key is each syllable with its tone number (neutral tone 5): 张三 → "zhang1san1". The tone digit
ends each syllable, and digits sort before letters in every collation, so 李明 ("li3ming2")
comes before 林峰 ("lin2feng1") syllable by syllable, and same-sounding syllables follow
dictionary tone order (黎 li2 before 李 li3).
"""

import os
import re
from functools import cache, partial

# Surnames whose reading differs from the character's most common one (单 is shàn as a surname,
# not dān). Only the first character of a name is read this way.
SURNAME_READINGS = {
    "单": "shan4",
    "曾": "zeng1",
    "解": "xie4",
    "仇": "qiu2",
    "朴": "piao2",
    "查": "zha1",
    "区": "ou1",
    "盖": "ge3",
    "缪": "miao4",
    "乐": "yue4",
    "覃": "qin2",
    "翟": "zhai2",
    "召": "shao4",
    "牟": "mu4",
    "种": "chong2",
    "员": "yun4",
    "秘": "bi4",
    "隗": "wei3",
    "尉": "wei4",
}

#: Longest key per character of a name ("zhuang1" is 7).
KEY_CHARS_PER_NAME_CHAR = 7

_SYLLABLE = re.compile(r"([a-z]+)[1-5]")


# Place words whose first reading is not the character's most common one: without pypinyin's
# phrase dictionary (see below) street and group names need these few (朝阳 is cháoyáng, not
# zhāoyáng).
PLACE_READINGS = {
    "重庆": [["chóng"], ["qìng"]],
    "朝阳": [["cháo"], ["yáng"]],
    "长安": [["cháng"], ["ān"]],
    "长春": [["cháng"], ["chūn"]],
    "长沙": [["cháng"], ["shā"]],
    "长江": [["cháng"], ["jiāng"]],
    "长宁": [["cháng"], ["níng"]],
    "厦门": [["xià"], ["mén"]],
    "六安": [["lù"], ["ān"]],
    "蚌埠": [["bèng"], ["bù"]],
    "乐清": [["yuè"], ["qīng"]],
    "大都": [["dà"], ["dū"]],
    "都江堰": [["dū"], ["jiāng"], ["yàn"]],
    "银行": [["yín"], ["háng"]],
    "行政": [["xíng"], ["zhèng"]],
    "教育": [["jiào"], ["yù"]],
    "重阳": [["chóng"], ["yáng"]],
}


@cache
def _lazy_pinyin():
    """pypinyin, loaded on the first key rather than by every web worker at start: only saving
    a member or a group needs it. Without its phrase dictionary (about 55 MiB a process, against
    12 without): names are read character by character, with the surname table above."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
    from pypinyin import Style, lazy_pinyin, load_phrases_dict

    load_phrases_dict(PLACE_READINGS)
    return partial(lazy_pinyin, style=Style.TONE3)


def pinyin_key(name: str) -> str:
    """The sort key of a name: lower-case pinyin syllables each followed by its tone number;
    anything not Chinese (Latin letters, digits) kept in lower case, spaces dropped."""
    name = (name or "").strip()
    if not name:
        return ""
    first = SURNAME_READINGS.get(name[0])
    rest = name[1:] if first else name
    parts = _lazy_pinyin()(rest, neutral_tone_with_five=True, errors="default")
    if first:
        parts = [first, *parts]
    return "".join(part.lower() for part in parts).replace(" ", "")


def pinyin_search_text(key: str) -> str:
    """What a typed filter matches besides the name: the toneless spelling and the initials,
    e.g. "zhangsan zs" for the key "zhang1san1"."""
    key = key or ""
    initials = "".join(syllable[0] for syllable in _SYLLABLE.findall(key))
    toneless = _SYLLABLE.sub(r"\1", key)
    return f"{toneless} {initials}".strip()
