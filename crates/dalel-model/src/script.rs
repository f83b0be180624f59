//! Which writing system a name is written in, from the Unicode Script property (ICU4X data).

use icu_properties::CodePointMapData;
use icu_properties::props::Script as UScript;

/// A writing system, stored by its ISO 15924 code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    Latin,
    Cyrillic,
    /// Chinese characters.
    Han,
    /// Arabic script, as Uyghur and Kazakh in China write it.
    Arabic,
    Mongolian,
    /// Letters of more than one script in one name.
    Mixed,
    /// Another script, or no letters at all.
    Unknown,
}

impl Script {
    pub const ALL: &'static [Script] = &[
        Script::Latin,
        Script::Cyrillic,
        Script::Han,
        Script::Arabic,
        Script::Mongolian,
        Script::Mixed,
        Script::Unknown,
    ];

    /// The ISO 15924 code (`Zmth`-style for the two catch-alls: `Zyyy` mixed, `Zzzz` unknown).
    pub fn code(self) -> &'static str {
        match self {
            Script::Latin => "Latn",
            Script::Cyrillic => "Cyrl",
            Script::Han => "Hani",
            Script::Arabic => "Arab",
            Script::Mongolian => "Mong",
            Script::Mixed => "Zyyy",
            Script::Unknown => "Zzzz",
        }
    }

    pub fn from_code(code: &str) -> Option<Script> {
        Script::ALL.iter().copied().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Script::Latin => "Latin",
            Script::Cyrillic => "Cyrillic",
            Script::Han => "Chinese characters",
            Script::Arabic => "Arabic script",
            Script::Mongolian => "Mongolian script",
            Script::Mixed => "Mixed scripts",
            Script::Unknown => "Unknown script",
        }
    }

    /// The script of a text: the one script of all its letters, `Mixed` when letters of two
    /// scripts occur, `Unknown` when there are none of the scripts above. Digits, punctuation
    /// and the middle dots of Chinese transcriptions are neutral.
    pub fn detect(text: &str) -> Script {
        let map = CodePointMapData::<UScript>::new();
        let mut found: Option<Script> = None;
        for c in text.chars() {
            let script = match map.get(c) {
                UScript::Latin => Script::Latin,
                UScript::Cyrillic => Script::Cyrillic,
                UScript::Han => Script::Han,
                UScript::Arabic => Script::Arabic,
                UScript::Mongolian => Script::Mongolian,
                UScript::Common | UScript::Inherited => continue,
                _ => Script::Unknown,
            };
            match found {
                None => found = Some(script),
                Some(s) if s == script => {}
                Some(_) => return Script::Mixed,
            }
        }
        found.unwrap_or(Script::Unknown)
    }
}

impl serde::Serialize for Script {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Script {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Script::from_code(&code).ok_or_else(|| serde::de::Error::custom(format!("unknown script code {code:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_scripts_of_the_region() {
        assert_eq!(Script::detect("Серікжан Біләш"), Script::Cyrillic);
        assert_eq!(Script::detect("Serikzhan Bilash"), Script::Latin);
        assert_eq!(Script::detect("Serıkjan Bılaş"), Script::Latin);
        assert_eq!(Script::detect("赛力克江·比拉什"), Script::Han);
        assert_eq!(Script::detect("سېرىكجان بىلاش"), Script::Arabic);
        assert_eq!(Script::detect("Serik Біләш"), Script::Mixed);
        assert_eq!(Script::detect("123 -·"), Script::Unknown);
    }
}
