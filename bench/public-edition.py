#!/usr/bin/env python3
"""Writes a synthetic published edition for the live public site's benchmark: DIR/data/entries.jsonl
with N entries (the lines `dalel publish --static` writes, `dalel_web::public::Row`) and
about 3 testimonies' transcripts each, in Kazakh, Russian, English, Chinese, Uyghur, Turkish and
Arabic, and DIR/downloads/HEAD. Names are built from the dev name groups (two parts, each in
Latin and Cyrillic letters, some in Chinese characters or Arabic script); facets are drawn
from skewed distributions. Synthetic people only.

Usage: bench/public-edition.py DIR N [NAME_GROUPS_TSV]
"""
import json
import os
import random
import sys

out, n = sys.argv[1], int(sys.argv[2])
groups_file = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
    os.path.dirname(__file__), "../../shared/data/names/name-variants-dev.tsv")
rng = random.Random(7)

# Name parts with a Latin and a Cyrillic form (and a Chinese or Arabic one where the group has it).
parts = []
with open(groups_file, encoding="utf-8") as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")[1:]
        forms = {}
        for field in fields:
            script, _, form = field.partition(":")
            forms.setdefault(script, form)
        if "Latin" in forms and "Cyrillic" in forms:
            parts.append(forms)
rng.shuffle(parts)
parts = parts[:20000]


def cap(s):
    return s[:1].upper() + s[1:]


# Words of testimonies in each language: a few common ones and many rarer ones (place names,
# people, things), so that a word matches anything from most entries to a handful.
words = {
    "en": "my father brother sister mother son daughter husband wife was taken to the camp in "
          "police detention centre prison we have not heard from him since they said he was "
          "sentenced years for praying travelling abroad phone wechat relatives kazakhstan "
          "released sick hospital village farm teacher imam driver worker".split(),
    "ru": "мой отец брат сестра мать сын дочь муж жена был забран в лагерь полиция "
          "следственный изолятор тюрьма мы ничего не слышали о нём с тех пор сказали осуждён "
          "лет за молитву поездку за границу телефон родственники казахстан освобождён".split(),
    "kk": "әкем ағам әпкем анам ұлым қызым күйеуім әйелім лагерьге апарды полиция түрме "
          "сот жыл бойы хабар жоқ намаз оқығаны үшін шетелге барғаны телефон туыстары "
          "қазақстанда босатылды ауылда мұғалім жүргізуші".split(),
    "zh": ["他被送进再教育营", "我的父亲", "我的哥哥", "被判刑", "派出所", "看守所", "监狱",
           "我们再也没有他的消息", "因为祈祷", "出国旅行", "亲戚在哈萨克斯坦", "被释放", "生病",
           "职业技能教育培训中心", "农民", "老师"],
    "ug": "ئاتام ئاكام ھەدەم ئانام ئوغلۇم قىزىم لاگېرغا ئېلىپ كەتتى ساقچى تۈرمە يىل "
          "خەۋەر يوق ناماز چەتئەلگە تېلېفون تۇغقانلىرى قويۇپ بېرىلدى".split(),
    "tr": "babam ağabeyim ablam annem oğlum kızım kampa götürüldü polis cezaevi yıl haber "
          "yok namaz yurtdışı telefon akrabaları serbest bırakıldı".split(),
    "ar": "أبي أخي أختي أمي ابني ابنتي أخذ إلى المعسكر الشرطة السجن سنوات لم نسمع عنه "
          "الصلاة السفر الهاتف الأقارب أطلق سراحه".split(),
}
rare = [cap(p["Latin"]) for p in parts[:5000]]  # places and people named in passing
languages = list(words)

# Each language's vocabulary: the words above first, then 20,000 more made of its letters, drawn
# with Zipf's law (the word of rank r with weight 1/r), as words are in any text: a few very
# common, most rare.
letters = {
    "en": "abcdefghiklmnoprstuvyz", "tr": "abcçdefgğhıijklmnoöprsştuüvyz",
    "ru": "абвгдежзийклмнопрстуфхцчшыэюя", "kk": "аәбвгғдежзийкқлмнңоөпрстуұүфхһцчшыіэюя",
    "ug": "ئابپتجچخدرزژسشغفقكگڭلمنھوۇۆۈۋېىي", "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
    "zh": "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理",
}


def made_word(lang):
    if lang == "zh":
        return "".join(rng.choice(letters["zh"]) for _ in range(rng.choice([2, 2, 3, 4])))
    return "".join(rng.choice(letters[lang]) for _ in range(rng.randint(4, 10)))


