//! Arabic text for matching: a normalised copy of a text that remembers where
//! every one of its characters came from, and the calendar words (months,
//! weekdays) that dates are made of.
//!
//! Normalisation is only ever a *key*: quotes and options shown to users are
//! always cut from the untouched text, through [`Normalized::source_range`].

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// A normalised copy of a text, with a map from each of its characters back
/// to the index (in `char`s) of the source character it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    text: String,
    /// `origin[i]` is the source char index of the i-th char of `text`.
    origin: Vec<usize>,
    source_len: usize,
}

impl Normalized {
    /// Normalises `source` for matching; see [`fold`] for what changes.
    pub fn new(source: &str) -> Self {
        let mut text = String::with_capacity(source.len());
        let mut origin = Vec::with_capacity(source.len());
        let mut source_len = 0;
        let mut last_was_space = true;
        for (index, c) in source.chars().enumerate() {
            source_len = index + 1;
            // NFKC one character at a time: enough for presentation forms and
            // ligatures (ﻻ → لا); the combining marks that composition would
            // join are removed by `fold` anyway.
            for d in std::iter::once(c).nfkc() {
                let Some(f) = fold(d) else { continue };
                if f == ' ' {
                    if last_was_space {
                        continue;
                    }
                    last_was_space = true;
                } else {
                    last_was_space = false;
                }
                text.push(f);
                origin.push(index);
            }
        }
        if text.ends_with(' ') {
            text.pop();
            origin.pop();
        }
        Normalized {
            text,
            origin,
            source_len,
        }
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Maps a range of chars of the normalised text back to the smallest range
    /// of source chars that holds everything it came from.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        if range.is_empty() {
            let at = self
                .origin
                .get(range.start)
                .copied()
                .unwrap_or(self.source_len);
            return at..at;
        }
        let start = self.origin[range.start];
        let end = self.origin[range.end - 1] + 1;
        start..end
    }

    /// Finds the first occurrence of `needle` (already normalised) and returns
    /// its range in chars of the normalised text.
    pub fn find(&self, needle: &str) -> Option<Range<usize>> {
        self.find_from(needle, 0)
    }

    /// Like [`Normalized::find`], starting at char `from` of the normalised text.
    pub fn find_from(&self, needle: &str, from: usize) -> Option<Range<usize>> {
        if needle.is_empty() {
            return None;
        }
        let from_byte = self.text.char_indices().nth(from).map(|(b, _)| b)?;
        let byte = self.text[from_byte..].find(needle)? + from_byte;
        let start = self.text[..byte].chars().count();
        Some(start..start + needle.chars().count())
    }

    /// Returns true if and only if `needle`, normalised, occurs in this text.
    pub fn contains(&self, needle: &str) -> bool {
        let needle = normalize(needle);
        !needle.is_empty() && self.text.contains(&needle)
    }
}

/// Single-letter proclitics that may stick to the front of a word:
/// و (and), ف (so), ب (with), ل (for), ك (like).
pub const PROCLITICS: [char; 5] = ['و', 'ف', 'ب', 'ل', 'ك'];

/// Finds `word` (normalised, may hold spaces) as a whole word in `haystack`
/// (normalised), allowing one proclitic in front. Returns char ranges of the
/// word itself, without the proclitic.
pub fn find_words(haystack: &[char], word: &str) -> Vec<Range<usize>> {
    let word: Vec<char> = word.chars().collect();
    let mut found = Vec::new();
    if word.is_empty() || word.len() > haystack.len() {
        return found;
    }
    let is_letter = |i: usize| haystack.get(i).is_some_and(|c| c.is_alphanumeric());
    for start in 0..=haystack.len() - word.len() {
        if haystack[start..start + word.len()] != word[..] {
            continue;
        }
        let end = start + word.len();
        let clean_before = start == 0
            || !is_letter(start - 1)
            || (PROCLITICS.contains(&haystack[start - 1]) && (start == 1 || !is_letter(start - 2)));
        if clean_before && !is_letter(end) {
            found.push(start..end);
        }
    }
    found
}

/// The matching key of a text: [`Normalized::new`] without the offset map.
pub fn normalize(text: &str) -> String {
    Normalized::new(text).text
}

