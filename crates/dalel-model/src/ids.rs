//! Identity numbers: the Chinese resident ID (GB 11643-1999) and Kazakhstan's IIN.
//!
//! Parsing validates; a number that fails is not thrown away by the caller: a person's
//! [`crate::IdentityNumber`] keeps the verbatim text and [`crate::IdentityNumber::check`] says
//! what is wrong with it.

use std::fmt;

use crate::date::days_in_month;
use crate::vocab::{Gender, IdScheme};

/// Why an identity number is not valid.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("has {0} characters; expected {len}", len = expected_length(*.1))]
    Length(usize, IdScheme),
    #[error("character {position} ({found:?}) must be a digit")]
    NotDigit { position: usize, found: char },
    #[error("the birth date inside it ({0}) does not exist")]
    BirthDate(String),
    #[error("check digit is {found}, expected {expected}")]
    CheckDigit { found: char, expected: char },
    #[error("the 7th digit ({0}) names no century and sex")]
    Century(char),
    #[error("no valid check digit exists for its first 11 digits")]
    NoCheckDigit,
}

/// How long a number of `scheme` is, in words.
fn expected_length(scheme: IdScheme) -> &'static str {
    match scheme {
        IdScheme::ChineseResident => "18 (or 15 on cards issued before 1999)",
        IdScheme::KazakhstanIin => "12",
        IdScheme::Passport | IdScheme::Other => "another length",
    }
}

/// A birth date read from inside an identity number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BirthDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl BirthDate {
    fn checked(year: i32, month: u32, day: u32) -> Option<BirthDate> {
        let ok = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month as u8).into();
        ok.then_some(BirthDate { year, month: month as u8, day: day as u8 })
    }
}

impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn digits(text: &str) -> Result<Vec<u32>, IdNumberError> {
    text.chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).ok_or(IdNumberError::NotDigit { position: i + 1, found: c }))
        .collect()
}

/// Strips the spaces and hyphens people type inside numbers.
fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

/// A People's Republic of China resident identity card number.
///
/// Eighteen characters: a six-digit area code (GB/T 2260) of the place of registration, the
/// birth date as `YYYYMMDD`, a three-digit sequence number (odd for men, even for women) and an
/// ISO 7064 MOD 11-2 check character (`X` for 10). Cards issued before 1999 carry the older
/// 15-digit form: `YYMMDD` in the 20th century and no check character.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ChineseResidentId {
    /// Always the 18-character form; an old number is upgraded.
    number: String,
    /// Whether the number was given in the old 15-digit form.
    was_15_digits: bool,
}

const CN_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

impl ChineseResidentId {
    /// The ISO 7064 MOD 11-2 check character of the first 17 digits.
    pub fn check_character(first17: &[u32]) -> char {
        let sum: u32 = first17.iter().zip(CN_WEIGHTS).map(|(d, w)| d * w).sum();
        match (12 - sum % 11) % 11 {
            10 => 'X',
            n => char::from_digit(n, 10).expect("below 10"),
        }
    }

    /// Reads a number in the 18- or the 15-character form; spaces are ignored and `x` is `X`.
    pub fn parse(text: &str) -> Result<ChineseResidentId, IdNumberError> {
        let text = compact(text).to_uppercase();
        match text.chars().count() {
            18 => {
                let (body, check) = text.split_at(17);
                let d = digits(body)?;
                let found = check.chars().next().expect("18 characters");
                if !found.is_ascii_digit() && found != 'X' {
                    return Err(IdNumberError::NotDigit { position: 18, found });
                }
                birth_from(&d[6..14], None)?;
                let expected = Self::check_character(&d);
                if found != expected {
                    return Err(IdNumberError::CheckDigit { found, expected });
                }
                Ok(ChineseResidentId { number: text, was_15_digits: false })
            }
            15 => {
                let d = digits(&text)?;
                birth_from(&d[6..12], Some(1900))?;
                let mut long: Vec<u32> = d[..6].to_vec();
                long.extend([1, 9]);
                long.extend(&d[6..]);
                let check = Self::check_character(&long);
                let number = format!("{}19{}{}", &text[..6], &text[6..], check);
                Ok(ChineseResidentId { number, was_15_digits: true })
            }
            n => Err(IdNumberError::Length(n, IdScheme::ChineseResident)),
        }
    }

    /// The 18-character form.
    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn was_15_digits(&self) -> bool {
        self.was_15_digits
    }

    /// The six-digit area code of the place of registration.
    pub fn area_code(&self) -> &str {
        &self.number[..6]
    }

    /// The four-digit prefecture-level code.
    pub fn prefecture_code(&self) -> &str {
        &self.number[..4]
    }

    pub fn birth_date(&self) -> BirthDate {
        let d: Vec<u32> = self.number[6..14].chars().map(|c| c.to_digit(10).expect("checked")).collect();
        birth_from(&d, None).expect("checked when parsed")
    }

