//! The words of a transcript as the public search indexes them, in any of the languages
//! testimonies are given in (Kazakh, Russian, English, Chinese, Uyghur, Turkish, Arabic):
//!
//! - runs of letters and digits are words, in lower case (Turkish `İ` and `I` fold to `i`,
//!   Cyrillic `ё` to `е`), accents kept but the combining dot of a lower-cased `İ` dropped;
//! - Arabic-script words lose their short vowels and tatweel, and the letters written more than
//!   one way are written one way (`أ إ آ ٱ` → `ا`, `ى` → `ي`, `ة` → `ه`, `ك` → `ک`), so that
//!   Uyghur and Arabic spellings with and without marks find each other;
//! - Chinese, Japanese and Korean text has no spaces between words: each run of it becomes its
//!   overlapping pairs of characters (`再教育营` → `再教 教育 育营`), a single character itself, so
//!   that any word of two or more characters is found as a phrase of pairs.

/// The tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut word, mut cjk) = (String::new(), Vec::<char>::new());
    for c in text.chars() {
        if is_cjk(c) {
            flush_word(&mut word, &mut out);
            cjk.push(c);
        } else if c.is_alphanumeric() || is_mark(c) {
            flush_cjk(&mut cjk, &mut out);
            fold_into(c, &mut word);
        } else {
            flush_word(&mut word, &mut out);
            flush_cjk(&mut cjk, &mut out);
        }
    }
    flush_word(&mut word, &mut out);
    flush_cjk(&mut cjk, &mut out);
    out
}

/// The tokens of `tokens` that find them as a phrase, with their places: all but, of a run of
/// overlapping pairs of characters, those whose two characters the pairs kept already hold
/// (`再教 教育 育营` needs `再教` and `育营`): fewer lists for the search engine to read.
pub fn phrase(tokens: &[String]) -> Vec<(usize, &str)> {
    let pair = |t: &str| t.chars().count() == 2 && t.chars().all(is_cjk);
    let mut kept: Vec<(usize, &str)> = Vec::new();
    // How many pairs in a row come before token `k`.
    let mut run = 0;
    for (k, token) in tokens.iter().enumerate() {
        run = if pair(token) { run + 1 } else { 0 };
        let last_of_run = tokens.get(k + 1).is_none_or(|next| !pair(next));
        if run == 0 || run % 2 == 1 || last_of_run {
            kept.push((k, token));
        }
    }
    kept
}

fn flush_word(word: &mut String, out: &mut Vec<String>) {
    if !word.is_empty() {
        out.push(std::mem::take(word));
    }
}

fn flush_cjk(run: &mut Vec<char>, out: &mut Vec<String>) {
    match run.len() {
        0 => {}
        1 => out.push(run[0].to_string()),
        _ => out.extend(run.windows(2).map(|pair| pair.iter().collect::<String>())),
    }
    run.clear();
}

/// Appends `c` to `word` as it is indexed (nothing, for a mark that is dropped).
fn fold_into(c: char, word: &mut String) {
    match c {
        'İ' | 'I' | 'ı' => word.push('i'),
        'Ё' | 'ё' => word.push('е'),
        'أ' | 'إ' | 'آ' | 'ٱ' => word.push('ا'),
        'ى' => word.push('ي'),
        'ة' => word.push('ه'),
        'ك' => word.push('ک'),
        '\u{0640}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0307}' => {}
        c => word.extend(c.to_lowercase().filter(|&l| l != '\u{0307}')),
    }
}

/// A combining mark that belongs to the letter before it.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
}

/// Chinese characters, kana and Hangul: scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'   // kana
        | '\u{3400}'..='\u{4DBF}' // CJK extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
        | '\u{AC00}'..='\u{D7AF}' // Hangul syllables
        | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
        | '\u{20000}'..='\u{2FA1F}')
}

#[cfg(test)]
mod tests {
    use super::tokens;

    #[test]
    fn words_are_lower_cased_and_folded() {
        assert_eq!(
            tokens("He was taken, in 2018, to the CAMP."),
            ["he", "was", "taken", "in", "2018", "to", "the", "camp"]
        );
        assert_eq!(tokens("İstanbul'da Işık"), ["istanbul", "da", "işik"]);
        assert_eq!(tokens("Её забрали в лагерь"), ["ее", "забрали", "в", "лагерь"]);
        assert_eq!(tokens("Әкемді лагерьге апарды"), ["әкемді", "лагерьге", "апарды"]);
    }

    #[test]
    fn arabic_script_is_found_with_or_without_its_marks() {
        assert_eq!(tokens("مُعَسْكَر"), tokens("معسكر"));
        assert_eq!(tokens("أحمد"), tokens("احمد"));
        // Uyghur's ى and Arabic's ي are one letter to search, as are the two kafs.
        assert_eq!(tokens("لاگېرغا ئېلىپ كەتتى"), ["لاگېرغا", "ئېليپ", "\u{6A9}ەتتي"]);
    }

    #[test]
    fn a_phrase_keeps_of_a_run_of_pairs_those_that_hold_every_character() {
        let kept =
            |text: &str| super::phrase(&tokens(text)).into_iter().map(|(k, t)| format!("{k}:{t}")).collect::<Vec<_>>();
        assert_eq!(kept("再教育营"), ["0:再教", "2:育营"]);
        assert_eq!(kept("他被送进再教育营"), ["0:他被", "2:送进", "4:再教", "6:育营"]);
        // An odd run keeps its last pair too, overlapping the one before.
        assert_eq!(kept("再教育"), ["0:再教", "1:教育"]);
        assert_eq!(kept("我的父亲说"), ["0:我的", "2:父亲", "3:亲说"]);
        // Words of other scripts and single characters are all kept; each run on its own.
        assert_eq!(kept("2018年被捕 urumqi 营"), ["0:2018", "1:年被", "2:被捕", "3:urumqi", "4:营"]);
        assert_eq!(kept("in the camp"), ["0:in", "1:the", "2:camp"]);
    }

    #[test]
    fn chinese_becomes_pairs_of_characters() {
        assert_eq!(tokens("他被送进再教育营。"), ["他被", "被送", "送进", "进再", "再教", "教育", "育营"]);
        assert_eq!(tokens("营"), ["营"]);
        // Mixed with other scripts, each run on its own.
        assert_eq!(tokens("2018年被捕 Urumqi"), ["2018", "年被", "被捕", "urumqi"]);
    }
}
