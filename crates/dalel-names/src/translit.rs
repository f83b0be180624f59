//! Transliteration of one name part into plain Latin letters (a–z), from any script it may be
//! written in. The output is not a spelling for people to read: it is the common ground that
//! [`crate::key`] folds further.
//!
//! - Cyrillic: Russian, Kazakh (ә і ң ғ ү ұ қ ө һ), Kyrgyz (ң ө ү) and Ukrainian letters.
//! - Arabic script: the Uyghur alphabet (UEY, vowels written: ئا ئە ې ى و ۇ ۆ ۈ) and the Arabic and
//!   Persian consonants.
//! - Latin: diacritics dropped after the letters that several alphabets spell differently are
//!   spelled one way: Kazakh Latin 2017/2018/2021 (ı, á, ǵ, ń, ó, ú, ş, ç, sh), Turkish, Uyghur
//!   Latin (ULY), Slavic carons.
//! - Han: the characters read as they are used to transcribe foreign and Turkic names. The table
//!   is learned from the dev name groups (`data/han-readings.tsv`, made by
//!   `scripts/learn-han-readings.py`); `data/han-turkic.tsv` adds the readings that Uyghur and
//!   Kazakh names take in Chinese documents (江 at a name's end is `jan`).

use std::collections::HashMap;
use std::sync::LazyLock;

fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'ә' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'ғ' => "gh",
        'д' => "d",
        'е' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'қ' => "q",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'ң' => "ng",
        'о' => "o",
        'ө' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ў' => "v",
        'ұ' => "u",
        'ү' => "u",
        'ф' => "f",
        'х' => "kh",
        'һ' => "h",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        'ј' => "y",
        'џ' => "j",
        'ђ' => "dj",
        'ћ' => "ch",
        'љ' => "lj",
        'њ' => "nj",
        _ => return None,
    })
}

fn arabic(c: char) -> Option<&'static str> {
    Some(match c {
        'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ة' => "a",
        'ە' => "e",
        'ب' => "b",
        'پ' => "p",
        'ت' | 'ط' => "t",
        'ث' | 'س' | 'ص' => "s",
        'ج' => "j",
        'چ' => "ch",
        'ح' | 'ه' | 'ھ' => "h",
        'خ' => "kh",
        'د' => "d",
        'ذ' | 'ز' | 'ض' | 'ظ' => "z",
        'ر' => "r",
        'ژ' => "zh",
        'ش' => "sh",
        'ع' | 'ء' | 'ئ' | 'ؤ' => "",
        'غ' => "gh",
        'ف' => "f",
        'ق' => "q",
        'ك' | 'ک' => "k",
        'گ' => "g",
        'ڭ' => "ng",
        'ل' => "l",
        'م' => "m",
        'ن' => "n",
        'و' => "o",
        'ۇ' => "u",
        'ۆ' => "o",
        'ۈ' => "u",
        'ۋ' => "w",
        'ې' => "e",
        'ى' | 'ي' | 'ی' => "i",
        _ => return None,
    })
}

/// Latin letters that no decomposition turns into plain a–z, or that alphabets spell differently.
fn latin_special(c: char) -> Option<&'static str> {
    Some(match c {
        'ı' => "i",
        'ə' | 'ä' | 'á' | 'æ' => "a",
        'ş' | 'š' | 'ș' | 'ś' => "sh",
        'ç' | 'č' | 'ć' => "ch",
        'ž' => "zh",
        'ğ' | 'ǵ' => "gh",
        'ñ' | 'ń' => "ng",
        'ö' | 'ó' | 'ø' | 'œ' => "o",
        'ü' | 'ú' => "u",
        'ß' => "ss",
        'đ' => "d",
        'ł' => "l",
        'þ' => "th",
        _ => return None,
    })
}

/// At most one run of vowels: one syllable, as a Chinese character is read in Chinese. The
/// learned table's most frequent reading is often a Japanese one of two syllables (山 yama,
/// 川 kawa), from the many Japanese names in the dev groups.
fn one_syllable(reading: &str) -> bool {
    let mut runs = 0;
    let mut in_vowels = false;
    for c in reading.chars() {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
        if vowel && !in_vowels {
            runs += 1;
        }
        in_vowels = vowel;
    }
    runs <= 1
}

/// A character's readings: the most frequent, and the most frequent of one syllable.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Readings {
    first: String,
    syllable: String,
}

