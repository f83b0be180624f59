//! Controlled vocabularies.
//!
//! Every term has a stable `code` (what is stored and exchanged; never renamed), an English
//! `label` and a `label_key` for the UI's translation files (`vocab-<vocabulary>-<code>`).
//! Where the field has a standard, the terms follow it: HURIDOCS Events Standard Formats for the
//! reliability of information, the source's connection to it and the status as victim; the
//! Xinjiang Victims Database for the kinds of detention.

use std::fmt;

/// Declares a vocabulary: an enum whose variants are stored by their code.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $key:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $label:literal $(| $alias:literal)* ; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every term, in display order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant, )+ ];
            /// The vocabulary's name in codes and translation keys.
            pub const VOCABULARY: &'static str = $key;

            /// The stable stored code.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code, )+ }
            }

            /// The English label.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label, )+ }
            }

            /// The key of this term's label in the UI translation files.
            pub fn label_key(self) -> String {
                format!("vocab-{}-{}", $key, self.code().replace('_', "-"))
            }

            /// Reads a stored code exactly.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }

            /// Reads what a person typed: a code or an English label or a known alias, in any case,
            /// with spaces, hyphens and underscores treated alike.
            pub fn parse_lenient(text: &str) -> Option<$name> {
                let wanted = crate::vocab::fold_term(text);
                $(
                    if wanted == crate::vocab::fold_term($code)
                        || wanted == crate::vocab::fold_term($label)
                        $( || wanted == crate::vocab::fold_term($alias) )*
                    {
                        return Some($name::$variant);
                    }
                )+
                None
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "unknown {} code {:?}; expected one of: {}",
                        $key,
                        code,
                        $name::ALL.iter().map(|t| t.code()).collect::<Vec<_>>().join(", ")
                    ))
                })
            }
        }
    };
}

pub(crate) fn fold_term(text: &str) -> String {
    text.trim().chars().map(|c| if c == '-' || c == ' ' { '_' } else { c }).flat_map(char::to_lowercase).collect()
}

vocabulary! {
    /// Sex as recorded (FtM `gender`).
    Gender, "gender" {
        Male = "male", "Male" | "m" | "man";
        Female = "female", "Female" | "f" | "woman";
        Other = "other", "Other";
    }
}

vocabulary! {
    /// How the testifier is related to a person the testimony is about.
    Relation, "relation" {
        Mother = "mother", "Mother";
        Father = "father", "Father";
        Son = "son", "Son";
        Daughter = "daughter", "Daughter";
        Husband = "husband", "Husband";
        Wife = "wife", "Wife";
        Brother = "brother", "Brother";
        Sister = "sister", "Sister";
        Relative = "relative", "Other relative";
        Neighbour = "neighbour", "Neighbour" | "neighbor";
        /// The testifier speaks of their own detention.
        Itself = "self", "Self (own experience)";
        Other = "other", "Other";
    }
}

impl Relation {
    /// Whether it is family (a neighbour, the person themselves and "other" are not).
    pub fn is_family(self) -> bool {
        use Relation::*;
        matches!(self, Mother | Father | Son | Daughter | Husband | Wife | Brother | Sister | Relative)
    }
}

vocabulary! {
    /// Who may see a testimony.
    Consent, "consent" {
        /// May be published with the testifier's name and face.
        Public = "public", "Public";
        /// May be published without anything that identifies the testifier.
        Anonymised = "anonymised", "Anonymised" | "anonymized";
        /// Never leaves the trusted circle.
        Internal = "internal", "Internal only";
    }
}

vocabulary! {
    /// Reliability of the information (HURIDOCS Events Standard Formats).
    Reliability, "reliability" {
        High = "high", "High";
        Medium = "medium", "Medium";
        Low = "low", "Low";
        Unknown = "unknown", "Unknown";
    }
}

vocabulary! {
    /// The source's connection to the information (HURIDOCS Events Standard Formats).
    SourceConnection, "source-connection" {
        Victim = "victim", "Victim (first-hand)";
        Witness = "witness", "Witness";
        Relative = "relative", "Relative of the victim";
        Reporter = "reporter", "Reporter or journalist";
        Lawyer = "lawyer", "Lawyer";
        Ngo = "ngo", "Non-governmental organisation" | "organisation";
        Official = "official", "Official document or authority";
        Other = "other", "Other";
    }
}

