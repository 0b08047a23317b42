//! Questions a reader would ask: «من هو رئيس بعثة الصندوق؟», «متى تنطلق
//! عملية تسجيل الناخبين؟», «أين عقد الشريف ندوته؟», «لماذا …؟». A template
//! is used only where the quote, without its answer, still reads as a
//! clause; otherwise the draft asks to fill in the blank.

use std::ops::Range;

use super::{Doc, Found, TokenKind};

/// The longest question drafted, in chars.
pub const MAX_CHARS: usize = 200;

/// Words that lead into a date or a place and go with it when it is asked
/// about: «يوم», «في», «منذ», «إلى» (normalised).
const LEAD_INS: [&str; 13] = [
    "في",
    "يوم",
    "منذ",
    "عام",
    "سنه",
    "لعام",
    "لسنه",
    "بدايه",
    "من",
    "الي",
    "علي",
    "بتاريخ",
    "تاريخ",
];

/// Words that start with «و» as a letter of their own, not as «and».
const WAW_STEMS: [&str; 20] = [
    "وصل",
    "وقع",
    "وزير",
    "وزار",
    "وفد",
    "وكال",
    "وفق",
    "وقت",
    "وسط",
    "وضع",
    "ولد",
    "ولاي",
    "واشنطن",
    "وطن",
    "وثيق",
    "وحد",
    "وجه",
    "وجود",
    "واقع",
    "وظيف",
];

/// A template question for the finding, if one fits.
pub fn template(doc: &Doc, f: &Found, quote: Range<usize>) -> Option<String> {
    let base = f.answer_type.split('.').next().unwrap_or_default();
    match base {
        "person" => person(f),
        "nationality" => nationality(doc, f, quote),
        "date" | "time" => around(doc, f, quote, "متى"),
        "city" | "country" | "region" | "venue" => {
            let lead = lead_in(doc, f.answer.start, quote.start);
            let word = match lead.as_deref() {
                Some("الي") => "إلى أين",
                Some("من") => "من أين",
                _ => "أين",
            };
            around(doc, f, quote, word)
        }
        _ => None,
    }
}

/// «من هو رئيس بعثة صندوق النقد الدولي؟»: a person asked by their title,
/// when the title says enough (two words or more).
fn person(f: &Found) -> Option<String> {
    let title = super::people::post_of(f)?;
    if title.split_whitespace().count() < 2 {
        return None;
    }
    // «للرئيس السابق»: the title as a noun of its own.
    let title = match title.strip_prefix("لل") {
        Some(rest) => format!("ال{rest}"),
        None => title.to_owned(),
    };
    let head = title.split_whitespace().next()?;
    let pronoun = if head.ends_with('ة') { "هي" } else { "هو" };
    Some(format!("من {pronoun} {title}؟"))
}

/// «ما جنسية الشاعر محمد بنيس؟»: a nationality asked by the title before
/// it and the name after it in the quote (a title alone may stand for two
/// people of two countries: «الرئيس الأمريكي», «الرئيس الفرنسي»).
fn nationality(doc: &Doc, f: &Found, quote: Range<usize>) -> Option<String> {
    let t = f.answer.start.checked_sub(1)?;
    // The title without a letter glued to it: «بالشاعر» → «الشاعر».
    let clitic = doc
        .bare(t)
        .iter()
        .find(|(b, c)| b.starts_with("ال") && *c != super::text::MERGED)?
        .1;
    let title: String = words(doc, t..t + 1).chars().skip(clitic).collect();
    let name = super::places::name_after(doc, f.answer.end, quote.end)?;
    Some(format!("ما جنسية {title} {}؟", words(doc, name)))
}

/// The normalised word before token `t` inside the quote, if it leads in.
fn lead_in(doc: &Doc, t: usize, quote_start: usize) -> Option<String> {
    let k = t.checked_sub(1).filter(|k| *k >= quote_start)?;
    let text = &doc.tokens[k].text;
    LEAD_INS.contains(&text.as_str()).then(|| text.clone())
}

