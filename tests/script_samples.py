"""Sentences written for the project's tests, one news paragraph per script of South Asian security news.

Each is what an article in that language looks like: its full stop (danda ``।``, Urdu ``۔``), its question
mark, digits of its own, ZWJ/ZWNJ where the language's typists put them (Bengali র‍্যাব and র‌্যাব, Sinhala
ශ්‍රී and ප්‍ර, Urdu اسلام‌آباد), letters NFC keeps decomposed (Bengali য়, Gurmukhi ਸ਼ ਫ਼), an English quote
inside an Urdu line. Written for these tests (not copied from any article).
"""

from __future__ import annotations

ZWJ, ZWNJ = "\u200d", "\u200c"

URDU = (
    "پاکستان کے صوبہ خیبر پختونخوا میں پولیس چوکی پر حملے میں تین اہلکار ہلاک ہو گئے۔ "
    "کیا حملہ آور گرفتار ہوئے؟ پولیس کے مطابق، تحریک طالبان پاکستان نے ذمہ داری قبول کر لی ہے۔ "
    f"اسلام{ZWNJ}آباد میں ۱۲ مارچ ۲۰۲۵ کو سکیورٹی سخت کر دی گئی۔"
)
#: an Urdu line quoting an English tweet: a left-to-right run inside a right-to-left paragraph
URDU_MIXED = 'وزیر اعظم نے ٹویٹ کیا: "We stand with the people of Quetta" اور کہا کہ ملزمان کو سزا ملے گی۔'
BENGALI = (
    "বাংলাদেশের চট্টগ্রামে পুলিশের গুলিতে দুইজন নিহত হয়েছেন। "
    f"র{ZWJ}্যাব সদস্যরা ঘটনাস্থলে পৌঁছেছে। কী ঘটেছিল? "
    f"র{ZWNJ}্যাব জানিয়েছে, ২০২৫ সালের ঘটনার উৎস খোঁজা হচ্ছে॥"
)
#: Assamese, in the Bengali script with its own ৰ and ৱ
ASSAMESE = "অসমৰ গুৱাহাটীত আৰক্ষীয়ে দুজন সন্দেহভাজনক গ্ৰেপ্তাৰ কৰিছে।"
GURMUKHI = "ਪੰਜਾਬ ਪੁਲਿਸ ਨੇ ਅੰਮ੍ਰਿਤਸਰ ਵਿੱਚ ਦੋ ਸ਼ੱਕੀ ਵਿਅਕਤੀਆਂ ਨੂੰ ਗ੍ਰਿਫ਼ਤਾਰ ਕੀਤਾ। ਉਨ੍ਹਾਂ ਕੋਲੋਂ ੨ ਪਿਸਤੌਲ ਬਰਾਮਦ ਹੋਏ॥"
NEPALI = (
    "नेपाल प्रहरीले काठमाडौंमा दुई जनालाई पक्राउ गरेको छ। घटनाबारे थप अनुसन्धान भइरहेको छ र प्रहरीले सुरक्षा पनि कडा गरेको छ।"
)
HINDI = "पहलगाम में हुए हमले में 26 लोग मारे गए। पुलिस ने कहा कि हमलावरों की तलाश जारी है।"
TAMIL = "இலங்கையின் யாழ்ப்பாணத்தில் நடந்த தாக்குதலில் மூன்று பேர் உயிரிழந்தனர். ஸ்ரீலங்கா பொலிஸார் விசாரணை நடத்தி வருகின்றனர்."
SINHALA = f"කොළඹ නගරයේ සිදු වූ බෝම්බ ප්{ZWJ}රහාරයෙන් පස් දෙනෙකු මිය ගියහ. ශ්{ZWJ}රී ලංකා පොලිසිය විමර්ශන ආරම්භ කර ඇත."
ENGLISH = "Police in Srinagar said two militants were killed in an encounter on Tuesday."

#: (script, language, text) of every sample
SAMPLES = [
    ("Arab", "ur", URDU),
    ("Arab", "ur", URDU_MIXED),
    ("Beng", "bn", BENGALI),
    ("Beng", "as", ASSAMESE),
    ("Guru", "pa", GURMUKHI),
    ("Deva", "ne", NEPALI),
    ("Deva", "hi", HINDI),
    ("Taml", "ta", TAMIL),
    ("Sinh", "si", SINHALA),
    ("Latn", "en", ENGLISH),
]
