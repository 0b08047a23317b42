//! The surface form of a date or number answer: which parts of its text are
//! values (a weekday, a month, a day, a year, a count, a number word) and
//! which are plain words. Wrong options are made by changing values and
//! keeping every other character, so «يومي 18 و19 يونيو» gets «يومي 17 و18
//! يونيو», never «17 يونيو».
//!
//! The same values are read in the English gloss, and the same change is
//! applied to it, so a wrong option and its English rendering always agree.

use std::ops::Range;

use crate::arabic::{self, MonthStyle};

/// The script a surface is written in (the article's, or its English gloss's); the
/// interface language is [`crate::i18n::Lang`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Arabic,
    English,
}

/// One value inside a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// Day of the week, 0 = Sunday.
    Weekday {
        day: u8,
        definite: bool,
    },
    /// Month 1-12; the style says which name set it was written in.
    Month {
        month: u8,
        style: Option<MonthStyle>,
    },
    /// Day of the month.
    Day(u8),
    Year(u32),
    /// A quantity written in digits.
    Count(u32),
    /// A quantity written as a word (3-10), in the gender it was written in.
    Word {
        n: u8,
        feminine: bool,
    },
}

impl Value {
    fn key(self) -> String {
        match self {
            Value::Weekday { day, .. } => format!("w{day}"),
            Value::Month { month, .. } => format!("m{month}"),
            Value::Day(d) => format!("d{d}"),
            Value::Year(y) => format!("y{y}"),
            Value::Count(n) => format!("n{n}"),
            Value::Word { n, .. } => format!("n{n}"),
        }
    }

    fn placeholder(self) -> &'static str {
        match self {
            Value::Weekday { definite: true, .. } => "{wd}",
            Value::Weekday {
                definite: false, ..
            } => "{w}",
            Value::Month {
                style: Some(MonthStyle::Levantine),
                ..
            } => "{ml}",
            Value::Month {
                style: Some(MonthStyle::Maghrebi),
                ..
            } => "{mm}",
            Value::Month { .. } => "{m}",
            Value::Day(_) => "{d}",
            Value::Year(_) => "{y}",
            Value::Count(_) => "{n}",
            Value::Word { feminine: true, .. } => "{nf}",
            Value::Word {
                feminine: false, ..
            } => "{nm}",
        }
    }
}

/// A value and where it is, in chars of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Token {
    range: Range<usize>,
    value: Value,
    arabic_indic: bool,
    /// The text writes without the hamza its words have in the tables
    /// («الاحد», «اكتوبر»): the words put in their place are written so
    /// too, or the answer would be the one option spelt apart.
    bare_alif: bool,
}

/// A text read for its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Surface {
    chars: Vec<char>,
    script: Script,
    tokens: Vec<Token>,
}

/// What reading looks for: dates (weekdays, months, days, years) or numbers
/// (counts and number words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Date,
    Number,
}

/// One way to change the values of a surface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Weekday(u8),
    Month {
        from: u8,
        to: u8,
    },
    /// Every year moves by this many years.
    Years(i32),
    /// Every day of the month moves by this many days.
    Days(i32),
    Count {
        from: u32,
        to: u32,
    },
    Word {
        from: u8,
        to: u8,
    },
}

/// Masculine and feminine number words 3-10 (the gender of the *form*, which
/// in Arabic is opposite to the counted noun's).
const WORDS_TAA: [&str; 8] = [
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
    "عشرة",
];
const WORDS_BARE: [&str; 8] = ["ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر"];
const WORDS_EN: [&str; 8] = [
    "three", "four", "five", "six", "seven", "eight", "nine", "ten",
];

