"""Read aloud (朗读): the current record, in Mandarin, through an offline engine.

The pipeline, each step its own module:

1. ``texts``: the record -> what to say, in plain Chinese (per record type;
   personal numbers masked and never read);
2. ``numbers``: amounts, dates, percents and codes as spoken words, used by
   ``texts`` and for any digits left in feed text;
3. ``pinyin``: Chinese text -> tone-numbered pinyin (phrase-aware, so
   polyphones come out right);
4. ``engine``: espeak-ng's ``cmn-latn-pinyin`` voice speaks the pinyin.

The UI needs only ``SpeechEngine.detect()`` and ``spoken_text(record)``.
"""

from kiosk.speech.engine import SpeechEngine
from kiosk.speech.texts import spoken_text

__all__ = ["SpeechEngine", "spoken_text"]