/// «متى تنطلق عملية تسجيل الناخبين؟»: the quote without the answer and the
/// words that lead into it, asked with `word`.
/// Only where the answer ends the quote, and what comes before it is one
/// plain clause: it starts with no particle or relative word, names no
/// other date or number, and is short.
fn around(doc: &Doc, f: &Found, quote: Range<usize>, word: &str) -> Option<String> {
    let ends = (f.answer.end..quote.end).all(|k| doc.tokens[k].kind == TokenKind::Punct);
    if !ends {
        return None;
    }
    let mut start = f.answer.start;
    while start > quote.start
        && (LEAD_INS.contains(&doc.tokens[start - 1].text.as_str())
            || doc.tokens[start - 1].kind == TokenKind::Punct)
    {
        start -= 1;
    }
    // «بعنوان سنة 2017», «لسنة 2016»: a year something is for, not when
    // it happened.
    let for_a_year = (start.saturating_sub(1)..f.answer.start).any(|k| {
        matches!(
            doc.tokens[k].text.as_str(),
            "بعنوان" | "لسنه" | "لعام" | "برسم"
        )
    });
    if word == "متى" && for_a_year {
        return None;
    }
    let mut clause = quote.start..start;
    while clause.start < clause.end && doc.tokens[clause.start].kind == TokenKind::Punct {
        clause.start += 1;
    }
    while clause.end > clause.start && doc.tokens[clause.end - 1].kind == TokenKind::Punct {
        clause.end -= 1;
    }
    // «متى سمير الطيب، بعد ظهر؟», «متى … تحقيق فائض تجاري خلال؟», «أين
    // راشد الغنّوشي إن …؟»: a clause with a mark inside, one that ends on a
    // preposition or holds a second clause is no question; nor one that
    // names another time when asking when («متى وفق بيانات … أمس؟»).
    let broken = clause.clone().any(|k| {
        let text = doc.tokens[k].text.as_str();
        doc.tokens[k].kind == TokenKind::Punct
            || SECOND_CLAUSE.contains(&text)
            || (word == "متى" && OTHER_TIMES.contains(&text))
    }) || clause
        .end
        .checked_sub(1)
        .filter(|&k| k >= clause.start)
        .is_some_and(|k| DANGLING.contains(&doc.tokens[k].text.as_str()));
    if broken {
        return None;
    }
    let count = clause
        .clone()
        .filter(|k| doc.tokens[*k].kind == TokenKind::Word)
        .count();
    // «متى انطلق هذا التقليد؟»: which one, the quote says no more.
    let pointing = clause
        .clone()
        .any(|k| matches!(doc.tokens[k].text.as_str(), "هذا" | "هذه" | "ذلك" | "تلك"));
    let says_which = !pointing || count >= 5;
    let plain = (3..=12).contains(&count)
        && says_which
        && !clause.clone().any(|k| {
            let tok = &doc.tokens[k];
            tok.kind == TokenKind::Number || tok.text == "\"" || tok.text == "«"
        })
        && !doc.bare(clause.start).iter().any(|(b, c)| {
            (*c == 0 || b.len() < doc.tokens[clause.start].text.len())
                && NOT_A_CLAUSE_START.contains(&b.as_str())
        });
    plain.then(|| format!("{word} {}؟", without_and(&words(doc, clause))))
}

/// Words that open a second clause inside one (normalised).
const SECOND_CLAUSE: [&str; 6] = ["ان", "انه", "انها", "بان", "لان", "الذي"];

/// Words of time that a «متى» question may not name besides its answer.
const OTHER_TIMES: [&str; 12] = [
    "امس",
    "اليوم",
    "غدا",
    "الاثنين",
    "الثلاثاء",
    "الاربعاء",
    "الخميس",
    "الجمعه",
    "السبت",
    "الاحد",
    "صباح",
    "مساء",
];

/// Words a clause cannot end with: prepositions waiting for what they govern.
const DANGLING: [&str; 12] = [
    "خلال",
    "منذ",
    "بعد",
    "قبل",
    "حتي",
    "اثناء",
    "مع",
    "عن",
    "نحو",
    "حوالي",
    "لدي",
    "عند",
];

/// Words a question's clause may not start with (normalised, with or
/// without «و»): particles, relatives, prepositions, pronouns, and verbs of
/// saying, whose clause says nothing without what was said.
const NOT_A_CLAUSE_START: [&str; 39] = [
    "وفق",
    "وفقا",
    "طبقا",
    "بحسب",
    "مقارنه",
    "قياسا",
    "ان",
    "انه",
    "انها",
    "اذ",
    "التي",
    "الذي",
    "الذين",
    "كما",
    "هو",
    "هي",
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "حسب",
    "اما",
    "فيما",
    "مما",
    "بان",
    "لكن",
    "بل",
    "خلال",
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "اعلن",
    "اعلنت",
    "ذكر",
    "ذكرت",
    "اوضح",
    "اضاف",
];

/// The source text of tokens `range`, without marks at its edges.
fn words(doc: &Doc, range: Range<usize>) -> String {
    let (mut start, mut end) = (range.start, range.end);
    while start < end && doc.tokens[start].kind == TokenKind::Punct {
        start += 1;
    }
    while end > start && doc.tokens[end - 1].kind == TokenKind::Punct {
        end -= 1;
    }
    if start == end {
        return String::new();
    }
    doc.source_text(doc.token_span(start..end))
}