impl Surface {
    /// Reads `text` for values of the given reading.
    pub fn read(text: &str, script: Script, reading: Reading) -> Surface {
        let chars: Vec<char> = text.chars().collect();
        let normalized = arabic::Normalized::new(text);
        let key: Vec<char> = normalized.as_str().chars().collect();
        let mut tokens = Vec::new();
        let push = |range: Range<usize>, value: Value, tokens: &mut Vec<Token>| {
            let source = normalized.source_range(range);
            if tokens
                .iter()
                .any(|t: &Token| t.range.start < source.end && source.start < t.range.end)
            {
                return;
            }
            let arabic_indic = chars[source.clone()]
                .iter()
                .any(|c| ('٠'..='٩').contains(c));
            tokens.push(Token {
                range: source,
                value,
                arabic_indic,
                bare_alif: false,
            });
        };
        if reading == Reading::Date {
            match script {
                Script::Arabic => {
                    for (name, month, style) in arabic::month_names() {
                        for r in arabic::find_words(&key, name) {
                            let value = Value::Month {
                                month: *month,
                                style: Some(*style),
                            };
                            push(r, value, &mut tokens);
                        }
                    }
                    for day in 0..7u8 {
                        for (names, definite) in [
                            (&arabic::WEEKDAYS_DEFINITE, true),
                            (&arabic::WEEKDAYS, false),
                        ] {
                            for r in arabic::find_words(
                                &key,
                                &arabic::normalize(names[usize::from(day)]),
                            ) {
                                push(r, Value::Weekday { day, definite }, &mut tokens);
                            }
                        }
                    }
                }
                Script::English => {
                    for (i, name) in arabic::MONTHS_EN.iter().enumerate() {
                        let month = u8::try_from(i + 1).expect("twelve months");
                        for r in arabic::find_words(&key, &name.to_ascii_lowercase()) {
                            push(r, Value::Month { month, style: None }, &mut tokens);
                        }
                    }
                    for (i, name) in arabic::WEEKDAYS_EN.iter().enumerate() {
                        let day = u8::try_from(i).expect("seven days");
                        for r in arabic::find_words(&key, &name.to_ascii_lowercase()) {
                            push(
                                r,
                                Value::Weekday {
                                    day,
                                    definite: true,
                                },
                                &mut tokens,
                            );
                        }
                    }
                }
            }
        } else {
            let tables: &[(&[&str; 8], bool)] = match script {
                Script::Arabic => &[(&WORDS_TAA, false), (&WORDS_BARE, true)],
                Script::English => &[(&WORDS_EN, false)],
            };
            for (table, feminine) in tables {
                for (i, word) in table.iter().enumerate() {
                    let n = u8::try_from(i + 3).expect("small");
                    for r in arabic::find_words(&key, &arabic::normalize(word)) {
                        push(
                            r,
                            Value::Word {
                                n,
                                feminine: *feminine,
                            },
                            &mut tokens,
                        );
                    }
                }
            }
        }
        // Digit runs: the normalised text has ASCII digits only.
        let mut i = 0;
        while i < key.len() {
            if !key[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < key.len() && key[i].is_ascii_digit() {
                i += 1;
            }
            // A digit run glued to a word or to another number (1.5) is not
            // ours; a proclitic in front (و19) is.
            let digit_at =
                |j: Option<usize>| j.and_then(|j| key.get(j)).is_some_and(char::is_ascii_digit);
            let separator = |c: char| c == '.' || c == ',';
            let glued_before = start >= 1
                && (key[start - 1].is_alphabetic()
                    || (separator(key[start - 1]) && digit_at(start.checked_sub(2))));
            let glued_after = key
                .get(i)
                .is_some_and(|&c| c.is_alphabetic() || (separator(c) && digit_at(Some(i + 1))));
            let proclitic = start >= 1
                && arabic::PROCLITICS.contains(&key[start - 1])
                && (start == 1 || !key[start - 2].is_alphabetic());
            if (glued_before && !proclitic) || glued_after {
                continue;
            }
            let digits: String = key[start..i].iter().collect();
            let Ok(n) = digits.parse::<u32>() else {
                continue;
            };
            let value = match reading {
                Reading::Date if digits.len() == 4 => Value::Year(n),
                Reading::Date if (1..=31).contains(&n) && digits.len() <= 2 => {
                    Value::Day(u8::try_from(n).expect("at most 31"))
                }
                Reading::Date => continue,
                Reading::Number => Value::Count(n),
            };
            push(start..i, value, &mut tokens);
        }
        tokens.sort_by_key(|t| t.range.start);
        let mut surface = Surface {
            chars,
            script,
            tokens,
        };
        // One word written so («الخميس 5 اكتوبر») tells how the text writes
        // them all: «الاحد 1 اكتوبر», not «الأحد».
        let hamza = |c: &char| matches!(c, 'أ' | 'إ' | 'آ');
        let bare = script == Script::Arabic
            && surface.tokens.iter().any(|t| {
                !surface.chars[t.range.clone()].iter().any(hamza)
                    && surface
                        .render(t.value, t.arabic_indic)
                        .chars()
                        .any(|c| hamza(&c))
            });
        for t in &mut surface.tokens {
            t.bare_alif = bare;
        }
        surface
    }

    /// Returns true if and only if the text holds at least one value.
    pub fn has_values(&self) -> bool {
        !self.tokens.is_empty()
    }

    /// The text with every value replaced by a placeholder of its class,
    /// normalised: two answers of the same shape are written the same way.
    pub fn shape(&self) -> String {
        let mut out = String::new();
        let mut at = 0;
        for t in &self.tokens {
            out.extend(&self.chars[at..t.range.start]);
            out.push_str(t.value.placeholder());
            at = t.range.end;
        }
        out.extend(&self.chars[at..]);
        arabic::normalize(&out)
    }

    /// The values in order, as a key that ignores how they were written:
    /// «الأربعاء» and «يوم الأربعاء» share it, and so do a date and its
    /// English gloss (a month named twice, «يونيو/حزيران», is one month, as
    /// "June" is).
    pub fn key(&self) -> String {
        let mut keys: Vec<String> = self.tokens.iter().map(|t| t.value.key()).collect();
        keys.dedup();
        keys.join(" ")
    }

    /// Each year the text names, with the month named before it, if any
    /// («يوليو/تموز 2000» is July 2000; «1950 - 1953» two years alone). A
    /// month with no year after it falls in `bare_year` when one is given
    /// («20 يونيو» in an article of 2024), and is left out otherwise.
    pub fn dates(&self, bare_year: Option<u32>) -> Vec<(u32, Option<u8>)> {
        let mut out = Vec::new();
        let mut month = None;
        for t in &self.tokens {
            match t.value {
                Value::Month { month: m, .. } => {
                    // «يوليو/تموز» names one month twice.
                    if let (Some(pending), Some(y)) = (month.replace(m), bare_year)
                        && pending != m
                    {
                        out.push((y, Some(pending)));
                    }
                }
                Value::Year(y) => out.push((y, month.take())),
                _ => {}
            }
        }
        if let (Some(pending), Some(y)) = (month, bare_year) {
            out.push((y, Some(pending)));
        }
        out
    }

    /// Every change that makes a different, valid value of the same shape, in
    /// a fixed order. No year moves past `max_year` (the article's own year:
    /// a report cannot recall what has not happened yet).
    pub fn changes(&self, max_year: Option<u32>) -> Vec<Change> {
        let mut changes = Vec::new();
        let mut months = Vec::new();
        let mut counts = Vec::new();
        let mut words = Vec::new();
        let (mut weekday, mut years, mut days) = (false, Vec::new(), Vec::new());
        for t in &self.tokens {
            match t.value {
                Value::Weekday { .. } => weekday = true,
                Value::Month { month, .. } if !months.contains(&month) => months.push(month),
                Value::Month { .. } => {}
                Value::Year(y) => years.push(y),
                Value::Day(d) => days.push(d),
                Value::Count(n) if !counts.contains(&n) => counts.push(n),
                Value::Count(_) => {}
                Value::Word { n, .. } if !words.contains(&n) => words.push(n),
                Value::Word { .. } => {}
            }
        }
        if weekday {
            changes.extend((0..7).map(Change::Weekday));
        }
        for &from in &months {
            // Never a day the month does not have («31 نوفمبر»).
            changes.extend(
                (1..=12)
                    .filter(|&to| to != from && days.iter().all(|&d| d <= days_in_month(to)))
                    .map(|to| Change::Month { from, to }),
            );
        }
        if !years.is_empty() {
            let latest = years.iter().copied().max().unwrap_or(0);
            changes.extend(
                [-3, -2, -1, 1, 2, 3]
                    .into_iter()
                    .filter(|&shift| {
                        max_year.is_none_or(|max| latest.saturating_add_signed(shift) <= max)
                    })
                    .map(Change::Years),
            );
        }
        if !days.is_empty() {
            let max_day = months.first().map_or(30, |&m| days_in_month(m));
            // Four each way: three wrong days even at a month's end.
            for shift in [-2i32, -1, 1, 2, 3, -3, 4, -4] {
                let fits = days
                    .iter()
                    .all(|&d| (1..=i32::from(max_day)).contains(&(i32::from(d) + shift)));
                if fits {
                    changes.push(Change::Days(shift));
                }
            }
        }
        for &from in &counts {
            let steps: &[i64] = if from >= 10 {
                &[-20, -10, -5, 5, 10, 20]
            } else {
                &[-2, -1, 1, 2]
            };
            for step in steps {
                let to = i64::from(from) + step;
                if to >= 1 {
                    changes.push(Change::Count {
                        from,
                        to: u32::try_from(to).expect("positive"),
                    });
                }
            }
        }
        for &from in &words {
            changes.extend(
                (3..=10u8)
                    .filter(|&to| to != from && to.abs_diff(from) <= 3)
                    .map(|to| Change::Word { from, to }),
            );
        }
        // A weekday change to the same day is not a change.
        changes.retain(|c| !matches!(c, Change::Weekday(d) if self.tokens.iter().any(|t| matches!(t.value, Value::Weekday { day, .. } if day == *d))));
        // One part of a date changes, the same in every option: mixed
        // («9 نوفمبر / 10 نوفمبر / 12 نوفمبر / 9 أكتوبر»), the answer is the
        // one option that shares a part with each of the others. The day
        // if there is one (its weekday moving with it, so that «الخميس 5
        // أكتوبر» becomes «السبت 7 أكتوبر», never a weekday the date does
        // not fall on); else the month; else the year.
        let date = |c: &Change| {
            matches!(
                c,
                Change::Weekday(_) | Change::Month { .. } | Change::Years(_) | Change::Days(_)
            )
        };
        let family: Option<fn(&Change) -> bool> = if changes
            .iter()
            .filter(|c| matches!(c, Change::Days(_)))
            .count()
            >= 3
        {
            Some(|c| matches!(c, Change::Days(_)))
        } else if !months.is_empty() {
            Some(|c| matches!(c, Change::Month { .. }))
        } else {
            None
        };
        if let Some(family) = family {
            changes.retain(|c| !date(c) || family(c));
        }
        changes
    }

    /// The text with `change` applied, or `None` when the change touches no
    /// value of this text (an English gloss that does not mention the year).
    pub fn apply(&self, change: Change) -> Option<String> {
        let mut out = String::new();
        let mut at = 0;
        let mut changed = false;
        for t in &self.tokens {
            let Some(value) = changed_value(t.value, change) else {
                continue;
            };
            out.extend(&self.chars[at..t.range.start]);
            let word = self.render(value, t.arabic_indic);
            if t.bare_alif {
                out.extend(word.chars().map(|c| {
                    if matches!(c, 'أ' | 'إ' | 'آ') {
                        'ا'
                    } else {
                        c
                    }
                }));
            } else {
                out.push_str(&word);
            }
            at = t.range.end;
            changed = true;
        }
        out.extend(&self.chars[at..]);
        changed.then_some(out)
    }

    fn render(&self, value: Value, arabic_indic: bool) -> String {
        let digits = |n: u32| {
            let s = n.to_string();
            if arabic_indic {
                s.chars()
                    .map(|c| char::from_u32('٠' as u32 + c.to_digit(10).unwrap_or(0)).unwrap_or(c))
                    .collect()
            } else {
                s
            }
        };
        match (self.script, value) {
            (Script::Arabic, Value::Weekday { day, definite }) => {
                let table = if definite {
                    &arabic::WEEKDAYS_DEFINITE
                } else {
                    &arabic::WEEKDAYS
                };
                table[usize::from(day)].to_owned()
            }
            (Script::English, Value::Weekday { day, .. }) => {
                arabic::WEEKDAYS_EN[usize::from(day)].to_owned()
            }
            (Script::Arabic, Value::Month { month, style }) => {
                arabic::month_name(month, style.unwrap_or(MonthStyle::Gregorian)).to_owned()
            }
            (Script::English, Value::Month { month, .. }) => {
                arabic::MONTHS_EN[usize::from(month - 1)].to_owned()
            }
            (_, Value::Day(d)) => digits(u32::from(d)),
            (_, Value::Year(y) | Value::Count(y)) => digits(y),
            (Script::Arabic, Value::Word { n, feminine }) => {
                let table = if feminine { &WORDS_BARE } else { &WORDS_TAA };
                table[usize::from(n - 3)].to_owned()
            }
            (Script::English, Value::Word { n, .. }) => WORDS_EN[usize::from(n - 3)].to_owned(),
        }
    }
}

fn changed_value(value: Value, change: Change) -> Option<Value> {
    match (value, change) {
        (Value::Weekday { definite, .. }, Change::Weekday(day)) => {
            Some(Value::Weekday { day, definite })
        }
        (Value::Month { month, style }, Change::Month { from, to }) if month == from => {
            Some(Value::Month { month: to, style })
        }
        (Value::Year(y), Change::Years(shift)) => y.checked_add_signed(shift).map(Value::Year),
        (Value::Day(d), Change::Days(shift)) => {
            let day = i32::from(d) + shift;
            u8::try_from(day).ok().map(Value::Day)
        }
        (Value::Weekday { day, definite }, Change::Days(shift)) => {
            let day = u8::try_from((i32::from(day) + shift).rem_euclid(7)).ok()?;
            Some(Value::Weekday { day, definite })
        }
        (Value::Count(n), Change::Count { from, to }) if n == from => Some(Value::Count(to)),
        (Value::Word { n, feminine }, Change::Word { from, to }) if n == from => {
            Some(Value::Word { n: to, feminine })
        }
        _ => None,
    }
}

fn days_in_month(month: u8) -> u8 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ar(text: &str) -> Surface {
        Surface::read(text, Script::Arabic, Reading::Date)
    }

