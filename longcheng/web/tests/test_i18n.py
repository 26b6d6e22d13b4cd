"""The English catalogue is complete: every message the code marks has a translation."""

from pathlib import Path

import polib
from django.conf import settings


def test_every_message_has_an_english_translation():
    po = polib.pofile(str(Path(settings.BASE_DIR) / "locale/en/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
