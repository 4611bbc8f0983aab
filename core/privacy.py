"""Personal data: a whole phone number shown only to whom may see it, each look logged
(`reveal_phone`); the retention purge (`erase_expired`) and what it erases in free text
besides the name and phone fields (`erase_personal_text`).

A resident often writes their phone number and name into the description ("请联系我
13812345678，我叫张建国") and staff copy them into notes. Once the retention period is over
those words go with the name and phone fields: every phone-shaped run of digits (half- or
full-width, with the spaces or dashes people put in) becomes asterisks, and so does every
name the caller knows of, and the two or three characters after a "my name is" cue.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext

from .models import TimelineEntry
from .workflow import refuse_unless

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


def reveal_phone(*, subject: Model, field: str, actor, allowed: bool, log: type) -> str:
    """The whole phone number in `subject`'s `field`, read afresh, for an `actor` who is
    `allowed` to see it (TransitionRefused otherwise), with a row of `log` (a
    `core.models.PhoneView`) naming the actor and `subject`, in one transaction. An erased
    number ('') is shown as such and no look is logged: there was nothing to see."""
    refuse_unless(allowed, gettext("You are not allowed to see whole phone numbers."))
    with transaction.atomic():
        rows = type(subject)._default_manager.values_list(field, flat=True)
        number = rows.get(pk=subject.pk)
        if number:
            log.objects.create(**{log.SUBJECT: subject}, viewer=actor)
        return number


def erase_expired(
    pending: QuerySet,
    *,
    name_field: str,
    mobile_field: str,
    text_fields: Sequence[str],
    now: datetime.datetime,
    batch_size: int = 200,
    with_timeline: bool = True,
    also: Callable[[list], None] | None = None,
) -> int:
    """Erase the personal data of the rows of `pending` (those past their retention period
    and not erased yet): the name and phone fields emptied, phone numbers and the name typed
    into `text_fields` and (`with_timeline`) into the rows' timeline notes masked, the
    `personal_data_erased_at` field set to `now`; `also(batch)` removes what else a model keeps
    (photos). What statistics need stays.

    Batches of rows locked with SKIP LOCKED, each batch in its own transaction: two runs at
    once never erase a row twice, and a rerun finds nothing left. Returns the rows erased."""
    content_type = ContentType.objects.get_for_model(pending.model)
    erased = 0
    while True:
        with transaction.atomic():
            batch = list(
                pending.select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .only("pk", name_field, mobile_field, *text_fields)[:batch_size]
            )
            if not batch:
                return erased
            names = {row.pk: [getattr(row, name_field)] for row in batch}
            for row in batch:
                for field in text_fields:
                    setattr(row, field, erase_personal_text(getattr(row, field), names[row.pk]))
                setattr(row, name_field, "")
                setattr(row, mobile_field, "")
                row.personal_data_erased_at = now
            pending.model.objects.bulk_update(
                batch, [name_field, mobile_field, "personal_data_erased_at", *text_fields]
            )
            if with_timeline:
                notes = list(
                    TimelineEntry.objects.filter(content_type=content_type, object_id__in=names)
                    .exclude(note="")
                    .only("pk", "object_id", "note")
                )
                for entry in notes:
                    entry.note = erase_personal_text(entry.note, names[entry.object_id])
                TimelineEntry.objects.bulk_update(notes, ["note"])
            if also is not None:
                also(batch)
            erased += len(batch)