/// `character<TAB>reading:count reading:count...`, most frequent first.
fn parse_han_table(text: &str) -> impl Iterator<Item = (char, Readings)> + '_ {
    text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).filter_map(|line| {
        let (c, readings) = line.split_once('\t')?;
        let c = c.chars().next()?;
        let readings: Vec<&str> = readings.split_whitespace().filter_map(|r| r.split(':').next()).collect();
        let first = readings.first()?.to_string();
        let syllable = readings.iter().find(|r| one_syllable(r)).map_or(first.clone(), |r| r.to_string());
        Some((c, Readings { first, syllable }))
    })
}

static HAN: LazyLock<HashMap<char, Readings>> = LazyLock::new(|| {
    let mut table: HashMap<char, Readings> = parse_han_table(include_str!("../data/han-readings.tsv")).collect();
    table.extend(parse_han_table(include_str!("../data/han-turkic.tsv")));
    table
});

/// `true` for the CJK ideographs that a name may be written in.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The Latin letters of one normalised (lower-case, NFC) name part.
pub fn to_latin(part: &str) -> String {
    latin_with(part, false)
}

/// A second reading of a part written in Chinese characters, every character read as one
/// syllable (山 san rather than yama); it may equal [`to_latin`]'s.
pub fn han_syllable_reading(part: &str) -> Option<String> {
    part.chars().any(is_han).then(|| latin_with(part, true))
}

fn latin_with(part: &str, syllables: bool) -> String {
    let mut out = String::with_capacity(part.len());
    let chars: Vec<char> = part.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_lowercase() {
            out.push(c);
        } else if c == 'ё' {
            // ё is yo at the start of a word or after a vowel (Ёлдыз, Айёл), o after a
            // consonant (Сёмён, Semyon and Semon; Kazakh ө and Turkish ö are o too).
            let after_consonant = i > 0 && !"аәеёиіоөуұүыэюяaeiou".contains(chars[i - 1]);
            out.push_str(if after_consonant { "o" } else { "yo" });
        } else if let Some(s) = latin_special(c).or_else(|| cyrillic(c)).or_else(|| arabic(c)) {
            out.push_str(s);
        } else if is_han(c) {
            // 江 ends many Uyghur and Kazakh names (Serikjan): there it reads jan, not jiang.
            if c == '江' && i + 1 == chars.len() && i > 0 {
                out.push_str("jan");
            } else if let Some(r) = HAN.get(&c) {
                out.push_str(if syllables { &r.syllable } else { &r.first });
            }
        } else {
            // A Latin letter with diacritics: its base letter.
            let mut base = [0u8; 4];
            for d in
                icu_normalizer::DecomposingNormalizerBorrowed::new_nfd().normalize(c.encode_utf8(&mut base)).chars()
            {
                if d.is_ascii_lowercase() {
                    out.push(d);
                } else if d.is_ascii_uppercase() {
                    out.push(d.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_meet_in_latin() {
        assert_eq!(to_latin("серікжан"), "serikzhan");
        assert_eq!(to_latin("біләш"), "bilash");
        assert_eq!(to_latin("serıkjan"), "serikjan");
        assert_eq!(to_latin("bilaş"), "bilash");
        assert_eq!(to_latin("nurlan"), "nurlan");
        assert_eq!(to_latin("ئابدۇللا"), "abdulla");
        assert_eq!(to_latin("gülnar"), "gulnar");
        assert_eq!(to_latin("josé"), "jose");
        assert_eq!(to_latin("пётр"), "potr");
        assert_eq!(to_latin("ёлдыз"), "yoldyz");
        // Kazakh Latin of 2018 (acute accents) and 2021 (cedillas, breves).
        assert_eq!(to_latin("bilaś"), "bilash");
        assert_eq!(to_latin("ǵalym"), "ghalym");
        assert_eq!(to_latin("ğalym"), "ghalym");
    }

    #[test]
    fn han_reads_as_in_transcribed_names() {
        assert_eq!(to_latin("什"), "shi");
        assert!(to_latin("赛力克江").ends_with("jan"), "{}", to_latin("赛力克江"));
        assert_eq!(to_latin("江"), HAN[&'江'].first);
    }

    #[test]
    fn chinese_characters_have_a_one_syllable_reading_too() {
        assert_eq!(to_latin("山本"), "yamamoto");
        assert_eq!(han_syllable_reading("山本").as_deref(), Some("sanben"));
        assert_eq!(han_syllable_reading("阿").as_deref(), Some("a"));
        assert_eq!(han_syllable_reading("serik"), None);
        assert!(one_syllable("shin") && one_syllable("a") && !one_syllable("yama"));
    }
}
