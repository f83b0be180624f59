//! The UI's languages: Project Fluent files in `locales/<lang>/main.ftl`, compiled into the
//! binary: Kazakh, Russian, English, Chinese (simplified) and Uyghur (Arabic script, written right
//! to left: pages say so with [`Lang::dir`]). English labels of controlled
//! vocabularies live in `dalel-model` (`label()`); the other files translate them under their
//! `label_key()`.
//!
//! A handler takes a [`Tr`] argument: the language is the one the user chose (a cookie set by
//! `/lang`), else the first of the browser's `Accept-Language` that the UI speaks, else English.

use std::convert::Infallible;
use std::sync::LazyLock;

use axum::extract::FromRequestParts;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::request::Parts;
use dalel_model::areas::Prefecture;
use dalel_model::{DatePoint, LevelReason, PartialDate};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use icu_collator::options::CollatorOptions;
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::Locale;

/// A language of the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Kk,
    Ru,
    En,
    Zh,
    Ug,
}

/// The cookie that remembers the user's choice.
pub const COOKIE_NAME: &str = "dalel-lang";

impl Lang {
    /// In the order the language switch shows them.
    pub const ALL: [Lang; 5] = [Lang::Kk, Lang::Ru, Lang::En, Lang::Zh, Lang::Ug];

    /// The BCP 47 tag, as in `lang=` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Zh => "zh",
            Lang::Ug => "ug",
        }
    }

    /// Whether its text runs right to left: Uyghur's does.
    pub fn is_rtl(self) -> bool {
        match self {
            Lang::Ug => true,
            Lang::Kk | Lang::Ru | Lang::En | Lang::Zh => false,
        }
    }

    /// The direction its text runs, as in `dir=` attributes: `rtl` or `ltr`.
    pub fn dir(self) -> &'static str {
        if self.is_rtl() { "rtl" } else { "ltr" }
    }

    /// Its place in [`Lang::ALL`].
    pub fn index(self) -> usize {
        Lang::ALL.iter().position(|l| *l == self).expect("every language is in ALL")
    }

    /// The language's name in itself.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Kk => "Қазақша",
            Lang::Ru => "Русский",
            Lang::En => "English",
            Lang::Zh => "中文",
            Lang::Ug => "ئۇيغۇرچە",
        }
    }

    /// The language of a tag such as `kk`, `ru-RU` or `en-GB`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The user's most preferred language that the UI speaks, from an `Accept-Language` value.
    pub fn negotiate(accept_language: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, usize, Lang)> = accept_language
            .split(',')
            .enumerate()
            .filter_map(|(i, item)| {
                let mut parts = item.split(';');
                let lang = Lang::from_tag(parts.next()?)?;
                let q = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (q > 0.0).then_some((q, i, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }

    /// The Fluent source of this language.
    pub fn source(self) -> &'static str {
        match self {
            Lang::Kk => include_str!("../locales/kk/main.ftl"),
            Lang::Ru => include_str!("../locales/ru/main.ftl"),
            Lang::En => include_str!("../locales/en/main.ftl"),
            Lang::Zh => include_str!("../locales/zh/main.ftl"),
            Lang::Ug => include_str!("../locales/ug/main.ftl"),
        }
    }

    /// The bytes that put `text` in this language's alphabetical order when compared as bytes
    /// (the Unicode Collation Algorithm with CLDR's rules for the language: Kazakh's Ә after А,
    /// Chinese characters by their pinyin), for sorting lists of names.
    pub fn sort_key(self, text: &str) -> Vec<u8> {
        static COLLATORS: LazyLock<Vec<CollatorBorrowed<'static>>> = LazyLock::new(|| {
            Lang::ALL
                .into_iter()
                .map(|lang| {
                    let locale = Locale::try_from_str(lang.code()).expect("a valid language tag");
                    // Compiled-in CLDR data, for a language the data has (a test checks each);
                    // an unknown one would get the root order.
                    Collator::try_new(locale.into(), CollatorOptions::default()).expect("compiled collation data")
                })
                .collect()
        });
        let mut key = Vec::new();
        let Ok(()) = COLLATORS[self.index()].write_sort_key_to(text, &mut key);
        key
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
            Lang::ALL
                .into_iter()
                .map(|lang| {
                    // The files are part of the program and tested: a syntax error is a bug.
                    let resource = FluentResource::try_new(lang.source().to_string())
                        .unwrap_or_else(|(_, errors)| panic!("locales/{}/main.ftl: {errors:?}", lang.code()));
                    let tag = lang.code().parse().expect("a valid language tag");
                    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
                    // No invisible isolation marks around every number; the pages wrap names
                    // that may run right to left in `bdi` themselves.
                    bundle.set_use_isolating(false);
                    bundle.add_resource(resource).expect("message ids are unique");
                    bundle
                })
                .collect()
        });
        &BUNDLES[self.index()]
    }
}

