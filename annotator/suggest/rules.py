"""Rule suggestions in Hindi and English: dates (DATE), numbers and casualty counts (NUM), event triggers.

:func:`find` returns them all; every suggestion's ``detail`` names the rule (``date_day_month``,
``casualty_count``, ``trigger_lexicon:हमला`` …). Rules are written to be precise rather than greedy: a
rule matches whole words only (never inside a word, nor inside a URL, @handle or #hashtag), and the entity
rules (DATE, NUM) never overlap each other — the longest wins, a DATE over a NUM of the same length — so
``22 अप्रैल 2025`` is one DATE, not a DATE and two NUMs.

Dates (score 0.9 unless said otherwise)
    ``date_day_month``: a day and a Hindi or English month, with a year if given: ``26 जुलाई``,
    ``२२ अप्रैल 2025``, ``26 July 2025``, ``26th of July``. ``date_month_day``: ``July 26``, ``July 25, 2025``.
    ``date_month_year``: ``जुलाई 2025``, ``July 2025``. ``date_numeric``: ``22.04.2025``, ``22/04/25``,
    ``2025-04-22`` (day 1–31, month 1–12). ``date_weekday``: ``मंगलवार``, ``बुधवार रात``, ``गुरुवार देर शाम``,
    ``Tuesday``, ``Sunday evening``. ``date_time``: ``सुबह करीब 6 बजे``, ``साढ़े सात बजे``, ``3.40 am``.
    ``date_year``: a year after a cue — ``साल 2019``, ``वर्ष 2019`` (cue included), ``in 2019``, ``since 2019``
    and ``2019 में`` (year only); years 1900–2099. Score 0.7: ``date_relative`` — ``आज``, ``कल``, ``आज रात``,
    ``इस महीने``, ``पिछले सप्ताह``, ``इस अगस्त``, ``कुछ ही दिन पहले``, ``today``, ``last week``, ``two days ago``;
    ``date_month``: a Hindi month name alone (``अगस्त``; not ``मार्च``, also a march), an English month after
    ``in``/``since``/``until``/``by``/``from``/``during``/``early``/``late``/``mid-``. English month and
    weekday names must be capitalised (``May``, not the verb ``may``).
Numbers (NUM: the number only, never the counted noun)
    ``number`` (0.8): digits of either system with ``.``/``,`` inside (``26``, ``२६``, ``1,200``,
    ``1,20,000``, ``5.5``), a range (``१५-२०``), with an approximation before it (``कम से कम 5``,
    ``at least 5``, ``करीब 20``) and a scale word after it (``5.5 लाख``, ``3 million``). Not a number:
    digits joined to letters (``5वीं``, ``26th``, ``AK-47``, ``G20``), ``26/11``, digits inside a date or
    time. ``number_word`` (0.7): ``दो``…``नब्बे``, ``सौ``, ``हज़ार``, ``एक दर्जन``, ``two``…``ninety-nine``,
    ``a dozen`` — Hindi ones only before another word (``दो जवान``; ``दो`` alone is also "give"), never
    ``एक``/``one`` (an article) unless a casualty follows, nor the idiom ``दो टूक``. ``number_vague`` (0.5):
    ``दर्जनों``, ``सैकड़ों``, ``हज़ारों``, ``dozens``, ``hundreds``, ``thousands``. ``casualty_count`` (0.9): a
    number that counts the dead, hurt, abducted or missing — ``26 लोगों की मौत``, ``5 जवान शहीद``,
    ``दो आतंकी ढेर``, ``12 killed``, ``killed 12``, ``two soldiers were injured``, ``death toll rose to 26``.
Event triggers (kind ``"event"``; ``trigger_lexicon:LEMMA``)
    Word lists per event type of the default schema with their inflected forms — ``हमला/हमले/हमलों``,
    ``attack/attacked`` → ATTACK; ``मौत``, ``मारे गए``, ``शहीद``, ``killed`` → DIE; ``घायल``, ``injured``
    → INJURE; ``अपहरण``, ``अगवा``, ``kidnapped`` → ABDUCT; ``गिरफ़्तार``, ``हिरासत में लिया``, ``arrested``
    → ARREST; ``मुठभेड़``, ``तलाशी अभियान``, ``raid`` → SECURITY_OPERATION; ``मुलाक़ात``, ``बैठक``, ``met``
    → MEET; ``बयान``, ``कहा``, ``said`` → STATEMENT; ``प्रतिबंधित``, ``designated`` → DESIGNATE;
    ``समझौता``, ``ceasefire`` → AGREE; ``प्रदर्शन``, ``धरना``, ``protest`` → PROTEST — matched like gazetteer
    names (whole words, Hindi nukta/anusvara/ZWJ variants folded, English case-insensitive), the longest
    phrase first (``तलाशी अभियान`` over ``अभियान``). Score 0.6; 0.4–0.5 for words that often mean something
    else (``अभियान``, ``operation``, ``ढेर``, ``deal``, ``लिखा``); ``trigger_met`` (0.4): ``मिले`` after
    ``से`` ("met with") when a verb, a conjunction or the end of the clause follows (``से मिले हथियार`` is
    "weapons received from").

Pure Python (``regex``); no Qt, no database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import regex

from annotator.suggest import Suggestion
from annotator.suggest.gazetteer import cached_units
from annotator.suggest.keys import Unit, name_units
from annotator.suggest.lexicon import Lexicon

__all__ = ["RULE_SCORES", "TRIGGERS", "find", "find_dates", "find_numbers", "find_triggers"]

RULE_SCORES = {
    "date": 0.9,
    "date_relative": 0.7,
    "number": 0.8,
    "number_word": 0.7,
    "number_vague": 0.5,
    "casualty_count": 0.9,
    "trigger": 0.6,
    "trigger_met": 0.4,
}

# ---------------------------------------------------------------------------------------------------------
# Pattern helpers
# ---------------------------------------------------------------------------------------------------------

_B = r"(?<![\p{L}\p{M}\p{Nd}_\u200c\u200d])"  # word start
_E = r"(?![\p{L}\p{M}\p{Nd}_\u200c\u200d])"  # word end
_NUKTA_BASES = set("कखगजडढफयरनळ")
_NASALS = set("ङञणनम")
_ANUSVARA_ANY = "(?:[\u0901\u0902]|[ङञणनम]\u094d)"


def _deva(word: str) -> str:
    """A pattern for a Devanagari word or phrase that also matches its nukta, anusvara/chandrabindu/nasal
    consonant and ZWJ/ZWNJ variants (गिरफ्तार / गिरफ़्तार, सितंबर / सितम्बर)."""
    chars = unicodedata.normalize("NFD", word)
    out: list[str] = []
    i = 0
    while i < len(chars):
        c = chars[i]
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c == "\u093c":
            pass  # made optional after every base letter below
        elif c in "\u0901\u0902":
            out.append(_ANUSVARA_ANY)
        elif c in _NASALS and nxt == "\u094d" and i + 2 < len(chars) and "\u0915" <= chars[i + 2] <= "\u0939":
            out.append(_ANUSVARA_ANY)
            i += 1  # the virama
        elif c == "\u094d":
            out.append("\u094d[\u200c\u200d]?")
        elif c.isspace():
            out.append(r"\s+")
        elif c in _NUKTA_BASES:
            out.append(c + "\u093c?")
        else:
            out.append(regex.escape(c))
        i += 1
    return "".join(out)


def _alt(words: Iterable[str]) -> str:
    """An alternation of Devanagari words (variants allowed), longest first."""
    return "(?:" + "|".join(_deva(w) for w in sorted(set(words), key=len, reverse=True)) + ")"


def _en(words: Iterable[str], *, capitalised: bool = False) -> str:
    """English words, case-insensitive, or (``capitalised``) as Capitalised or UPPER only."""
    words = sorted(set(words), key=len, reverse=True)
    if capitalised:
        forms = [v for w in words for v in (w, w.upper())]
        return "(?:" + "|".join(regex.escape(f).replace(r"\ ", r"\s+") for f in forms) + ")"
    return "(?i:" + "|".join(regex.escape(w).replace(r"\ ", r"\s+") for w in words) + ")"


_D = "[0-9\u0966-\u096f]"
_DIGIT_VALUE = {**{str(d): d for d in range(10)}, **{chr(0x0966 + d): d for d in range(10)}}


def _int(s: str) -> int:
    return int("".join(str(_DIGIT_VALUE[c]) for c in s if c in _DIGIT_VALUE) or "0")


# ---------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    """A vocabulary written as "a|b c|d": entries separated by "|" (they may hold spaces)."""
    return tuple(w.strip() for w in text.split("|") if w.strip())


HI_MONTHS = _words("जनवरी|फ़रवरी|मार्च|अप्रैल|अप्रेल|मई|जून|जुलाई|अगस्त|सितंबर|अक्टूबर|अक्तूबर|नवंबर|दिसंबर")
EN_MONTHS = _words(
    "January|February|March|April|May|June|July|August|September|October|November|December|Jan.|Feb.|Mar.|"
    "Apr.|Jun.|Jul.|Aug.|Sep.|Sept.|Oct.|Nov.|Dec.|Jan|Feb|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
EN_MONTHS_FULL = EN_MONTHS[:12]
HI_WEEKDAYS = _words("सोमवार|मंगलवार|बुधवार|गुरुवार|बृहस्पतिवार|वीरवार|शुक्रवार|शनिवार|रविवार|इतवार")
EN_WEEKDAYS = _words("Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday")
HI_DAYPARTS = _words("सुबह|शाम|रात|दोपहर|तड़के|रात्रि")
EN_DAYPARTS = _words("morning|evening|night|afternoon")
HI_NUMBER_WORDS = _words(
    "दो|तीन|चार|पांच|छह|छः|छे|सात|आठ|नौ|दस|ग्यारह|बारह|तेरह|चौदह|पंद्रह|सोलह|सत्रह|अठारह|उन्नीस|बीस|पच्चीस|तीस|"
    "पैंतीस|चालीस|पचास|साठ|सत्तर|अस्सी|नब्बे|सौ|हज़ार|डेढ़|ढाई|दर्जन|एक दर्जन|एक सौ|एक हज़ार|एक लाख"
)
EN_UNITS = _words("one|two|three|four|five|six|seven|eight|nine")
EN_NUMBER_WORDS = _words(
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|a dozen|dozen|a hundred|hundred|a thousand"
)
EN_TENS = _words("twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety")
HI_SCALES = _words("सौ|हज़ार|लाख|करोड़|अरब")
EN_SCALES = _words("hundred|thousand|lakh|lakhs|crore|crores|million|billion")
HI_APPROX = _words("कम से कम|करीब|क़रीब|लगभग|तकरीबन|तक़रीबन|अनुमानित")
EN_APPROX = _words("at least|about|around|nearly|over|more than|some|up to|approximately|almost|roughly")
HI_VAGUE = _words("दर्जनों|सैकड़ों|हज़ारों|लाखों|करोड़ों")
EN_VAGUE = _words("dozens|hundreds|thousands|scores")
HI_COUNTED = _words(
    "लोगों|लोग|व्यक्ति|व्यक्तियों|जवान|जवानों|सैनिक|सैनिकों|पुलिसकर्मी|पुलिसकर्मियों|सुरक्षाकर्मी|सुरक्षाकर्मियों|नागरिक|"
    "नागरिकों|आतंकी|आतंकियों|आतंकवादी|आतंकवादियों|नक्सली|नक्सलियों|माओवादी|माओवादियों|उग्रवादी|उग्रवादियों|यात्री|"
    "यात्रियों|पर्यटक|पर्यटकों|बच्चे|बच्चों|महिलाएं|महिलाओं|ग्रामीण|ग्रामीणों|मज़दूर|मज़दूरों|श्रद्धालु|श्रद्धालुओं|अन्य|"
    "निर्दोष|बेगुनाह|स्थानीय|संदिग्ध|हथियारबंद|भारतीय|पाकिस्तानी|विदेशी|कथित|और"
)
HI_CASUALTY = _words("मौत|मौतें|शहीद|मारे|मारी|मारा|घायल|ज़ख़्मी|अगवा|अपहृत|हताहत|ढेर|लापता|जान गंवाई")
EN_COUNTED = _words(
    "people|persons|person|civilians|civilian|soldiers|soldier|jawans|jawan|troops|militants|militant|"
    "terrorists|terrorist|insurgents|rebels|maoists|naxals|policemen|policeman|police|personnel|security|"
    "officers|officer|tourists|tourist|pilgrims|workers|worker|villagers|children|child|women|woman|men|man|"
    "others|more|other|suspected|alleged|innocent|local|foreign|armed|passengers|cadres"
)
EN_CASUALTY = _words("killed|dead|died|injured|wounded|hurt|martyred|abducted|kidnapped|missing|slain")
EN_CASUALTY_BEFORE = _words(
    "killed|killing|kills|injured|injuring|wounded|wounding|abducted|kidnapped|left|leaving|claimed"
)

# ---------------------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------------------

_HM = _alt(HI_MONTHS)
_HM_BARE = _alt(m for m in HI_MONTHS if m != "मार्च")
_EM = _en(EN_MONTHS, capitalised=True)
_EM_FULL = _en(EN_MONTHS_FULL, capitalised=True)
_HW = _alt(HI_WEEKDAYS)
_EW = _en(EN_WEEKDAYS, capitalised=True)
_HDP = rf"(?:{_deva('देर')}\s+)?{_alt(HI_DAYPARTS)}"
_EDP = _en(EN_DAYPARTS)
_DAY = rf"(?P<day>{_D}{{1,2}})(?:st|nd|rd|th)?"
_YEAR = rf"(?P<year>[12\u0967\u0968]{_D}{{3}})"
_HNUM = _alt(HI_NUMBER_WORDS)
_ENUM = rf"(?i:(?:{'|'.join(EN_TENS)})(?:-(?:{'|'.join(EN_UNITS)}))?|{'|'.join(EN_NUMBER_WORDS)})"
_HI_REL_NOUN = _alt(("हफ़्ते", "सप्ताह", "महीने", "माह", "साल", "वर्ष", "बरस", "रात", "सुबह", "शाम", "दिन"))
_HI_SPAN_NOUN = _alt(
    ("दिन", "दिनों", "हफ़्ते", "हफ़्तों", "सप्ताह", "सप्ताहों", "महीने", "महीनों", "साल", "सालों", "वर्ष", "वर्षों")
)

_DATE_RULES: tuple[tuple[str, float, regex.Pattern[str]], ...] = tuple(
    (name, RULE_SCORES[score], regex.compile(pattern))
    for name, score, pattern in (
        ("date_day_month", "date", rf"{_B}{_DAY}(?:\s+of)?\s+(?:{_HM}|{_EM})(?:,?\s+{_YEAR})?{_E}"),
        ("date_month_day", "date", rf"{_B}{_EM}\s+{_DAY}(?:,?\s+{_YEAR})?{_E}"),
        ("date_month_year", "date", rf"{_B}(?:{_HM}|{_EM}),?\s+{_YEAR}{_E}"),
        (
            "date_numeric",
            "date",
            rf"{_B}(?:(?P<day>{_D}{{1,2}})(?P<sep>[./-])(?P<month>{_D}{{1,2}})(?P=sep)(?P<year>{_D}{{4}}|{_D}{{2}})"
            rf"|(?P<year>{_D}{{4}})-(?P<month>{_D}{{1,2}})-(?P<day>{_D}{{1,2}})){_E}(?![./-]{_D})",
        ),
        ("date_weekday", "date", rf"{_B}(?:{_HW}(?:\s+{_HDP})?|{_EW}(?:\s+{_EDP})?){_E}"),
        (
            "date_time",
            "date",
            rf"{_B}(?:(?:{_HDP})\s+)?(?:{_alt(('करीब', 'लगभग', 'तकरीबन'))}\s+)?"
            rf"(?:{_alt(('साढ़े', 'सवा', 'पौने'))}\s+)?"
            rf"(?:{_D}{{1,2}}(?:[:.]{_D}{{2}})?|{_HNUM}|{_alt(('एक',))})\s+{_deva('बजे')}{_E}"
            rf"|{_B}{_D}{{1,2}}(?:[:.]{_D}{{2}})?\s*(?:(?i:a\.m\.|p\.m\.)|(?:am|pm|AM|PM){_E})"
            rf"|{_B}{_D}{{4}}\s+(?:hrs|hours\s+IST|IST){_E}",
        ),
        (
            "date_year",
            "date",
            rf"{_B}{_alt(('साल', 'वर्ष', 'सन्', 'सन'))}\s+{_YEAR}{_E}"
            rf"|(?<=(?i:\b(?:in|since|until|till|by|from|during|of|year|the\s+year))\s+){_YEAR}{_E}"
            rf"|{_B}{_YEAR}(?=\s+{_deva('में')}{_E}(?!\s+{_deva('से')}{_E}))",
        ),
        (
            "date_relative",
            "date_relative",
            rf"{_B}{_alt(('इस', 'इसी', 'पिछले', 'पिछली', 'अगले', 'अगली', 'बीते', 'उसी'))}\s+"
            rf"(?:{_HI_REL_NOUN}|{_HM}|{_HW}){_E}"
            rf"|{_B}{_alt(('आज', 'कल', 'परसों'))}(?:\s+{_HDP})?{_E}"
            rf"|{_B}(?:{_deva('कुछ')}|{_D}+|{_HNUM})\s+(?:{_deva('ही')}\s+)?{_HI_SPAN_NOUN}\s+"
            rf"{_alt(('पहले', 'बाद'))}{_E}"
            rf"|{_B}{_alt(('पिछले', 'बीते'))}\s+(?:{_deva('कुछ')}|{_D}+|{_HNUM})\s+{_HI_SPAN_NOUN}{_E}"
            rf"|{_B}(?i:last|next|this|earlier\s+this|later\s+this)\s+(?:(?i:week|month|year|weekend|{_EDP})|{_EW}|{_EM_FULL}){_E}"
            rf"|{_B}(?i:today|yesterday|tomorrow|tonight){_E}"
            rf"|{_B}(?:{_D}+|{_ENUM}|(?i:a\s+few|several))\s+(?i:days|weeks|months|years)\s+(?i:ago|later|earlier){_E}",
        ),
        (
            "date_month",
            "date_relative",
            rf"{_B}{_HM_BARE}{_E}"
            rf"|(?:(?<=(?i:\b(?:in|since|until|till|by|from|during|early|late))\s+)|(?<=(?i:\bmid)-)){_EM_FULL}{_E}",
        ),
    )
)


def _valid_date(m: regex.Match[str]) -> bool:
    groups = m.groupdict()
    if groups.get("day") is not None and not 1 <= _int(groups["day"]) <= 31:
        return False
    if groups.get("month") is not None and not 1 <= _int(groups["month"]) <= 12:
        return False
    year = groups.get("year")
    return year is None or len(year) == 2 or 1900 <= _int(year) <= 2099


def find_dates(text: str) -> list[Suggestion]:
    """DATE candidates of every date rule (overlapping; :func:`find` keeps the longest)."""
    out: list[Suggestion] = []
    for name, score, pattern in _DATE_RULES:
        for m in pattern.finditer(text):
            if _valid_date(m):
                out.append(Suggestion(m.start(), m.end(), "DATE", "entity", "rules", score, name))
    return out


# ---------------------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------------------

_DIGITS_NUM = rf"{_D}+(?:[.,]{_D}+)*"
_APPROX = rf"(?:{_alt(HI_APPROX)}|{_en(EN_APPROX)})\s+"
_SCALE = rf"(?:\s+(?:{_alt(HI_SCALES)}|(?i:{'|'.join(EN_SCALES)})){_E})?"
_NUMBER_RE = regex.compile(
    rf"(?:{_B}{_APPROX})?"
    rf"(?:(?P<digits>(?<![\p{{L}}\p{{M}}\p{{Nd}}_])(?<!{_D}[.,/:])(?<![\p{{L}}\p{{M}}][-‐‑])"
    rf"{_DIGITS_NUM}(?:\s*[-–]\s*{_DIGITS_NUM})?(?![.,/:-]?\p{{Nd}})(?![\p{{L}}\p{{M}}_]))"
    rf"|(?P<hiword>{_B}(?:{_HNUM}|{_deva('एक')})(?=\s+[\p{{L}}\p{{Nd}}])(?!\s+{_deva('टूक')}){_E})"
    rf"|(?P<enword>{_B}(?:{_ENUM}|(?i:one)){_E}))"
    rf"{_SCALE}"
)
_VAGUE_RE = regex.compile(rf"{_B}(?:{_alt(HI_VAGUE)}|(?i:{'|'.join(EN_VAGUE)})){_E}")
_HI_CASUALTY_AFTER = regex.compile(
    rf"\s+(?:{_alt(HI_COUNTED)}\s+){{0,3}}(?:{_alt(('की', 'के', 'का', 'हुए', 'हुई', 'हो गए', 'हो गई'))}\s+)?"
    rf"{_alt(HI_CASUALTY)}{_E}"
)
_EN_CASUALTY_AFTER = regex.compile(
    rf"\s+(?i:(?:(?:{'|'.join(EN_COUNTED)})\s+){{0,3}}"
    rf"(?:(?:were|was|are|is|have\s+been|had\s+been|has\s+been|got|reportedly|were\s+reportedly)\s+)?"
    rf"(?:{'|'.join(EN_CASUALTY)})){_E}"
)
_CASUALTY_BEFORE = regex.compile(
    rf"(?:(?i:\b(?:{'|'.join(EN_CASUALTY_BEFORE)})|\b(?:death\s+)?toll\s+(?:\w+\s+){{0,2}}(?:to|at|of))"
    rf"|{_alt(('मृतकों', 'मरने वालों', 'घायलों', 'मृतकों की संख्या', 'घायलों की संख्या'))}\s+(?:{_deva('की संख्या')}\s+)?"
    rf"(?:{_alt(('बढ़कर', 'अब'))}\s+)?)\s+\Z"
)


def find_numbers(text: str) -> list[Suggestion]:
    """NUM candidates: numbers (with casualty counts marked as such) and vague quantities."""
    out: list[Suggestion] = []
    for m in _NUMBER_RE.finditer(text):
        start, end = m.span()
        is_casualty = bool(
            _HI_CASUALTY_AFTER.match(text, end)
            or _EN_CASUALTY_AFTER.match(text, end)
            or _CASUALTY_BEFORE.search(text, max(0, start - 40), start)
        )
        word = m.group("hiword") or m.group("enword")
        if word is not None and word.strip().casefold() in ("one", "एक") and not is_casualty:
            continue  # an article, unless it counts a casualty ("one soldier was killed")
        if is_casualty:
            out.append(
                Suggestion(
                    start, end, "NUM", "entity", "rules", RULE_SCORES["casualty_count"], "casualty_count"
                )
            )
        elif word is not None:
            out.append(
                Suggestion(start, end, "NUM", "entity", "rules", RULE_SCORES["number_word"], "number_word")
            )
        else:
            out.append(Suggestion(start, end, "NUM", "entity", "rules", RULE_SCORES["number"], "number"))
    for m in _VAGUE_RE.finditer(text):
        out.append(
            Suggestion(
                m.start(), m.end(), "NUM", "entity", "rules", RULE_SCORES["number_vague"], "number_vague"
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------------
# Event triggers
# ---------------------------------------------------------------------------------------------------------

# One line per lemma: event type, score, lemma, then its forms separated by "|" (matched as whole words, see
# the module docstring). A lemma may continue on further lines.
_TRIGGER_TABLE = """
ATTACK 0.6 हमला: हमला|हमले|हमलों
ATTACK 0.6 विस्फोट: विस्फोट|विस्फोटों|धमाका|धमाके|धमाकों|ब्लास्ट|आईईडी ब्लास्ट
ATTACK 0.6 गोलीबारी: गोलीबारी|फ़ायरिंग|गोलियां चलाईं|गोली चलाई|गोली मार दी|गोली मारी
ATTACK 0.6 आगजनी: आगजनी|आग लगा दी|आग लगाई
ATTACK 0.5 पथराव: पथराव|पत्थरबाज़ी
ATTACK 0.6 लिंचिंग: लिंचिंग|पीट-पीटकर
ATTACK 0.6 attack: attack|attacks|attacked|attacking|grenade attack|terror attack
ATTACK 0.6 blast: blast|blasts|explosion|explosions|bombing|bombings|bombed
ATTACK 0.6 shooting: shooting|opened fire|open fire|fired at|firing|shelling|shot at
ATTACK 0.6 ambush: ambush|ambushed|stormed|arson|torched|lynched|lynching
ATTACK 0.5 stone pelting: stone pelting|stone-pelting
DIE 0.6 मौत: मौत|मौतें|मौतों
DIE 0.6 मारे गए: मारे गए|मारे गये|मारा गया|मारी गई|मारी गयी|मार डाला|मार डाले|मार डाली|मार गिराया|मार गिराए
DIE 0.6 शहीद: शहीद
DIE 0.6 हत्या: हत्या|हत्याओं
DIE 0.6 दम तोड़ा: दम तोड़ा|दम तोड़ दिया|जान गंवाई|जान चली गई|मृत पाया गया|मृत पाए गए
DIE 0.4 ढेर: ढेर
DIE 0.5 आत्महत्या: आत्महत्या|ख़ुदकुशी
DIE 0.6 killed: killed|kill|kills|killing|killings|shot dead|gunned down|slain
DIE 0.6 died: died|dies|dead|death|deaths|succumbed|martyred|lost their lives|lost his life|lost her life
DIE 0.5 neutralised: neutralised|neutralized|eliminated|suicide
INJURE 0.6 घायल: घायल|घायलों|ज़ख़्मी|चोटिल
INJURE 0.6 injured: injured|injuring|injures|injuries|wounded|wounding|hurt
ABDUCT 0.6 अपहरण: अपहरण|अपहृत|अगवा|बंधक बना लिया|बंधक बनाया|बंधक बनाए
ABDUCT 0.4 बंधक: बंधक
ABDUCT 0.6 kidnapped: kidnapped|kidnapping|kidnap|abducted|abduction|abduct|held hostage|taken hostage
ABDUCT 0.4 hostage: hostage|hostages
ARREST 0.6 गिरफ़्तार: गिरफ़्तार|गिरफ़्तारी|गिरफ़्तारियां
ARREST 0.6 हिरासत में लिया: हिरासत में लिया|हिरासत में लिए|हिरासत में ली|हिरासत में लेकर|दबोचा|दबोचे|दबोची
ARREST 0.4 पकड़ा: पकड़ा|पकड़े गए|पकड़ा गया
ARREST 0.6 arrested: arrested|arrest|arrests|arresting|detained|detention|apprehended|nabbed
ARREST 0.6 arrested: taken into custody
SECURITY_OPERATION 0.6 मुठभेड़: मुठभेड़|मुठभेड़ों|एनकाउंटर
SECURITY_OPERATION 0.6 तलाशी अभियान: तलाशी अभियान|सघन तलाशी अभियान|सर्च ऑपरेशन|कॉम्बिंग ऑपरेशन|संयुक्त अभियान
SECURITY_OPERATION 0.6 तलाशी अभियान: घेराबंदी और तलाशी अभियान|नक्सल विरोधी अभियान|आतंकवाद विरोधी अभियान
SECURITY_OPERATION 0.6 छापेमारी: छापेमारी|छापा|छापे|छापों|घेराबंदी|एयर स्ट्राइक|सर्जिकल स्ट्राइक|हवाई हमला|हवाई हमले
SECURITY_OPERATION 0.4 अभियान: अभियान|ऑपरेशन
SECURITY_OPERATION 0.6 encounter: encounter|encounters|gunfight|search operation|cordon and search
SECURITY_OPERATION 0.6 encounter: combing operation|cordon and search operation|raid|raids|raided|cordon
SECURITY_OPERATION 0.6 encounter: cordoned|crackdown
SECURITY_OPERATION 0.6 encounter: airstrike|airstrikes|air strike|surgical strike|surgical strikes
SECURITY_OPERATION 0.4 operation: operation|operations
MEET 0.6 मुलाक़ात: मुलाक़ात|मुलाक़ातें|बैठक|बैठकें|बैठकों|वार्ता|शिखर सम्मेलन|फ़्लैग मीटिंग|भेंट
MEET 0.5 बातचीत: बातचीत|सम्मेलन
MEET 0.6 met: met|meet|meets|meeting|meetings|talks|summit|held talks|held discussions|flag meeting
MEET 0.6 met: bilateral talks
STATEMENT 0.6 बयान: बयान|बयानों|कहा|कहना|बताया|निंदा|दावा|चेतावनी दी|ज़िम्मेदारी ली|ज़िम्मेदारी लेते हुए
STATEMENT 0.5 चेतावनी: चेतावनी|घोषणा|आरोप लगाया
STATEMENT 0.4 लिखा: लिखा
STATEMENT 0.6 said: said|says|stated|statement|statements|warned|condemned|condemn|condemns|claimed
STATEMENT 0.6 said: claimed responsibility|announced|welcomed
STATEMENT 0.5 told: told|warning|accused|tweeted|alleged|say
DESIGNATE 0.6 प्रतिबंधित: प्रतिबंधित|प्रतिबंध लगाया|प्रतिबंध लगा दिया|आतंकी संगठन घोषित|आतंकवादी संगठन घोषित
DESIGNATE 0.6 प्रतिबंधित: आतंकी घोषित|आतंकवादी घोषित
DESIGNATE 0.5 प्रतिबंध: प्रतिबंध|नामित
DESIGNATE 0.6 designated: designated|designates|designation|banned|sanctioned|blacklisted|proscribed|outlawed
DESIGNATE 0.5 sanctions: sanctions|ban
AGREE 0.6 समझौता: समझौता|समझौते|समझौतों|शांति समझौता|सहमति|सहमत|संघर्ष विराम|संघर्षविराम|युद्धविराम|करार
AGREE 0.6 agreement: agreement|agreements|agreed|accord|ceasefire|cease-fire|truce|MoU|peace pact|pact
AGREE 0.5 signed: signed|agree
AGREE 0.4 deal: deal
PROTEST 0.6 प्रदर्शन: प्रदर्शन|प्रदर्शनों|विरोध प्रदर्शन|धरना|धरने|धरना प्रदर्शन|हड़ताल|चक्का जाम|नारेबाज़ी
PROTEST 0.6 प्रदर्शन: कैंडल मार्च|जुलूस
PROTEST 0.5 रैली: रैली
PROTEST 0.6 protest: protest|protests|protested|protesting|demonstration|demonstrations|sit-in|bandh
PROTEST 0.6 protest: riot|riots|rioting|agitation|candle march
PROTEST 0.5 rally: rally|rallies|shutdown
"""


def _trigger_table(table: str) -> dict[str, dict[str, tuple[float, tuple[str, ...]]]]:
    out: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = {}
    for line in table.strip().splitlines():
        head, forms = line.split(": ", 1)
        label, score, lemma = head.split(" ", 2)
        old = out.setdefault(label, {}).get(lemma, (float(score), ()))
        out[label][lemma] = (old[0], (*old[1], *forms.split("|")))
    return out


TRIGGERS = _trigger_table(_TRIGGER_TABLE)
"""event type → {lemma: (score, forms)}"""

_TRIGGER_INFO: list[tuple[str, float, str]] = []
_TRIGGERS = Lexicon()
for _label, _lemmas in TRIGGERS.items():
    for _lemma, (_score, _forms) in _lemmas.items():
        _TRIGGER_INFO.append((_label, _score, f"trigger_lexicon:{_lemma}"))
        for _form in _forms:
            _TRIGGERS.add(
                [exact for exact, _ in name_units(_form, phonetic=False)], len(_TRIGGER_INFO) - 1, _score
            )

_MET_RE = regex.compile(
    rf"(?<={_B}{_deva('से')}\s+){_alt(('मिले', 'मिलीं'))}"
    rf"(?=\s+{_alt(('थे', 'थीं', 'हैं', 'और', 'तथा', 'व'))}{_E}|\s*[।,.!?]|\s*$)"
)


def find_triggers(text: str, units: list[Unit] | None = None) -> list[Suggestion]:
    """Event trigger suggestions (kind "event"), non-overlapping, in text order."""
    if units is None:
        units = cached_units(text)
    out = [
        Suggestion(
            h.start,
            h.end,
            _TRIGGER_INFO[h.payload][0],
            "event",
            "rules",
            h.score,
            _TRIGGER_INFO[h.payload][2],
        )
        for h in _TRIGGERS.find(units)
    ]
    taken = [(s.start, s.end) for s in out]
    for m in _MET_RE.finditer(text):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            out.append(
                Suggestion(
                    m.start(), m.end(), "MEET", "event", "rules", RULE_SCORES["trigger_met"], "trigger_met"
                )
            )
    out.sort(key=lambda s: (s.start, s.end))
    return out


# ---------------------------------------------------------------------------------------------------------
# All rules
# ---------------------------------------------------------------------------------------------------------

_ENTITY_PRIORITY = {"DATE": 0, "NUM": 1}


def _blocked(units: list[Unit]) -> list[tuple[int, int]]:
    """URLs, @handles and #hashtags: no rule matches inside them."""
    return [(u.start, u.end) for u in units if not u.keys and u.end > u.start]


def find(text: str) -> list[Suggestion]:
    """Every rule suggestion in ``text`` (offsets: code points of ``text``), sorted by (start, end).

    DATE and NUM suggestions do not overlap one another (longest first, then DATE, then the higher
    score, then the earlier); triggers do not overlap one another either, but may overlap entities.
    """
    units = cached_units(text)
    blocked = _blocked(units)
    candidates = [
        s
        for s in (*find_dates(text), *find_numbers(text))
        if not any(a < s.end and s.start < b for a, b in blocked)
    ]
    candidates.sort(key=lambda s: (s.start - s.end, _ENTITY_PRIORITY[s.label], -s.score, s.start))
    chosen: list[Suggestion] = []
    for s in candidates:
        if not any(c.start < s.end and s.start < c.end for c in chosen):
            chosen.append(s)
    triggers = [
        s for s in find_triggers(text, units) if not any(a < s.end and s.start < b for a, b in blocked)
    ]
    return sorted((*chosen, *triggers), key=lambda s: (s.start, s.end, s.kind))