vocabularies, weights = {}, {}
for lang in languages:
    made = [made_word(lang) for _ in range(20000)]
    vocabularies[lang] = words[lang] + made
    weights[lang] = list(__import__("itertools").accumulate(1 / r for r in range(1, len(vocabularies[lang]) + 1)))
language_weights = [20, 25, 30, 10, 10, 3, 2]

ethnicities = ["Kazakh"] * 50 + ["Uyghur"] * 35 + ["Kyrgyz"] * 8 + ["Hui", "Uzbek", "Tatar", "Han"] * 2 \
    + ["Mongol"]
prefectures = ["6540", "6542", "6543", "6501", "6531", "6532", "6529", "6530", "6523", "6528",
               "6527", "6502", "6504", "6505", "6590"]
statuses = ["detained"] * 6 + ["sentenced"] * 4 + ["released"] * 3 + ["disappeared", "deceased",
                                                                        "under_surveillance"]
levels = ["reported"] * 6 + ["partially_verified"] * 3 + ["corroborated"] * 2 + ["documented"]
episodes = ["detention", "sentence", "release", "disappearance", "death", "harassment", "travel_ban"]
ages = ["20–29", "30–39", "40–49", "50–59", "60–69", "30–49", "40–59"]
sentences = ["1–4", "5–9", "10–14", "15–19", "20+", "life"]
facilities = []
with open(os.path.join(os.path.dirname(__file__),
                       "../crates/dalel-model/data/xinjiang-facilities-buzzfeed-2021.tsv"), encoding="utf-8") as f:
    next(f)
    facilities = [l.split("\t")[0] for l in f if l.split("\t")[0].strip()]


def value(v):
    return {"is": v} if v is not None else "unknown"


def transcript(lang):
    k = rng.randint(12, 40)
    chosen = rng.choices(vocabularies[lang], cum_weights=weights[lang], k=k)
    for _ in range(rng.randint(0, 2)):
        chosen.insert(rng.randrange(len(chosen)), rng.choice(rare))
    sep = "，" if lang == "zh" else " "
    return sep.join(chosen) + ("。" if lang == "zh" else ".")


os.makedirs(os.path.join(out, "data"), exist_ok=True)
os.makedirs(os.path.join(out, "downloads"), exist_ok=True)
with open(os.path.join(out, "downloads", "HEAD"), "w") as f:
    f.write("ledger seq 1 head " + "0" * 64 + "\n")
testimonies = 0
with open(os.path.join(out, "data", "entries.jsonl"), "w", encoding="utf-8") as f:
    for i in range(n):
        given, family = rng.choice(parts), rng.choice(parts)
        latin = f"{cap(given['Latin'])} {cap(family['Latin'])}"
        cyrillic = f"{cap(given['Cyrillic'])} {cap(family['Cyrillic'])}"
        names = [latin, cyrillic]
        for script in ("Han", "Arabic"):
            if script in given and script in family and rng.random() < 0.5:
                names.append(given[script] + ("·" if script == "Han" else " ") + family[script])
        prefecture = rng.choice(prefectures) if rng.random() < 0.6 else None
        year = str(rng.choice([2014, 2015, 2016, 2017, 2017, 2018, 2018, 2018, 2019, 2019, 2020, 2021, 2022])) \
            if rng.random() < 0.8 else None
        t = min(rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 3]), 8)
        testimonies += t
        langs = rng.choices(languages, language_weights, k=t)
        row = {
            "id": f"{i:012d}",
            "display": {"en": latin, "kk": cyrillic, "ru": cyrillic, "zh": names[2] if len(names) > 2 and "·" in names[2] else latin},
            "names": names,
            "profile": {
                "ethnicity": value(rng.choice(ethnicities) if rng.random() < 0.9 else None),
                "prefecture": value(prefecture),
                "county": value(prefecture + f"{rng.randint(1, 30):02d}" if prefecture else None),
                "detention_year": value(year),
                "status": value(rng.choice(statuses) if rng.random() < 0.9 else None),
                "level": rng.choice(levels),
                "age": value(rng.choice(ages) if rng.random() < 0.6 else None),
                "sentence": value(rng.choice(sentences) if rng.random() < 0.25 else None),
            },
            "episodes": sorted(set(rng.choices(episodes, [10, 4, 3, 2, 1, 2, 1], k=rng.randint(1, 3)))),
            "facilities": [rng.choice(facilities)] if rng.random() < 0.3 else [],
            "languages": sorted(set(langs)),
            "texts": [transcript(lang) for lang in langs],
        }
        f.write(json.dumps(row, ensure_ascii=False) + "\n")
print(f"{n} entries, {testimonies} testimonies", file=sys.stderr)