    #[test]
    fn reads_the_seed_dates() {
        assert_eq!(ar("الثلاثاء").key(), "w2");
        assert_eq!(ar("يوم غد الأربعاء").key(), "w3");
        assert_eq!(ar("18 و19 يونيو").key(), "d18 d19 m6");
        assert_eq!(ar("20 يونيو/حزيران").key(), "d20 m6");
        assert_eq!(ar("يوليو/تموز 2000").key(), "m7 y2000");
        assert_eq!(ar("1950 - 1953").key(), "y1950 y1953");
        assert_eq!(ar("أكتوبر/تشرين الأول الماضي").key(), "m10");
        assert_eq!(ar("منتصف سبتمبر/أيلول 2023").shape(), "منتصف {m}/{ml} {y}");
        assert_eq!(ar("١٨ جوان ٢٠٢٤").key(), "d18 m6 y2024");
    }

    #[test]
    fn english_glosses_share_the_key() {
        let en = Surface::read("18 and 19 June", Script::English, Reading::Date);
        assert_eq!(en.key(), "d18 d19 m6");
        let en = Surface::read("on Wednesday", Script::English, Reading::Date);
        assert_eq!(en.key(), "w3");
        let en = Surface::read("1961, 2000 and 2001", Script::English, Reading::Date);
        assert_eq!(
            en.key(),
            "y1961 y2000 y2001",
            "a comma after a number is not a thousands separator"
        );
        let n = Surface::read("1,500 km", Script::English, Reading::Number);
        assert_eq!(
            n.key(),
            "",
            "a thousands separator glues the digits: not read"
        );
    }