vocabulary! {
    /// The person's status as victim at the end of an episode (after HURIDOCS Events Standard
    /// Formats, "status as victim").
    VictimStatus, "victim-status" {
        Detained = "detained", "Detained";
        Sentenced = "sentenced", "Sentenced";
        Released = "released", "Released";
        Disappeared = "disappeared", "Disappeared";
        Deceased = "deceased", "Deceased" | "dead" | "died";
        UnderSurveillance = "under_surveillance", "Under surveillance";
        Exiled = "exiled", "In exile";
        Unknown = "unknown", "Unknown";
    }
}

vocabulary! {
    /// What happened to a person, according to a source.
    EpisodeKind, "episode" {
        Detention = "detention", "Detention" | "detained";
        Sentence = "sentence", "Sentence" | "sentenced";
        Release = "release", "Release" | "released";
        Death = "death", "Death" | "died";
        Disappearance = "disappearance", "Disappearance" | "missing";
        LandSeizure = "land_seizure", "Land seizure" | "land taken";
        Harassment = "harassment", "Harassment" | "harassed";
        TravelBan = "travel_ban", "Travel ban";
        ProtestDetention = "protest_detention", "Detention at a protest";
    }
}

vocabulary! {
    /// The kinds of detention the Xinjiang Victims Database distinguishes.
    DetentionKind, "detention" {
        PoliceCustody = "police_custody", "Police custody";
        AdministrativeDetention = "administrative_detention", "Administrative detention";
        PretrialDetentionCentre = "pretrial_detention_centre", "Pre-trial detention centre" | "detention centre";
        Camp = "camp", "Camp" | "re-education camp" | "vocational training centre";
        DrugRehabilitationCentre = "drug_rehabilitation_centre", "Drug-rehabilitation centre";
        Prison = "prison", "Prison";
        HouseArrest = "house_arrest", "House arrest";
        TravelOrDocumentRestriction = "travel_or_document_restriction", "Travel or document restrictions";
    }
}

vocabulary! {
    /// The HURIDOCS date qualifiers; derived from a [`crate::PartialDate`], never stored apart.
    DateQualifier, "date-qualifier" {
        Exact = "exact", "Exact";
        Estimate = "estimate", "Estimate";
        UnknownDay = "unknown_day", "Day unknown";
        UnknownMonthAndDay = "unknown_month_and_day", "Month and day unknown";
    }
}

vocabulary! {
    /// What a place is.
    PlaceKind, "place" {
        Country = "country", "Country";
        Region = "region", "Region or province";
        Prefecture = "prefecture", "Prefecture";
        County = "county", "County or district";
        Settlement = "settlement", "Town or village" | "city" | "town" | "village";
        Address = "address", "Address";
        Camp = "camp", "Camp";
        DetentionCentre = "detention_centre", "Detention centre";
        Prison = "prison", "Prison";
        PoliceStation = "police_station", "Police station";
        Court = "court", "Court";
        Other = "other", "Other";
    }
}

vocabulary! {
    /// What kind of identity number a number claims to be.
    IdScheme, "id-scheme" {
        /// People's Republic of China resident identity card (GB 11643).
        ChineseResident = "cn_resident", "Chinese resident ID" | "cn" | "china";
        /// Kazakhstan individual identification number.
        KazakhstanIin = "kz_iin", "Kazakhstan IIN" | "iin" | "kz";
        Passport = "passport", "Passport";
        Other = "other", "Other";
    }
}

vocabulary! {
    /// Which kind of name a name is.
    NameKind, "name-kind" {
        /// The name as a whole, as written in the source.
        Full = "full", "Full name";
        /// Another full name the person is known by.
        Alias = "alias", "Alias";
        Given = "given", "Given name" | "first";
        Family = "family", "Family name" | "last" | "surname";
        Patronymic = "patronymic", "Father's name" | "father";
    }
}

