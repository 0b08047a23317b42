//! Type-aware wrong options from outside the article (`alternatives.toml`,
//! compiled into the binary): other officials, capitals, agencies, papers.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::facts::{AnswerType, Gender};

/// A possible wrong option, with its English rendering and its grammatical
/// gender when they are known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub text: String,
    pub en: Option<String>,
    pub gender: Option<Gender>,
}

/// Wrong options by answer type.
#[derive(Debug, Clone, Default)]
pub struct Alternatives {
    by_type: BTreeMap<String, Vec<Candidate>>,
}

const BUILTIN: &str = include_str!("alternatives.toml");

impl Alternatives {
    /// The list compiled into the binary.
    pub fn builtin() -> &'static Alternatives {
        static BUILT: OnceLock<Alternatives> = OnceLock::new();
        BUILT.get_or_init(|| {
            Alternatives::parse(BUILTIN).expect("alternatives.toml is checked by a test")
        })
    }

    /// Parses a table of `type = [[arabic, english], …]`; an entry may add
    /// its gender, `m` or `f`, as a third element.
    pub fn parse(text: &str) -> Result<Alternatives, String> {
        let raw: BTreeMap<String, Vec<Vec<String>>> =
            toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_type = BTreeMap::new();
        for (key, entries) in raw {
            if AnswerType::parse(&key).is_none() {
                return Err(format!("`{key}` is not an answer type"));
            }
            let mut list = Vec::with_capacity(entries.len());
            for entry in entries {
                let (text, en, gender) = match entry.as_slice() {
                    [text, en] => (text, en, None),
                    [text, en, g] => {
                        let gender = Gender::parse(g).ok_or_else(|| {
                            format!("`{key}`: «{text}»: the gender `{g}` is not m or f")
                        })?;
                        (text, en, Some(gender))
                    }
                    _ => {
                        return Err(format!(
                            "`{key}`: each entry is [arabic, english] or [arabic, english, gender]"
                        ));
                    }
                };
                list.push(Candidate {
                    text: text.clone(),
                    en: (!en.is_empty()).then(|| en.clone()),
                    gender,
                });
            }
            by_type.insert(key, list);
        }
        Ok(Alternatives { by_type })
    }

    /// Entries listed under exactly this type.
    pub fn exact(&self, answer_type: &AnswerType) -> &[Candidate] {
        self.by_type
            .get(answer_type.as_str())
            .map_or(&[], Vec::as_slice)
    }

    /// Entries listed under a qualified type of this base (`person.ru` and
    /// `person.kp` for `person`), in key order.
    pub fn qualified_of(&self, base: &str) -> impl Iterator<Item = &Candidate> {
        self.by_type
            .iter()
            .filter(move |(key, _)| key.split_once('.').is_some_and(|(b, _)| b == base))
            .flat_map(|(_, list)| list)
    }

    /// Every type listed, with its entries.
    pub fn types(&self) -> impl Iterator<Item = (&str, &[Candidate])> {
        self.by_type.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::arabic;

    #[test]
    fn the_builtin_list_parses_and_has_no_repeats() {
        let alternatives = Alternatives::parse(BUILTIN).expect("parses");
        for (key, list) in alternatives.types() {
            assert!(list.len() >= 3, "{key} has fewer than 3 entries");
            let mut seen = HashSet::new();
            for c in list {
                assert!(
                    seen.insert(arabic::normalize(&c.text)),
                    "{key}: {} twice",
                    c.text
                );
                assert!(c.en.is_some(), "{key}: {} has no English", c.text);
            }
        }
    }

    #[test]
    fn rejects_a_bad_type() {
        assert!(Alternatives::parse("Person = [[\"a\", \"b\"]]").is_err());
    }

    #[test]
    fn reads_an_entrys_gender_and_refuses_a_bad_one() {
        let parsed =
            Alternatives::parse("x = [[\"أ\", \"a\", \"f\"], [\"ب\", \"b\"]]").expect("parses");
        let x = AnswerType::parse("x").expect("type");
        let genders: Vec<_> = parsed.exact(&x).iter().map(|c| c.gender).collect();
        assert_eq!(genders, [Some(Gender::Feminine), None]);
        let bad = Alternatives::parse("x = [[\"أ\", \"a\", \"n\"]]").expect_err("refused");
        assert!(bad.contains("not m or f"), "{bad}");
        assert!(Alternatives::parse("x = [[\"أ\"]]").is_err());
    }
}