    /// Odd sequence numbers are men's, even ones women's.
    pub fn sex(&self) -> Gender {
        let seq = self.number.as_bytes()[16] - b'0';
        if seq % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// The province or autonomous region of registration, in English.
    pub fn province(&self) -> Option<&'static str> {
        crate::areas::province(&self.number[..2])
    }

    /// The prefecture of registration where it is known (every Xinjiang prefecture, current
    /// and historical).
    pub fn prefecture(&self) -> Option<&'static crate::areas::Prefecture> {
        crate::areas::prefecture(self.prefecture_code())
    }
}

fn birth_from(d: &[u32], century: Option<i32>) -> Result<BirthDate, IdNumberError> {
    let n = |s: &[u32]| s.iter().fold(0u32, |acc, x| acc * 10 + x);
    let (year, rest) = match century {
        Some(c) => (c + n(&d[..2]) as i32, &d[2..]),
        None => (n(&d[..4]) as i32, &d[4..]),
    };
    let text = d.iter().map(|x| char::from_digit(*x, 10).expect("digit")).collect::<String>();
    if !(1850..=2100).contains(&year) {
        return Err(IdNumberError::BirthDate(text));
    }
    BirthDate::checked(year, n(&rest[..2]), n(&rest[2..4])).ok_or(IdNumberError::BirthDate(text))
}

impl fmt::Display for ChineseResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.number)
    }
}

/// A Kazakhstan individual identification number (ЖСН / ИИН).
///
/// Twelve digits: the birth date as `YYMMDD`; a seventh digit giving century and sex (1/2 for
/// men/women born in the 19th century, 3/4 in the 20th, 5/6 in the 21st); four digits of
/// registration; a check digit computed mod 11 with weights 1..11 and, when that gives 10,
/// again with weights 3..11,1,2 (a number whose second pass also gives 10 is never issued).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iin(String);