vocabulary! {
    /// Where a testimony is in the review workflow (see `review.rs`).
    ReviewState, "review" {
        Draft = "draft", "Draft";
        Submitted = "submitted", "Submitted";
        InReview = "in_review", "In review";
        /// Sent back to the volunteer with comments.
        Returned = "returned", "Returned with comments";
        Accepted = "accepted", "Accepted";
        Published = "published", "Published";
        /// Accepted but not to be published.
        Withheld = "withheld", "Withheld";
        /// Taken back, with its reason; nothing is deleted.
        Withdrawn = "withdrawn", "Withdrawn";
    }
}

vocabulary! {
    /// Whether two person records are one person ([`crate::Decision`]).
    Verdict, "verdict" {
        Same = "same", "The same person";
        Different = "different", "Not the same person";
        /// For review: the linker was unsure, or a reviewer took a decision back.
        Undecided = "undecided", "Undecided";
    }
}

vocabulary! {
    /// How well an entry's sources establish what it says (docs/evidence.md), weakest first.
    EvidenceLevel, "evidence" {
        /// One source names the person.
        Reported = "reported", "Reported";
        /// One source, identifying the person precisely (a valid ID number, a full birth date).
        PartiallyVerified = "partially_verified", "Partially verified";
        /// Two or more independent sources.
        Corroborated = "corroborated", "Corroborated by independent sources";
        /// An official document or an evidence file: an ID card, a verdict, a police record.
        Documented = "documented", "Documented";
    }
}

vocabulary! {
    /// What an account may do (docs/security.md). Anonymous visitors are the public and have no
    /// account.
    Role, "role" {
        /// Everything, and the accounts.
        Admin = "admin", "Administrator";
        /// Every record: edits, merges, publishing.
        Editor = "editor", "Editor";
        /// Reads everything, takes testimonies through review and decides which person records
        /// are one person.
        Reviewer = "reviewer", "Reviewer";
        /// Records testimonies and sees only their own.
        Volunteer = "volunteer", "Volunteer";
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            from: fn(&str) -> Option<T>,
        ) {
            let mut seen = std::collections::HashSet::new();
            for &term in all {
                assert!(seen.insert(code(term)), "duplicate code {}", code(term));
                assert_eq!(from(code(term)), Some(term));
            }
        }
        check(Relation::ALL, Relation::code, Relation::from_code);
        check(EpisodeKind::ALL, EpisodeKind::code, EpisodeKind::from_code);
        check(DetentionKind::ALL, DetentionKind::code, DetentionKind::from_code);
        check(Consent::ALL, Consent::code, Consent::from_code);
        check(PlaceKind::ALL, PlaceKind::code, PlaceKind::from_code);
        check(ReviewState::ALL, ReviewState::code, ReviewState::from_code);
        check(Role::ALL, Role::code, Role::from_code);
        check(Verdict::ALL, Verdict::code, Verdict::from_code);
        check(EvidenceLevel::ALL, EvidenceLevel::code, EvidenceLevel::from_code);
    }

    #[test]
    fn lenient_parsing_reads_labels_and_aliases() {
        assert_eq!(Relation::parse_lenient(" Neighbor "), Some(Relation::Neighbour));
        assert_eq!(EpisodeKind::parse_lenient("land taken"), Some(EpisodeKind::LandSeizure));
        assert_eq!(
            DetentionKind::parse_lenient("Pre-trial detention centre"),
            Some(DetentionKind::PretrialDetentionCentre)
        );
        assert_eq!(Gender::parse_lenient("F"), Some(Gender::Female));
        assert_eq!(Relation::parse_lenient("cousin"), None);
    }

    #[test]
    fn unknown_code_is_a_clear_error() {
        let err = serde_json::from_str::<Consent>("\"secret\"").unwrap_err().to_string();
        assert!(err.contains("unknown consent code \"secret\""), "{err}");
        assert!(err.contains("public, anonymised, internal"), "{err}");
    }

    #[test]
    fn label_keys_are_fluent_identifiers() {
        assert_eq!(DetentionKind::PoliceCustody.label_key(), "vocab-detention-police-custody");
    }
}