/// Folds one character for matching, or drops it (`None`).
///
/// | what | how |
/// |---|---|
/// | diacritics (U+064B–U+065F, U+0670, U+0610–U+061A, U+06D6–U+06ED), tatweel | removed |
/// | invisible marks (ZWNJ, ZWJ, LRM, RLM, ALM, BOM, bidi embeddings and isolates) | removed |
/// | أ إ آ ٱ | ا |
/// | ى | ي |
/// | ة | ه |
/// | ؤ, ئ | و, ي |
/// | Arabic-Indic and Persian digits, ٫ | ASCII digits, `.` |
/// | any whitespace | a space (runs collapse to one) |
/// | Latin letters | lower case |
pub fn fold(c: char) -> Option<char> {
    let folded = match c {
        '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0610}'..='\u{061A}'
        | '\u{06D6}'..='\u{06ED}' => {
            return None;
        }
        '\u{0640}' => return None,
        c if is_invisible(c) => return None,
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        'ة' => 'ه',
        'ؤ' => 'و',
        'ئ' => 'ي',
        '٠'..='٩' => ascii_digit(c, '٠'),
        '۰'..='۹' => ascii_digit(c, '۰'),
        '٫' => '.',
        c if c.is_whitespace() => ' ',
        c if c.is_ascii_uppercase() => c.to_ascii_lowercase(),
        c => c,
    };
    Some(folded)
}

/// Returns true if and only if `c` is an invisible formatting mark: joiners,
/// directional marks, embeddings, overrides, isolates and the BOM.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// How a month is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MonthStyle {
    /// يناير … ديسمبر (Egypt, the Gulf; most agencies).
    Gregorian,
    /// كانون الثاني … كانون الأول (the Levant, Iraq).
    Levantine,
    /// جانفي … ديسمبر (Algeria, Tunisia, Morocco).
    Maghrebi,
}

/// Month names in display form, per style, January first.
pub const MONTHS_GREGORIAN: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
/// Levantine month names, January first.
pub const MONTHS_LEVANTINE: [&str; 12] = [
    "كانون الثاني",
    "شباط",
    "آذار",
    "نيسان",
    "أيار",
    "حزيران",
    "تموز",
    "آب",
    "أيلول",
    "تشرين الأول",
    "تشرين الثاني",
    "كانون الأول",
];
/// North African month names, January first.
pub const MONTHS_MAGHREBI: [&str; 12] = [
    "جانفي",
    "فيفري",
    "مارس",
    "أفريل",
    "ماي",
    "جوان",
    "جويلية",
    "أوت",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];
/// English month names, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Spelling variants that are read as a month but never written by us.
const MONTH_VARIANTS: [(&str, u8); 6] = [
    ("ابريل", 4),
    ("يونيه", 6),
    ("يوليه", 7),
    ("اغسطس", 8),
    ("كانون ثاني", 1),
    ("تشرين اول", 10),
];

/// The display form of month `month` (1-12) in `style`.
pub fn month_name(month: u8, style: MonthStyle) -> &'static str {
    let table = match style {
        MonthStyle::Gregorian => &MONTHS_GREGORIAN,
        MonthStyle::Levantine => &MONTHS_LEVANTINE,
        MonthStyle::Maghrebi => &MONTHS_MAGHREBI,
    };
    table[usize::from(month - 1)]
}

/// Every month name as (normalised name, month 1-12, style), longest first,
/// so that a matcher trying them in order prefers «تشرين الأول» to «تشرين».
pub fn month_names() -> &'static [(String, u8, MonthStyle)] {
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<(String, u8, MonthStyle)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = Vec::new();
        for (style, table) in [
            (MonthStyle::Gregorian, &MONTHS_GREGORIAN),
            (MonthStyle::Levantine, &MONTHS_LEVANTINE),
            (MonthStyle::Maghrebi, &MONTHS_MAGHREBI),
        ] {
            for (i, name) in table.iter().enumerate() {
                let month = u8::try_from(i + 1).expect("twelve months");
                let key = normalize(name);
                // مارس, سبتمبر … are both Gregorian and Maghrebi: read them as Gregorian.
                if !names
                    .iter()
                    .any(|(k, _, _): &(String, u8, MonthStyle)| *k == key)
                {
                    names.push((key, month, style));
                }
            }
        }
        for (name, month) in MONTH_VARIANTS {
            names.push((normalize(name), month, MonthStyle::Gregorian));
        }
        names.sort_by(|a, b| {
            b.0.chars()
                .count()
                .cmp(&a.0.chars().count())
                .then(a.0.cmp(&b.0))
        });
        names
    })
}