    #[test]
    fn dates_pair_months_with_years_and_read_a_bare_month_in_the_given_year() {
        assert_eq!(ar("يوليو/تموز 2000").dates(Some(2024)), [(2000, Some(7))]);
        assert_eq!(
            ar("1950 - 1953").dates(Some(2024)),
            [(1950, None), (1953, None)]
        );
        assert_eq!(ar("20 يونيو/حزيران").dates(Some(2024)), [(2024, Some(6))]);
        assert_eq!(ar("20 يونيو/حزيران").dates(None), []);
        assert_eq!(ar("يومي 18 و19 يونيو").dates(Some(2024)), [(2024, Some(6))]);
    }

    #[test]
    fn changes_keep_the_surface_form() {
        let s = ar("يومي 18 و19 يونيو");
        assert_eq!(
            s.apply(Change::Days(-1)).as_deref(),
            Some("يومي 17 و18 يونيو")
        );
        assert_eq!(
            s.apply(Change::Month { from: 6, to: 7 }).as_deref(),
            Some("يومي 18 و19 يوليو")
        );
        assert_eq!(s.apply(Change::Years(1)), None, "no year to change");
        let pair = ar("يوليو/تموز 2000");
        assert_eq!(
            pair.apply(Change::Month { from: 7, to: 3 }).as_deref(),
            Some("مارس/آذار 2000")
        );
        assert_eq!(
            pair.apply(Change::Years(-1)).as_deref(),
            Some("يوليو/تموز 1999")
        );
        assert_eq!(
            ar("الثلاثاء").apply(Change::Weekday(4)).as_deref(),
            Some("الخميس")
        );
        assert_eq!(
            ar("١٨ جوان").apply(Change::Days(2)).as_deref(),
            Some("٢٠ جوان")
        );
    }