impl Iin {
    /// The check digit of the first eleven digits, or `None` when both passes give 10.
    pub fn check_digit(first11: &[u32]) -> Option<u32> {
        let pass = |weights: [u32; 11]| first11.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11;
        match pass([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) {
            10 => match pass([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) {
                10 => None,
                n => Some(n),
            },
            n => Some(n),
        }
    }

    pub fn parse(text: &str) -> Result<Iin, IdNumberError> {
        let text = compact(text);
        let n = text.chars().count();
        if n != 12 {
            return Err(IdNumberError::Length(n, IdScheme::KazakhstanIin));
        }
        let d = digits(&text)?;
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return Err(IdNumberError::Century(text.chars().nth(6).expect("12 digits"))),
        };
        birth_from(&d[..6], Some(century))?;
        let expected = Self::check_digit(&d[..11]).ok_or(IdNumberError::NoCheckDigit)?;
        if expected != d[11] {
            return Err(IdNumberError::CheckDigit {
                found: char::from_digit(d[11], 10).expect("digit"),
                expected: char::from_digit(expected, 10).expect("digit"),
            });
        }
        Ok(Iin(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u32 {
        self.0.as_bytes()[i] as u32 - '0' as u32
    }

    pub fn birth_date(&self) -> BirthDate {
        let d: Vec<u32> = (0..6).map(|i| self.digit(i)).collect();
        let century = 1800 + 100 * ((self.digit(6) as i32 - 1) / 2);
        birth_from(&d, Some(century)).expect("checked when parsed")
    }

    pub fn sex(&self) -> Gender {
        if self.digit(6) % 2 == 1 { Gender::Male } else { Gender::Female }
    }
}

impl fmt::Display for Iin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits_of(s: &str) -> Vec<u32> {
        s.chars().map(|c| c.to_digit(10).unwrap()).collect()
    }

    #[test]
    fn gb_11643_worked_example() {
        // The example of GB 11643-1999: Beijing Chaoyang district, born 31 December 1949,
        // sequence 002 (a woman); the weighted sum of the first 17 digits is 167 and
        // (12 - 167 mod 11) mod 11 = 10, written X.
        let id = ChineseResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.birth_date().to_string(), "1949-12-31");
        assert_eq!(id.sex(), Gender::Female);
        assert_eq!(id.area_code(), "110105");
        assert_eq!(id.province(), Some("Beijing"));
        // The same card in the old 15-digit form upgrades to the same number.
        let old = ChineseResidentId::parse("110105491231002").unwrap();
        assert_eq!(old.as_str(), "11010519491231002X");
        assert!(old.was_15_digits());
        // Lower-case x and spaces are what people type.
        assert_eq!(ChineseResidentId::parse("110105 19491231 002x").unwrap(), id);
    }

    #[test]
    fn second_worked_example_and_errors() {
        let id = ChineseResidentId::parse("440524188001010014").unwrap();
        assert_eq!(id.birth_date().to_string(), "1880-01-01");
        assert_eq!(id.sex(), Gender::Male);
        assert_eq!(
            ChineseResidentId::parse("110105194912310021"),
            Err(IdNumberError::CheckDigit { found: '1', expected: 'X' })
        );
        assert_eq!(ChineseResidentId::parse("11010519491331002X"), Err(IdNumberError::BirthDate("19491331".into())));
        assert_eq!(
            ChineseResidentId::parse("1101051949123100"),
            Err(IdNumberError::Length(16, IdScheme::ChineseResident))
        );
        assert_eq!(
            ChineseResidentId::parse("11010519491231O02X"),
            Err(IdNumberError::NotDigit { position: 15, found: 'O' })
        );
    }

    #[test]
    fn xinjiang_prefectures_old_and_new() {
        let mut body = digits_of("65210119800101001");
        let id = ChineseResidentId::parse(&format!(
            "{}{}",
            body.iter().map(|d| d.to_string()).collect::<String>(),
            ChineseResidentId::check_character(&body)
        ))
        .unwrap();
        let pref = id.prefecture().unwrap();
        assert_eq!(pref.name_en, "Turpan Prefecture");
        assert_eq!(pref.renumbered_as, Some("6504"));
        body[2..4].copy_from_slice(&[0, 4]);
        let check = ChineseResidentId::check_character(&body);
        let id =
            ChineseResidentId::parse(&format!("{}{check}", body.iter().map(|d| d.to_string()).collect::<String>()))
                .unwrap();
        assert_eq!(id.prefecture().unwrap().name_en, "Turpan City");
    }

    #[test]
    fn iin_hand_worked_example() {
        // 850215 3 0012: born 15 February 1985, a man of the 20th century.
        // Weights 1..11: 8·1+5·2+0·3+2·4+1·5+5·6+3·7+0·8+0·9+1·10+2·11 = 114; 114 mod 11 = 4.
        let iin = Iin::parse("850215300124").unwrap();
        assert_eq!(iin.birth_date().to_string(), "1985-02-15");
        assert_eq!(iin.sex(), Gender::Male);
        assert_eq!(Iin::parse("850215300125"), Err(IdNumberError::CheckDigit { found: '5', expected: '4' }));
        assert_eq!(Iin::parse("850215900124"), Err(IdNumberError::Century('9')));
        assert_eq!(Iin::parse("8502153001"), Err(IdNumberError::Length(10, IdScheme::KazakhstanIin)));
    }

    #[test]
    fn iin_second_pass_worked_example() {
        // 010101 5 0040: first pass 0·1+1·2+0·3+1·4+0·5+1·6+5·7+0·8+0·9+4·10+0·11 = 87, and
        // 87 mod 11 = 10, so the second pass: 0·3+1·4+0·5+1·6+0·7+1·8+5·9+0·10+0·11+4·1+0·2 = 67,
        // 67 mod 11 = 1.
        let iin = Iin::parse("010101500401").unwrap();
        assert_eq!(iin.birth_date().to_string(), "2001-01-01");
        assert_eq!(iin.sex(), Gender::Male);
        assert_eq!(Iin::parse("010101500400"), Err(IdNumberError::CheckDigit { found: '0', expected: '1' }));
    }

    /// A few hundred generated numbers: every valid one parses back to what it was made from,
    /// and every single-digit change is caught.
    #[test]
    fn generated_numbers() {
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = |n: u32| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as u32
        };
        let areas = ["650102", "652101", "654002", "654301", "653101", "110105"];
        for _ in 0..300 {
            let (y, m) = (1930 + next(90) as i32, 1 + next(12));
            let d = 1 + next(days_in_month(y, m as u8) as u32);
            let seq = next(1000);
            let body = format!("{}{y:04}{m:02}{d:02}{seq:03}", areas[next(areas.len() as u32) as usize]);
            let check = ChineseResidentId::check_character(&digits_of(&body));
            let id = ChineseResidentId::parse(&format!("{body}{check}")).unwrap();
            assert_eq!(id.birth_date(), BirthDate { year: y, month: m as u8, day: d as u8 });
            assert_eq!(id.sex(), if seq % 2 == 1 { Gender::Male } else { Gender::Female });
            let pos = next(17) as usize;
            let mut wrong: Vec<char> = id.as_str().chars().collect();
            wrong[pos] = char::from_digit((wrong[pos].to_digit(10).unwrap() + 1 + next(9)) % 10, 10).unwrap();
            let wrong: String = wrong.into_iter().collect();
            assert!(ChineseResidentId::parse(&wrong).is_err(), "{wrong} should fail");

            let c7 = 3 + next(4);
            let iin_body = format!("{:02}{m:02}{d:02}{c7}{:04}", y % 100, next(10000));
            if let Some(check) = Iin::check_digit(&digits_of(&iin_body)) {
                let iin =
                    Iin::parse(&format!("{iin_body}{check}")).unwrap_or_else(|e| panic!("{iin_body}{check}: {e}"));
                assert_eq!(iin.birth_date().day, d as u8);
                assert!(Iin::parse(&format!("{iin_body}{}", (check + 1) % 10)).is_err());
            }
        }
    }
}