/// Weekday names without the article, Sunday first (the Arab week's first day).
pub const WEEKDAYS: [&str; 7] = ["أحد", "اثنين", "ثلاثاء", "أربعاء", "خميس", "جمعة", "سبت"];
/// Weekday names with the article, Sunday first.
pub const WEEKDAYS_DEFINITE: [&str; 7] = [
    "الأحد",
    "الاثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
];
/// English weekday names, Sunday first.
pub const WEEKDAYS_EN: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Reads a normalised word as a weekday: `Some((day 0-6 from Sunday, definite))`.
pub fn weekday(normalized_word: &str) -> Option<(u8, bool)> {
    let (bare, definite) = match normalized_word.strip_prefix("ال") {
        Some(rest) => (rest, true),
        None => (normalized_word, false),
    };
    WEEKDAYS
        .iter()
        .position(|w| normalize(w) == bare)
        .map(|i| (u8::try_from(i).expect("seven days"), definite))
}

/// The ASCII digit of `c`, a digit of the set whose zero is `zero`.
fn ascii_digit(c: char, zero: char) -> char {
    char::from_u32(u32::from('0') + (u32::from(c) - u32::from(zero))).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_the_letters_of_the_reference_table() {
        assert_eq!(normalize("أإآٱ"), "اااا");
        assert_eq!(normalize("إلى"), "الي");
        assert_eq!(normalize("المعاهدة"), "المعاهده");
        assert_eq!(normalize("مسؤول قائد"), "مسوول قايد");
        assert_eq!(normalize("نوويـــاً"), "نوويا");
        assert_eq!(normalize("المسلّحَتين"), "المسلحتين");
        assert_eq!(normalize("عام ٢٠٠٠ و۱۹۶۱ ١٫٥"), "عام 2000 و1961 1.5");
        assert_eq!(normalize("ب\u{200F}و\u{200C}تين\u{FEFF}"), "بوتين");
        assert_eq!(normalize("\u{FEFB}"), "لا", "presentation form ﻻ");
        assert_eq!(normalize("  Putin \n\t Kim "), "putin kim");
    }

    #[test]
    fn maps_back_to_the_untouched_text() {
        let source = "وصل بوتينُ إلى  بيونغ يانغ";
        let n = Normalized::new(source);
        let found = n.find(&normalize("بوتين الى بيونغ")).expect("found");
        let range = n.source_range(found);
        let cut: String = source.chars().skip(range.start).take(range.len()).collect();
        assert_eq!(cut, "بوتينُ إلى  بيونغ");
    }

    #[test]
    fn an_expanding_character_maps_to_its_source() {
        let source = "\u{FEFB}بد";
        let n = Normalized::new(source);
        assert_eq!(n.as_str(), "لابد");
        assert_eq!(n.source_range(0..2), 0..1);
        assert_eq!(n.source_range(2..4), 1..3);
    }

    #[test]
    fn contains_compares_normalised_forms() {
        let n = Normalized::new("تستمر الزيارة حتى يوم غد الأربعاء");
        assert!(n.contains("الاربعاء"));
        assert!(!n.contains("الخميس"));
        assert!(!n.contains(""));
    }

    #[test]
    fn finds_whole_words_with_one_proclitic() {
        let text: Vec<char> = normalize("والأربعاء أربعاءات الأربعاء، بالأربعاء")
            .chars()
            .collect();
        let found = find_words(&text, &normalize("الأربعاء"));
        assert_eq!(found, vec![1..9, 19..27, 30..38]);
    }

    #[test]
    fn months_and_weekdays_are_read_in_every_style() {
        let find = |name: &str| {
            month_names()
                .iter()
                .find(|(k, _, _)| *k == normalize(name))
                .map(|(_, m, s)| (*m, *s))
        };
        assert_eq!(find("حزيران"), Some((6, MonthStyle::Levantine)));
        assert_eq!(find("يونيو"), Some((6, MonthStyle::Gregorian)));
        assert_eq!(find("جوان"), Some((6, MonthStyle::Maghrebi)));
        assert_eq!(find("مارس"), Some((3, MonthStyle::Gregorian)));
        assert_eq!(find("تشرين الأول"), Some((10, MonthStyle::Levantine)));
        assert_eq!(weekday(&normalize("الأربعاء")), Some((3, true)));
        assert_eq!(weekday(&normalize("الإثنين")), Some((1, true)));
        assert_eq!(weekday(&normalize("خميس")), Some((4, false)));
        assert_eq!(weekday("الغد"), None);
    }
}