    #[test]
    fn changes_are_valid_and_never_the_same_value() {
        let s = ar("الثلاثاء");
        let changes = s.changes(None);
        assert_eq!(changes.len(), 6);
        assert!(!changes.contains(&Change::Weekday(2)));
        let end_of_month = ar("30 يونيو");
        assert!(
            !end_of_month.changes(None).contains(&Change::Days(1)),
            "no 31 June"
        );
        // Three wrong days even at a month's end, and no 31 November.
        for end in ["31 ديسمبر 2017", "يومي 30 و31 ديسمبر", "29 فبراير"] {
            let days = ar(end).changes(None);
            assert!(days.len() >= 3, "{end}: {days:?}");
        }
        let range = ar("من 1 إلى 31 ديسمبر");
        assert!(
            !range
                .changes(None)
                .contains(&Change::Month { from: 12, to: 11 }),
            "no 31 November"
        );
        let recent = ar("2023");
        assert!(recent.changes(Some(2024)).contains(&Change::Years(1)));
        assert!(
            !recent.changes(Some(2024)).contains(&Change::Years(2)),
            "no 2025 in a 2024 report"
        );
    }

    #[test]
    fn a_word_written_without_its_hamza_is_changed_into_words_without_one() {
        assert_eq!(
            ar("الاحد 5 اكتوبر").apply(Change::Days(3)).as_deref(),
            Some("الاربعاء 8 اكتوبر")
        );
        assert_eq!(
            ar("5 اكتوبر")
                .apply(Change::Month { from: 10, to: 4 })
                .as_deref(),
            Some("5 ابريل")
        );
        assert_eq!(
            ar("الخميس 5 اكتوبر").apply(Change::Days(-4)).as_deref(),
            Some("الاحد 1 اكتوبر"),
            "the month tells how the weekday is written"
        );
        assert_eq!(
            ar("الأحد").apply(Change::Weekday(3)).as_deref(),
            Some("الأربعاء"),
            "written with it, changed with it"
        );
    }