/// The clause without the «و» that joined it to what came before:
/// «وقال ترامب» → «قال ترامب», but «وصل بوتين» stays.
fn without_and(text: &str) -> String {
    // «وقد بدأ هذا التقليد» → «بدأ هذا التقليد».
    if let Some(rest) = text
        .strip_prefix("وقد ")
        .or_else(|| text.strip_prefix("قد "))
    {
        return rest.to_owned();
    }
    let normalized = crate::arabic::normalize(text);
    let first = normalized.split_whitespace().next().unwrap_or_default();
    let joined = first.starts_with('و')
        && first.chars().count() > 3
        && !WAW_STEMS.iter().any(|s| first.starts_with(s));
    if joined {
        text.chars().skip(1).collect()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    fn questions(text: &str) -> Vec<(String, String)> {
        extract(text, Some("2017-05-06"))
            .facts
            .into_iter()
            .map(|f| (f.answer, f.question))
            .collect()
    }

    fn question_for(text: &str, answer: &str) -> String {
        questions(text)
            .into_iter()
            .find(|(a, _)| a == answer)
            .map(|(_, q)| q)
            .unwrap_or_else(|| panic!("no fact with the answer {answer}"))
    }

    #[test]
    fn a_template_where_the_clause_reads_without_its_answer() {
        assert_eq!(
            question_for(
                "وتنطلق عملية تسجيل الناخبين يوم الاثنين 19 جوان 2017.",
                "الاثنين 19 جوان 2017"
            ),
            "متى تنطلق عملية تسجيل الناخبين؟"
        );
        // A year something is for is not when it happened.
        assert!(
            question_for(
                "وقد اتفق المجتمعون على ضرورة مواصلة دعم تصدير الحليب بعنوان سنة 2017.",
                "2017"
            )
            .contains("____"),
        );
        // A clause that starts with a particle or an attribution is left as
        // a blank to fill.
        assert!(
            question_for(
                "وحسب هذه الرزنامة تنطلق عملية تسجيل الناخبين يوم الاثنين 19 جوان 2017.",
                "الاثنين 19 جوان 2017"
            )
            .contains("____")
        );
        assert_eq!(
            question_for(
                "أعلن رئيس كتلة حركة مشروع تونس الحرة عبد الرؤوف الشريف، اليوم",
                "عبد الرؤوف الشريف"
            ),
            "من هو رئيس كتلة حركة مشروع تونس الحرة؟"
        );
        assert_eq!(
            question_for(
                "وأعلنت رئيسة الوزراء تيريزا ماي أن مستوى التحذير حرج.",
                "تيريزا ماي"
            ),
            "من هي رئيسة الوزراء؟"
        );
    }

    #[test]
    fn no_template_over_a_clause_that_does_not_read_as_one() {
        // A mark inside, a preposition at the end, a second clause, or
        // another time named: a blank to fill.
        for (text, answer) in [
            ("وترأس وزير الفلاحة سمير الطيب، بعد ظهر الثلاثاء.", "الثلاثاء"),
            (
                "واستطاعت مجموعة المواد الغذائية تحقيق فائض تجاري خلال سنة 2015.",
                "2015",
            ),
            (
                "وفق بيانات نشرها المعهد الوطني للإحصاء أمس الخميس.",
                "الخميس",
            ),
            (
                "وقال راشد الغنوشي إن نموذج التوافق قابل للتطبيق في ليبيا.",
                "ليبيا",
            ),
        ] {
            let q = question_for(text, answer);
            assert!(q.contains("____"), "{q}");
        }
        // What «هذا» points at, the quote does not say.
        assert!(question_for("وقد انطلق هذا التقليد عام 1953.", "1953").contains("____"));
        // «وقد» goes with the «و».
        assert_eq!(
            question_for(
                "وقد بدأ هذا التقليد في عهد الرئيس جيمس ماديسون عام 1801.",
                "1801"
            ),
            "متى بدأ هذا التقليد في عهد الرئيس جيمس ماديسون؟"
        );
    }

    #[test]
    fn a_nationality_is_asked_by_the_title_and_the_name() {
        assert_eq!(
            question_for(
                "وسيتم تكريم الشاعر المغربي الكبير\" محمد بنيس\" في الدورة.",
                "المغربي"
            ),
            "ما جنسية الشاعر محمد بنيس؟"
        );
        assert_eq!(
            question_for("والتقينا بالشاعرة التونسية آمال موسى أمس.", "التونسية"),
            "ما جنسية الشاعرة آمال موسى؟"
        );
        // No name after the title: the title is asked, not the adjective.
        assert!(
            !questions("وأضاف الصحفي المغربي أن المواد أتلفت.")
                .iter()
                .any(|(answer, _)| answer == "المغربي")
        );
        assert!(
            question_for("وأضاف الصحفي المغربي أن المواد أتلفت.", "الصحفي المغربي")
                .contains("____")
        );
        // What «و» joins after it is someone else.
        assert!(
            question_for("تميز الحفل بأداء المغني الفرنسي وفنانين مغاربة.", "الفرنسي")
                .contains("____")
        );
    }

    #[test]
    fn a_blank_where_no_template_fits() {
        let q = question_for(
            "بخفض انبعاثاتها ما بين 26 و28 في المائة عن مستويات 2005.",
            "ما بين 26 و28 في المائة",
        );
        assert!(q.starts_with("كم؟ أكمل بحسب المقال: «"), "{q}");
        assert!(q.contains("____"), "{q}");
    }
}
