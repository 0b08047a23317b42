//! Dates: weekdays (with أمس / اليوم / يوم غد read against the article's own
//! date), day and month in the Gregorian, Levantine and North African names
//! and their pairs (يونيو/حزيران), day ranges (يومي 18 و19 يونيو), months
//! with a year or a relative word (منتصف سبتمبر/أيلول 2023، أكتوبر الماضي),
//! years (عام 2000), year ranges (1950 - 1953) and lists (بأعوام 1961 و2000).

use std::ops::Range;
use std::sync::OnceLock;

use super::{Doc, Found, TokenKind, longest_at, phrases};
use crate::arabic;
use crate::facts::Kind;

struct Words {
    months: Vec<(Vec<String>, u8)>,
    weekdays: Vec<String>,
    /// «أحد» is also "one": a weekday without the article counts only after «يوم».
    bare_weekdays: Vec<String>,
    prefixes: Vec<Vec<String>>,
    relative: Vec<Vec<String>>,
    joiners: Vec<String>,
    year_words: Vec<String>,
    /// Words after which a number alone may be a year: «بعد 2011».
    year_before: Vec<String>,
    /// Words that may follow such a year: «منذ 2011 و…».
    year_after: Vec<String>,
    plural_years: Vec<String>,
}

fn words() -> &'static Words {
    static W: OnceLock<Words> = OnceLock::new();
    W.get_or_init(|| {
        let list = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut months: Vec<(Vec<String>, u8)> = arabic::month_names()
            .iter()
            .map(|(name, month, _)| (name.split(' ').map(str::to_owned).collect(), *month))
            .collect();
        months.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        Words {
            months,
            weekdays: arabic::WEEKDAYS_DEFINITE
                .iter()
                .map(|w| arabic::normalize(w))
                .collect(),
            bare_weekdays: arabic::WEEKDAYS
                .iter()
                .map(|w| arabic::normalize(w))
                .collect(),
            prefixes: phrases(&list(&[
                "منتصف",
                "أوائل",
                "أواخر",
                "مطلع",
                "نهاية",
                "بداية",
                "أواسط",
            ])),
            relative: phrases(&list(&[
                "الماضي",
                "المقبل",
                "القادم",
                "الجاري",
                "الحالي",
                "من العام الماضي",
                "من العام قبل الماضي",
                "من العام المقبل",
                "من هذا العام",
                "من العام الجاري",
            ])),
            joiners: ["و", "-", "الي", "حتي", "–"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            year_words: ["عام", "العام", "سنه", "منذ"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            plural_years: ["اعوام", "سنوات", "الاعوام", "السنوات"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
            year_before: [
                "بعد",
                "قبل",
                "منذ",
                "حتي",
                "عن",
                "في",
                "مستويات",
                "مستوي",
                "بحلول",
                "مطلع",
                "اواخر",
                "اوايل",
                "نهايه",
                "بدايه",
                "سنتي",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            year_after: ["و", "او", "الي", "حتي"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    })
}

fn number(doc: &Doc, t: usize, digits: Range<usize>) -> Option<u32> {
    let tok = doc.tokens.get(t)?;
    (tok.kind == TokenKind::Number && digits.contains(&tok.text.len()))
        .then(|| tok.text.parse().ok())
        .flatten()
}

fn is_year(doc: &Doc, t: usize) -> bool {
    number(doc, t, 4..5).is_some_and(|y| (1000..=2200).contains(&y))
}

/// A month, or a pair «يونيو/حزيران», at `t`: (end token, month).
fn month_pair(doc: &Doc, t: usize) -> Option<(usize, u8)> {
    let w = words();
    // «آب» is two letters: with a proclitic it is a word (باب، door).
    let found = w.months.iter().find_map(|(m, n)| {
        doc.phrase_at(t, m)
            .filter(|(_, clitic)| *clitic == 0 || m.concat().chars().count() > 2)
            .map(|(e, _)| (e, *n))
    });
    // «سبتمبرالمقبل»: a month glued to the word after it, as published.
    let glued = || {
        let text = &doc.tokens.get(t)?.text;
        w.months.iter().find_map(|(m, n)| {
            let [m] = m.as_slice() else { return None };
            let rest = text.strip_prefix(m.as_str())?;
            ["المقبل", "الماضي", "الجاري", "القادم"]
                .contains(&rest)
                .then_some((t + 1, *n))
        })
    };
    let (end, month) = found.or_else(glued)?;
    if doc.tokens.get(end).is_some_and(|s| s.text == "/")
        && let Some((e2, _)) = w
            .months
            .iter()
            .find_map(|(m, n)| doc.phrase_at(end + 1, m).map(|(e, _)| (e, *n)))
    {
        return Some((e2, month));
    }
    Some((end, month))
}

/// A year after a month: «2000», «عام 2000», «من عام 2000».
fn year_after(doc: &Doc, mut t: usize) -> Option<usize> {
    if doc.tokens.get(t).is_some_and(|s| s.text == "من") {
        t += 1;
    }
    if doc
        .tokens
        .get(t)
        .is_some_and(|s| s.text == "عام" || s.text == "العام")
    {
        t += 1;
    }
    is_year(doc, t).then_some(t + 1)
}

pub fn find(doc: &Doc, date: Option<&str>, out: &mut Vec<Found>) {
    let w = words();
    let today = date.and_then(days_from_iso);
    let mut t = 0;
    while t < doc.tokens.len() {
        // Day (and range) + month: «20 يونيو/حزيران», «18 و19 يونيو 2024».
        if number(doc, t, 1..3).is_some_and(|d| (1..=31).contains(&d)) {
            let mut k = t + 1;
            if doc.bare(k).iter().any(|(b, _)| w.joiners.contains(b))
                && number(doc, k + 1, 1..3).is_some()
            {
                k += 2;
            }
            // «18 من يناير»
            if doc.tokens.get(k).is_some_and(|x| x.text == "من") && month_pair(doc, k + 1).is_some()
            {
                k += 1;
            }
            if let Some((end, month)) = month_pair(doc, k) {
                let end = year_after(doc, end)
                    .or_else(|| {
                        // «14 و15 أيار الماضي» (but not «الجاري», read as a note).
                        longest_at(doc, end, &w.relative)
                            .filter(|_| {
                                !matches!(doc.tokens[end].text.as_str(), "الجاري" | "الحالي")
                            })
                            .map(|(e, _)| e)
                    })
                    .unwrap_or(end);
                let mut f = Found::new(Kind::Date, "date", t..end, t..end, "day and month");
                if let Some(n) = current_month_note(doc, end, month, today) {
                    f = f.note(n);
                }
                out.push(f);
                t = end;
                continue;
            }
        }
        // Month (and prefix), then a year or a relative word.
        let prefix_end = longest_at(doc, t, &w.prefixes).map(|(e, _)| e);
        let month_at = prefix_end.unwrap_or(t);
        if let Some((end, month)) = month_pair(doc, month_at) {
            let (end, rule) = match (year_after(doc, end), longest_at(doc, end, &w.relative)) {
                (Some(e), _) => (e, "month and year"),
                (None, Some((e, _))) => (e, "month and relative year"),
                (None, None) => (end, "month"),
            };
            // A month alone, neither after a word of time nor with a day
            // or a year, is too often a word that spells like one: «تيريزا
            // ماي» is a name.
            let after_time_word = t > 0
                && matches!(
                    doc.tokens[t - 1].text.as_str(),
                    "في" | "وفي"
                        | "خلال"
                        | "منذ"
                        | "من"
                        | "حتي"
                        | "الي"
                        | "قبل"
                        | "بعد"
                        | "مطلع"
                        | "اواخر"
                        | "اواسط"
                        | "بدايه"
                        | "نهايه"
                        | "غضون"
                        | "موفي"
                        | "شهر"
                        | "غره"
                );
            if rule == "month" && prefix_end.is_none() && !after_time_word {
                t += 1;
                continue;
            }
            let answer_start = if prefix_end.is_some() { t } else { month_at };
            let mut f = Found::new(
                Kind::Date,
                "date",
                answer_start..end,
                answer_start..end,
                rule,
            );
            if rule == "month" {
                f = f.unsure("a month without a year: which year?");
            } else if let Some(n) = current_month_note(doc, end, month, today) {
                f = f.note(n);
            }
            out.push(f);
            t = end;
            continue;
        }
        // Year ranges: «1950 - 1953».
        if is_year(doc, t)
            && doc
                .tokens
                .get(t + 1)
                .is_some_and(|s| s.text == "-" || s.text == "–")
            && is_year(doc, t + 2)
        {
            out.push(Found::new(
                Kind::Date,
                "date",
                t..t + 3,
                t..t + 3,
                "year range",
            ));
            t += 3;
            continue;
        }
        // Year lists: «بأعوام 1961 و2000 و2001».
        let bare: Vec<String> = doc.bare(t).iter().map(|b| b.0.clone()).collect();
        if bare.iter().any(|b| w.plural_years.contains(b)) && is_year(doc, t + 1) {
            if doc
                .tokens
                .get(t + 2)
                .is_some_and(|s| s.text == "-" || s.text == "–")
                && is_year(doc, t + 3)
            {
                out.push(Found::new(
                    Kind::Date,
                    "date",
                    t + 1..t + 4,
                    t..t + 4,
                    "year range",
                ));
                t += 4;
                continue;
            }
            let mut end = t + 2;
            while doc
                .tokens
                .get(end)
                .is_some_and(|s| s.text == "و" || s.text == "،")
                && is_year(doc, end + 1)
            {
                end += 2;
            }
            let rule = if end > t + 2 { "list of years" } else { "year" };
            out.push(Found::new(Kind::Date, "date", t + 1..end, t..end, rule));
            t = end;
            continue;
        }
        // Single years: «عام 2000», «منذ عام 2000».
        if bare.iter().any(|b| w.year_words.contains(b)) {
            let year = if is_year(doc, t + 1) {
                Some(t + 1)
            } else if doc.tokens.get(t + 1).is_some_and(|s| s.text == "عام") && is_year(doc, t + 2)
            {
                Some(t + 2)
            } else {
                None
            };
            if let Some(y) = year {
                out.push(Found::new(Kind::Date, "date", y..y + 1, t..y + 1, "year"));
                t = y + 1;
                continue;
            }
        }
        // A year alone after a preposition or a level: «بعد 2011»، «عن
        // مستويات 2005»; not a count («في 2000 موطن»), so what follows it is
        // punctuation, a word with the article or the end.
        if number(doc, t, 4..5).is_some_and(|y| (1900..=2100).contains(&y))
            && t > 0
            && doc
                .bare(t - 1)
                .iter()
                .any(|(b, _)| w.year_before.contains(b))
            // «لا يقل عن 2000»: a bound on a count.
            && !(t > 1
                && doc.tokens[t - 1].text == "عن"
                && matches!(
                    doc.tokens[t - 2].text.as_str(),
                    "يقل" | "تقل" | "يزيد" | "تزيد" | "اكثر" | "اقل"
                ))
            && doc.tokens.get(t + 1).is_none_or(|n| {
                n.kind == TokenKind::Punct || doc.definite(t + 1) || w.year_after.contains(&n.text)
            })
        {
            out.push(Found::new(
                Kind::Date,
                "date",
                t..t + 1,
                t - 1..t + 1,
                "year",
            ));
            t += 1;
            continue;
        }
        // Times of day: «في ساعة متأخرة من مساء يوم غد», «الليلة الماضية».
        if let Some((end, ty)) = time_of_day(doc, t) {
            let clitic = if doc.tokens[t].text == "وفي" { 1 } else { 0 };
            let mut f = Found::new(Kind::Date, ty, t..end, t..end, "time of day").clitic(clitic);
            if doc.tokens[t..end].iter().any(|x| x.text == "اليوم") {
                f = f.unsure("«اليوم»: before or after the report?");
            }
            out.push(f);
            t = end;
            continue;
        }
        // A day named by its distance alone: «أمس», «يوم غد», «غدا» (with a
        // weekday after, the weekday below reads it; «في أمسّ الحاجة» is
        // "most in need").
        let text = |k: usize| doc.tokens.get(k).map_or("", |x| x.text.as_str());
        // «أول أمس» and «أمس الأول» are the day before yesterday.
        let relative = match (text(t), text(t + 1), text(t + 2)) {
            ("يوم", "غد", _) => Some((t + 2, 1)),
            ("غدا", _, _) => Some((t + 1, 1)),
            ("اول", "امس", _) => Some((t + 2, -2)),
            ("امس", "الاول", _) => Some((t + 2, -2)),
            ("امس", next, _) if next != "الحاجه" => Some((t + 1, -1)),
            _ => None,
        };
        if let Some((end, shift)) = relative
            && !doc
                .bare(end)
                .iter()
                .any(|(b, _)| w.weekdays.contains(b) || w.bare_weekdays.contains(b))
        {
            let mut f = Found::new(Kind::Date, "date", t..end, t..end, "a day before or after");
            if let Some(day) = today {
                f = f.note(format!("= {}", iso_from_days(day + shift)));
            }
            out.push(f);
            t = end;
            continue;
        }
        // Weekdays, with what makes them relative.
        let after_yawm = t > 0 && doc.tokens[t - 1].text == "يوم";
        if let Some((name, clitic)) = doc
            .bare(t)
            .iter()
            .find(|(b, _)| w.weekdays.contains(b) || (after_yawm && w.bare_weekdays.contains(b)))
        {
            let mut start = t;
            let mut shift = None;
            let before = |k: usize| t.checked_sub(k).map(|i| doc.tokens[i].text.as_str());
            match (before(2), before(1)) {
                (_, Some("امس")) => {
                    start = t - 1;
                    shift = Some(-1);
                }
                (Some("يوم"), Some("غد")) => {
                    start = t - 2;
                    shift = Some(1);
                }
                (_, Some("غدا" | "غد")) => {
                    start = t - 1;
                    shift = Some(1);
                }
                (_, Some("اليوم")) => {
                    start = t - 1;
                    shift = Some(0);
                }
                _ => {}
            }
            let mut f =
                Found::new(Kind::Date, "date", t..t + 1, start..t + 1, "weekday").clitic(*clitic);
            if let (Some(shift), Some(day)) = (shift, today) {
                let resolved = day + shift;
                let named = arabic::weekday(name).map(|(d, _)| d);
                let actual = u8::try_from((resolved + 4).rem_euclid(7)).ok();
                f = if named == actual {
                    f.note(format!("= {}", iso_from_days(resolved)))
                } else {
                    f.unsure(format!(
                        "the article's date makes this {}, which is not the weekday named",
                        iso_from_days(resolved)
                    ))
                };
            }
            out.push(f);
            t += 1;
            continue;
        }
        t += 1;
    }
}

/// A time of day relative to the report at `t`: (end, type).
fn time_of_day(doc: &Doc, t: usize) -> Option<(usize, &'static str)> {
    let text = |k: usize| doc.tokens.get(k).map_or("", |x| x.text.as_str());
    let mut k = t;
    // «في ساعة متأخرة من …»
    let at_fi = doc.bare(k).iter().any(|(b, _)| b == "في");
    if at_fi
        && text(k + 1) == "ساعه"
        && matches!(text(k + 2), "متاخره" | "مبكره")
        && text(k + 3) == "من"
    {
        k += 4;
    }
    let bare_first: Vec<String> = doc.bare(k).iter().map(|b| b.0.clone()).collect();
    if k == t && bare_first.iter().any(|b| b == "الليله" || b == "البارحه") {
        return match (bare_first.iter().any(|b| b == "البارحه"), text(k + 1)) {
            (true, _) => Some((k + 1, "time.past")),
            (false, "الماضيه") => Some((k + 2, "time.past")),
            (false, "المقبله" | "القادمه") => Some((k + 2, "time.future")),
            _ => None,
        };
    }
    if !bare_first
        .iter()
        .any(|b| matches!(b.as_str(), "صباح" | "مساء" | "ظهر" | "فجر" | "عصر" | "ليله"))
    {
        return None;
    }
    k += 1;
    if text(k) == "يوم" {
        k += 1;
    }
    match text(k) {
        "غد" | "الغد" | "غدا" => Some((k + 1, "time.future")),
        "امس" | "البارحه" => Some((k + 1, "time.past")),
        "اليوم" => Some((k + 1, "time.past")),
        _ => None,
    }
}

/// «الجاري» after a month: the month of the article's date.
fn current_month_note(doc: &Doc, end: usize, month: u8, today: Option<i64>) -> Option<String> {
    let current = doc
        .tokens
        .get(end)
        .is_some_and(|t| t.text == "الجاري" || t.text == "الحالي");
    match (current, today) {
        (true, Some(day)) => {
            let iso = iso_from_days(day);
            let same = iso.get(5..7).and_then(|m| m.parse::<u8>().ok()) == Some(month);
            Some(if same {
                format!("«الجاري»: {}", &iso[..7])
            } else {
                format!("⚠ «الجاري» but the article is dated {iso}")
            })
        }
        (true, None) => {
            Some("«الجاري»: the month of the article's date, which is not known".to_owned())
        }
        _ => None,
    }
}

/// The article's own date from a dateline in its first sentences: a day,
/// month and year (بكين 11 يناير 2024), or dd/mm/yyyy, that does not date
/// something else («قرار … المؤرخ في 10 افريل 2017» is the decision's
/// date, «منذ 5 ماي 2017» a time before the article).
pub fn dateline(doc: &Doc) -> Option<String> {
    let limit = doc.tokens.len().min(40);
    for t in 0..limit {
        let before = |n: usize| t.checked_sub(n).map_or("", |k| doc.tokens[k].text.as_str());
        let dated = |w: &str| matches!(w, "المورخ" | "المورخه" | "بتاريخ");
        let since = |w: &str| matches!(w, "منذ" | "حتي" | "قبل" | "بعد");
        // «منذ يوم الجمعة 5 ماي»: the word before «يوم» and a weekday.
        let day_word = |w: &str| {
            w == "يوم"
                || arabic::WEEKDAYS_DEFINITE
                    .iter()
                    .chain(&arabic::WEEKDAYS)
                    .any(|d| arabic::normalize(d) == w)
        };
        let mut n = 1;
        while n < 3 && day_word(before(n)) {
            n += 1;
        }
        let of_something_else =
            dated(before(n)) || (before(n) == "في" && dated(before(n + 1))) || since(before(n));
        if of_something_else {
            continue;
        }
        if let Some(day) = number(doc, t, 1..3)
            && let Some((end, month)) = month_pair(doc, t + 1)
            && let Some(year_end) = year_after(doc, end)
        {
            let year = doc.tokens[year_end - 1].text.parse::<u32>().ok()?;
            return Some(format!("{year:04}-{month:02}-{day:02}"));
        }
        if let (Some(d), Some(m), Some(y)) = (
            number(doc, t, 1..3),
            number(doc, t + 2, 1..3),
            number(doc, t + 4, 4..5),
        ) && doc.tokens[t + 1].text == "/"
            && doc.tokens[t + 3].text == "/"
            && (1..=31).contains(&d)
            && (1..=12).contains(&m)
        {
            return Some(format!("{y:04}-{m:02}-{d:02}"));
        }
    }
    None
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date.
pub fn days_from_iso(iso: &str) -> Option<i64> {
    let mut parts = iso.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `YYYY-MM-DD` of a day count since 1970-01-01.
pub fn iso_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, date: Option<&str>) -> Vec<(String, String)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        find(&doc, date, &mut out);
        out.iter()
            .map(|f| {
                let answer = f.answer_text(&doc);
                (answer, f.note.clone().unwrap_or_default())
            })
            .collect()
    }

    fn answers(text: &str) -> Vec<String> {
        dates(text, None).into_iter().map(|d| d.0).collect()
    }

    #[test]
    fn a_year_alone_after_a_preposition_but_never_a_count() {
        assert_eq!(
            answers("ملفات فساد اقترفها مسؤولون بعد 2011، وخفض الانبعاثات عن مستويات 2005."),
            ["2011", "2005"]
        );
        assert!(answers("وتوفر في 2000 موطن شغل، وبلغت بعد 1958 مليون دينار").is_empty());
        assert!(answers("عدد لا يقل عن 2000، وبلغ في 2000 من العمال").is_empty());
    }

    #[test]
    fn a_month_glued_to_the_word_after_it_is_read() {
        assert_eq!(
            answers("في اجل اقصاه يوم 18 سبتمبرالمقبل. وتنطلق الحملة"),
            ["18 سبتمبرالمقبل"]
        );
        // «باب» is a door, not «آب» with a proclitic.
        assert!(answers("يفتح باب الترشح للانتخابات البلدية").is_empty());
    }

    #[test]
    fn the_seed_articles_dates() {
        assert_eq!(
            answers("إلى أن تم تحديد موعدها بيومي 18 و19 يونيو الجاري."),
            ["18 و19 يونيو"]
        );
        assert_eq!(
            answers("حيث سيعقد في 20 يونيو/حزيران محادثات"),
            ["20 يونيو/حزيران"]
        );
        assert_eq!(
            answers("في بداية ولايته الأولى في يوليو/تموز 2000، والتقى"),
            ["يوليو/تموز 2000"]
        );
        assert_eq!(
            answers("في منتصف سبتمبر/أيلول 2023، وحينها"),
            ["منتصف سبتمبر/أيلول 2023"]
        );
        assert_eq!(
            answers("وفي أكتوبر/تشرين الأول الماضي، زار"),
            ["أكتوبر/تشرين الأول الماضي"]
        );
        assert_eq!(
            answers("في سبتمبر/أيلول من العام قبل الماضي."),
            ["سبتمبر/أيلول من العام قبل الماضي"]
        );
        assert_eq!(
            answers("خلال الحرب العالمية الثانية (1939 - 1945)."),
            ["1939 - 1945"]
        );
        assert_eq!(
            answers("المؤرخة بأعوام 1961 و2000 و2001."),
            ["1961 و2000 و2001"]
        );
        assert_eq!(answers("وهي الأولى من نوعها منذ عام 2000."), ["2000"]);
        assert_eq!(
            answers("وصل بوتين، الثلاثاء، في مستهل زيارة حتى يوم غد الأربعاء."),
            ["الثلاثاء", "الأربعاء"]
        );
        assert!(
            answers("المعلنتين من طرف واحد، وأحد الأسباب").is_empty(),
            "«واحد» and «أحد» are not Sunday"
        );
        assert_eq!(answers("يوم أحد ماطر"), ["أحد"]);
    }

    #[test]
    fn times_of_day_and_ranges_after_a_plural() {
        assert_eq!(
            answers("وفي ساعة متأخرة من مساء يوم غد، سيبدأ بوتين"),
            ["في ساعة متأخرة من مساء يوم غد"]
        );
        assert_eq!(
            answers("نشر نصه الليلة الماضية، إلى أن"),
            ["الليلة الماضية"]
        );
        assert_eq!(
            answers("وخلال فترة الحرب الكورية في أعوام 1950 - 1953،"),
            ["1950 - 1953"]
        );
    }

    #[test]
    fn north_african_and_levantine_months() {
        assert_eq!(
            answers("من 13 وحتى 18 جانفي 2024"),
            ["13 وحتى 18 جانفي 2024"]
        );
        assert_eq!(answers("يومي 4 و5 جوان المقبل"), ["4 و5 جوان المقبل"]);
        assert_eq!(answers("في 3 آذار 2021 وصل"), ["3 آذار 2021"]);
        assert_eq!(answers("في 12 تشرين الثاني 2019"), ["12 تشرين الثاني 2019"]);
        assert_eq!(answers("منذ جويلية الماضي"), ["جويلية الماضي"]);
        assert_eq!(
            answers("في الفترة من 13 وحتى 18 من يناير الجاري"),
            ["13 وحتى 18 من يناير"]
        );
    }

    #[test]
    fn a_month_alone_only_after_a_word_of_time() {
        assert_eq!(answers("وأعلن ذلك في ماي."), ["ماي"]);
        assert_eq!(answers("ابتداء من غرة أفريل"), ["أفريل"]);
        // A name that spells like a month.
        assert!(answers("وأن رئيسة الوزراء تيريزا ماي على اتصال").is_empty());
    }

    #[test]
    fn relative_days_are_read_against_the_articles_date() {
        let d = dates("وأوضح، أمس الاثنين، ثم يوم غد الأربعاء.", Some("2024-06-18"));
        assert_eq!(d[0], ("الاثنين".to_owned(), "= 2024-06-17".to_owned()));
        assert_eq!(d[1], ("الأربعاء".to_owned(), "= 2024-06-19".to_owned()));
        let wrong = dates("أمس الخميس", Some("2024-06-18"));
        assert!(wrong[0].1.contains("not the weekday named"), "{:?}", wrong);
        let current = dates("يومي 18 و19 يونيو الجاري", Some("2024-06-18"));
        assert_eq!(current[0].1, "«الجاري»: 2024-06");
    }

    #[test]
    fn finds_a_dateline_and_converts_days() {
        let doc = Doc::new("بكين 11 يناير 2024 (شينخوا) تلبية لدعوة");
        assert_eq!(dateline(&doc).as_deref(), Some("2024-01-11"));
        let doc = Doc::new("أحمد عطاف\n19/06/2023 - 22:30\nبتكليف");
        assert_eq!(dateline(&doc).as_deref(), Some("2023-06-19"));
        // A date in the text, of something else, is no dateline.
        let doc = Doc::new(
            "روزنامة الانتخابات\n\nصدر بالعدد الاخير للرائد الرسمي قرار الهيئة المؤرخ في 10 افريل 2017",
        );
        assert_eq!(dateline(&doc), None);
        let doc = Doc::new("عنوان\n\nتتواصل الاحتجاجات منذ 5 ماي 2017 في الحسيمة");
        assert_eq!(dateline(&doc), None);
        let doc = Doc::new("عنوان\n\nتتواصل الاحتجاجات منذ يوم الجمعة 5 ماي 2017 في الحسيمة");
        assert_eq!(dateline(&doc), None);
        // The day of the news, in its first sentence, is the article's.
        let doc =
            Doc::new("عنوان\n\nأعلن رئيس الحكومة المكلف يوسف الشاهد، السبت 20 أوت 2016، عن تشكيلة");
        assert_eq!(dateline(&doc).as_deref(), Some("2016-08-20"));
        assert_eq!(days_from_iso("1970-01-01"), Some(0));
        assert_eq!(
            iso_from_days(days_from_iso("2024-02-29").expect("date")),
            "2024-02-29"
        );
        assert_eq!(
            (days_from_iso("2024-06-18").expect("date") + 4).rem_euclid(7),
            2,
            "a Tuesday"
        );
    }

    #[test]
    fn a_day_named_by_its_distance_alone() {
        let d = dates(
            "وأعلن أمس عن القرار، وسيعقد اجتماع يوم غد ثم آخر غدا.",
            Some("2017-06-04"),
        );
        assert_eq!(
            d,
            [
                ("أمس".to_owned(), "= 2017-06-03".to_owned()),
                ("يوم غد".to_owned(), "= 2017-06-05".to_owned()),
                ("غدا".to_owned(), "= 2017-06-05".to_owned()),
            ]
        );
        let d = dates("وصل أول أمس وغادر أمس الأول.", Some("2017-06-04"));
        assert_eq!(
            d,
            [
                ("أول أمس".to_owned(), "= 2017-06-02".to_owned()),
                ("أمس الأول".to_owned(), "= 2017-06-02".to_owned()),
            ]
        );
        // «أمسّ الحاجة» is "most in need"; with a weekday, the weekday reads it.
        assert!(answers("وهو في أمس الحاجة إلى الدعم.").is_empty());
        assert_eq!(answers("وصل أمس الثلاثاء."), ["الثلاثاء"]);
    }
}