    #[test]
    fn one_part_of_a_date_changes_and_a_weekday_moves_with_its_day() {
        let only = |text: &str, part: fn(&Change) -> bool| {
            let changes = ar(text).changes(None);
            !changes.is_empty() && changes.iter().all(part)
        };
        // Mixed, the answer would be the option that shares a part with
        // each of the others.
        assert!(only("9 نوفمبر", |c| matches!(c, Change::Days(_))));
        assert!(only("10 افريل 2017", |c| matches!(c, Change::Days(_))));
        assert!(only("يوليو/تموز 2023", |c| matches!(
            c,
            Change::Month { .. }
        )));
        assert!(only("الخميس 5 اكتوبر", |c| matches!(
            c,
            Change::Days(_)
        )));
        // 5 October 2017 was a Thursday; the 7th, a Saturday.
        let dated = ar("الخميس 5 اكتوبر 2017");
        assert_eq!(
            dated.apply(Change::Days(2)).as_deref(),
            Some("السبت 7 اكتوبر 2017")
        );
        assert_eq!(
            dated.apply(Change::Days(-2)).as_deref(),
            Some("الثلاثاء 3 اكتوبر 2017")
        );
    }

    #[test]
    fn numbers_change_in_steps_that_fit_them() {
        let s = Surface::read("70 عاما", Script::Arabic, Reading::Number);
        assert_eq!(s.key(), "n70");
        assert_eq!(
            s.apply(Change::Count { from: 70, to: 60 }).as_deref(),
            Some("60 عاما")
        );
        let w = Surface::read("أكثر من سبعة عقود", Script::Arabic, Reading::Number);
        assert_eq!(w.key(), "n7");
        assert_eq!(
            w.apply(Change::Word { from: 7, to: 6 }).as_deref(),
            Some("أكثر من ستة عقود")
        );
        let en = Surface::read("more than seven decades", Script::English, Reading::Number);
        assert_eq!(
            en.apply(Change::Word { from: 7, to: 6 }).as_deref(),
            Some("more than six decades")
        );
    }
}