/// The translations of one request's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr(pub Lang);

impl Tr {
    pub fn lang(self) -> Lang {
        self.0
    }

    /// The message `id`.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with its variables.
    pub fn t_with(self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    /// A controlled vocabulary's term: its translation, or the model's English label.
    pub fn term(self, key: &str, english: &str) -> String {
        match self.0 {
            Lang::En => english.to_string(),
            lang => Tr::lookup(lang, key, None).unwrap_or_else(|| english.to_string()),
        }
    }

    /// A partial date in the reader's language: `12 March 1965`, `1965 жылғы 12 наурыз`,
    /// `1965年3月12日`; about, and ranges, as the language says them.
    pub fn date(self, date: &PartialDate) -> String {
        let point = |p: DatePoint| {
            let year = ("year", FluentValue::from(p.year.to_string()));
            match (p.month, p.day) {
                (Some(m), Some(d)) => self.t_with(
                    "date-day",
                    &[year, ("month", self.t(&format!("month-{m}-of")).into()), ("day", d.to_string().into())],
                ),
                (Some(m), None) => self.t_with("date-month", &[year, ("month", self.t(&format!("month-{m}")).into())]),
                _ => self.t_with("date-year", &[year]),
            }
        };
        let core = if date.is_range() {
            self.t_with("date-range", &[("from", point(date.start()).into()), ("to", point(date.end()).into())])
        } else {
            point(date.start())
        };
        if date.is_approximate() { self.t_with("date-about", &[("date", core.into())]) } else { core }
    }

    /// A prefecture's name in the reader's language: Chinese and Uyghur have their own, the
    /// others read the English one.
    pub fn prefecture(self, p: &Prefecture) -> String {
        match self.0 {
            Lang::Zh => p.name_zh,
            Lang::Ug => p.name_ug,
            Lang::Kk | Lang::Ru | Lang::En => p.name_en,
        }
        .to_string()
    }

    /// Why an entry has its evidence level.
    pub fn level_reason(self, reason: LevelReason) -> String {
        match reason {
            LevelReason::OfficialDocument => self.t("level-official"),
            LevelReason::EvidenceFiles(n) => self.t_with("level-files", &[("count", n.into())]),
            LevelReason::IndependentSources(n) => self.t_with("level-independent", &[("count", n.into())]),
            LevelReason::ValidIdNumber => self.t("level-valid-id"),
            LevelReason::FullBirthDate => self.t("level-full-birth"),
            LevelReason::OneSource => self.t("level-one-source"),
        }
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        // Tests check that every language has every message; English is the fallback.
        Tr::lookup(self.0, id, args).or_else(|| Tr::lookup(Lang::En, id, args)).unwrap_or_else(|| id.to_string())
    }

    fn lookup(lang: Lang, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        let bundle = lang.bundle();
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        Some(bundle.format_pattern(pattern, args, &mut errors).into_owned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Tr, Infallible> {
        let chosen = crate::auth::cookie(&parts.headers, COOKIE_NAME).and_then(Lang::from_tag);
        let preferred = || parts.headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::negotiate);
        Ok(Tr(chosen.or_else(preferred).unwrap_or(Lang::En)))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use dalel_model::*;
    use fluent_bundle::FluentResource;
    use fluent_syntax::ast::Entry;

    use super::*;

    fn ids(lang: Lang) -> BTreeSet<String> {
        let resource = FluentResource::try_new(lang.source().to_string()).expect("parses");
        resource
            .entries()
            .filter_map(|e| match e {
                Entry::Message(m) => Some(m.id.name.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let english: BTreeSet<String> = ids(Lang::En);
        assert!(english.len() > 50, "{}", english.len());
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            let here: BTreeSet<String> = ids(lang).into_iter().filter(|id| !id.starts_with("vocab-")).collect();
            let missing: Vec<_> = english.difference(&here).collect();
            let extra: Vec<_> = here.difference(&english).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{lang:?}: missing {missing:?}, unknown {extra:?}");
        }
    }

    #[test]
    fn every_vocabulary_term_is_translated() {
        let mut keys = Vec::new();
        macro_rules! all {
            ($($vocab:ty),*) => { $( keys.extend(<$vocab>::ALL.iter().map(|t| t.label_key())); )* };
        }
        all!(
            Gender,
            Relation,
            Consent,
            Reliability,
            SourceConnection,
            VictimStatus,
            EpisodeKind,
            DetentionKind,
            DateQualifier,
            PlaceKind,
            IdScheme,
            NameKind,
            ReviewState,
            Role,
            Verdict,
            EvidenceLevel
        );
        for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
            let here = ids(lang);
            let missing: Vec<_> = keys.iter().filter(|k| !here.contains(*k)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
        assert_eq!(Tr(Lang::Ru).term("vocab-relation-mother", "Mother"), "Мать");
        assert_eq!(Tr(Lang::En).term("vocab-relation-mother", "Mother"), "Mother");
    }

    #[test]
    fn dates_reasons_and_prefectures_are_said_in_the_readers_language() {
        let d = |s: &str| PartialDate::parse(s).unwrap();
        assert_eq!(Tr(Lang::En).date(&d("1965-03-12")), "12 March 1965");
        assert_eq!(Tr(Lang::En).date(&d("1965~")), "about 1965");
        assert_eq!(Tr(Lang::En).date(&d("2017/2019")), "2017 – 2019");
        assert_eq!(Tr(Lang::Ru).date(&d("1965-03-12")), "12 марта 1965");
        assert_eq!(Tr(Lang::Ru).date(&d("2018-02")), "февраль 2018");
        assert_eq!(Tr(Lang::Kk).date(&d("1965-03-12")), "1965 жылғы 12 наурыз");
        assert_eq!(Tr(Lang::Zh).date(&d("1965-03-12")), "1965年3月12日");
        assert_eq!(Tr(Lang::Zh).date(&d("1965~")), "约1965年");
        assert_eq!(Tr(Lang::Ug).date(&d("1965-03-12")), "1965-يىلى 12-مارت");
        assert_eq!(Tr(Lang::Ug).date(&d("2018-02")), "2018-يىلى فېۋرال");
        // Every language's date equals the model's English form for English.
        assert_eq!(Tr(Lang::En).date(&d("2017-05/2018~")), d("2017-05/2018~").human());
        // A range of ages stays "40–49" in a right-to-left line, not "49–40".
        let age = Tr(Lang::Ug).t_with("stats-age-years", &[("years", "40–49".into())]);
        assert_eq!(age, "\u{2066}40–49\u{2069} ياش");
        let kashgar = dalel_model::areas::prefecture("6531").unwrap();
        assert_eq!(Tr(Lang::Ug).prefecture(kashgar), "قەشقەر ۋىلايىتى");
        assert_eq!(Tr(Lang::Zh).prefecture(kashgar), "喀什地区");
        assert_eq!(Tr(Lang::Kk).prefecture(kashgar), "Kashgar Prefecture");
        assert_eq!(Tr(Lang::Ru).level_reason(LevelReason::IndependentSources(2)), "2 независимых источника");
        assert_eq!(Tr(Lang::En).level_reason(LevelReason::EvidenceFiles(1)), "one evidence file attached");
    }

    #[test]
    fn names_are_sorted_in_each_languages_alphabet() {
        fn sorted<'a>(lang: Lang, names: &[&'a str]) -> Vec<&'a str> {
            let mut names = names.to_vec();
            names.sort_by_cached_key(|n| lang.sort_key(n));
            names
        }
        // Kazakh: А Ә Б … Қ … Ө … Ұ Ү … Я, where code points put the Kazakh letters after Я.
        assert_eq!(sorted(Lang::Kk, &["Яна", "Әлия", "Бақыт", "Айгүл"]), ["Айгүл", "Әлия", "Бақыт", "Яна"]);
        assert_eq!(sorted(Lang::Kk, &["Өмір", "Ораз", "Пернебек"]), ["Ораз", "Өмір", "Пернебек"]);
        // Case and accents do not come before letters: Zhanar after aigul, Ömer between O and P.
        assert_eq!(sorted(Lang::En, &["Zhanar", "aigul", "Ömer", "Pernebek"]), ["aigul", "Ömer", "Pernebek", "Zhanar"]);
        // Chinese: by pinyin, 阿 (a) before 比 (bi) before 赛 (sai), whatever their code points.
        assert_eq!(sorted(Lang::Zh, &["赛力克江", "比拉什", "阿依古丽"]), ["阿依古丽", "比拉什", "赛力克江"]);
        // Uyghur in Arabic script: ئا (a) before ب (b) before ي (y).
        assert_eq!(sorted(Lang::Ug, &["يۈسۈپ", "بەكرى", "ئابدۇللا"]), ["ئابدۇللا", "بەكرى", "يۈسۈپ"]);
        for lang in Lang::ALL {
            assert!(lang.sort_key("Серік") < lang.sort_key("Серікжан"), "{lang:?}: a prefix first");
        }
    }

    #[test]
    fn only_uyghur_runs_right_to_left() {
        let rtl: Vec<Lang> = Lang::ALL.into_iter().filter(|l| l.dir() == "rtl").collect();
        assert_eq!(rtl, [Lang::Ug]);
        assert!(Lang::ALL.iter().all(|l| matches!(l.dir(), "ltr" | "rtl")));
    }

    #[test]
    fn the_language_is_negotiated_from_accept_language() {
        assert_eq!(Lang::negotiate("ru-RU,ru;q=0.9,en-US;q=0.8"), Some(Lang::Ru));
        assert_eq!(Lang::negotiate("de-DE, en;q=0.5, kk;q=0.7"), Some(Lang::Kk));
        assert_eq!(Lang::negotiate("kk;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::negotiate("zh-CN,zh;q=0.9"), Some(Lang::Zh));
        assert_eq!(Lang::negotiate("ug-CN, zh;q=0.8"), Some(Lang::Ug));
        assert_eq!(Lang::negotiate("de, fr;q=0.5"), None);
        assert_eq!(Lang::negotiate(";;,q=,"), None);
    }

    #[test]
    fn messages_take_variables_and_plurals() {
        let n = |lang, count: u64| Tr(lang).t_with("people-count", &[("count", count.into())]);
        assert!(n(Lang::En, 1).contains("person in the archive"), "{}", n(Lang::En, 1));
        assert!(n(Lang::En, 5).contains("people in the archive"));
        assert!(n(Lang::Ru, 3).contains("человека"), "{}", n(Lang::Ru, 3));
        assert!(n(Lang::Ru, 5).ends_with("человек."), "{}", n(Lang::Ru, 5));
        assert_eq!(n(Lang::Zh, 3), "档案中共有 3 人。");
        assert_eq!(Tr(Lang::Kk).t("no-such-message"), "no-such-message");
    }
}
