//! The shape of an option, so that the right one never stands out by its
//! form: the only one opening with a preposition, or the only long one.

use crate::arabic;

/// Prepositions that can open an option («في ختام المحادثات»), as
/// [`arabic::normalize`] spells them («إلى» is «الي»). An answer that opens
/// with one stands beside options that do too; one that does not, beside
/// options that do not.
const OPENERS: [&str; 13] = [
    "في", "الي", "من", "علي", "عن", "مع", "منذ", "حتي", "خلال", "عند", "نحو", "لدي", "بين",
];

/// How much longer (or shorter) than the answer a wrong option may be.
const MAX_RATIO: f64 = 2.0;

/// How much longer than every other option the answer may be, or how much
/// shorter than every other, before it stands out.
const LONE_RATIO: f64 = 1.5;

/// The letters and digits of an option: its length for these rules.
pub fn length(text: &str) -> usize {
    text.chars().filter(|c| c.is_alphanumeric()).count()
}

/// The preposition an option opens with, if any.
pub fn opener(text: &str) -> Option<&'static str> {
    let normalized = arabic::normalize(text);
    let first = normalized
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    OPENERS.iter().copied().find(|&o| o == first)
}

/// Whether `candidate` may stand beside `answer`: both open with a
/// preposition or neither does, and neither is more than twice as long as
/// the other.
pub fn alike(answer: &str, candidate: &str) -> bool {
    let (a, c) = (length(answer) as f64, length(candidate) as f64);
    opener(answer).is_some() == opener(candidate).is_some()
        && c <= a * MAX_RATIO
        && a <= c * MAX_RATIO
}

/// Whether the answer stands out by its length among the options: more than
/// half as long again as the longest of the others, or the others all more
/// than half as long again as it.
pub fn lone_length<'a>(answer: &str, others: impl IntoIterator<Item = &'a str>) -> bool {
    let a = length(answer) as f64;
    let lengths: Vec<f64> = others.into_iter().map(|o| length(o) as f64).collect();
    let (Some(longest), Some(shortest)) = (
        lengths.iter().copied().reduce(f64::max),
        lengths.iter().copied().reduce(f64::min),
    ) else {
        return false;
    };
    a > longest * LONE_RATIO || a * LONE_RATIO < shortest
}

/// The marks of form an option may carry: what a reader can see without
/// knowing the answer. Arabic: the article «ال», a hyphen; English: an
/// article (a, an, the), «of», a capital on the first word after the
/// article, a hyphen.
pub fn marks(text: &str, english: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    let words: Vec<&str> = text.split_whitespace().collect();
    if text.contains('-') {
        out.push("a hyphen");
    }
    if english {
        let first = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
        let article = matches!(first.as_str(), "a" | "an" | "the");
        if article {
            out.push("an article (a, an, the)");
        }
        if words.iter().any(|w| w.eq_ignore_ascii_case("of")) {
            out.push("«of»");
        }
        let head = words.get(usize::from(article));
        if head.is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase)) {
            out.push("a capital");
        }
    } else if words.first().is_some_and(|w| w.starts_with("ال")) {
        out.push("the article «ال»");
    }
    out
}

/// The mark that sets the answer apart from all of `others`: one it alone
/// carries, or one it alone lacks.
pub fn isolating_mark<'a>(
    answer: &str,
    others: impl IntoIterator<Item = &'a str>,
    english: bool,
) -> Option<&'static str> {
    let own = marks(answer, english);
    let others: Vec<Vec<&'static str>> = others.into_iter().map(|o| marks(o, english)).collect();
    if others.is_empty() {
        return None;
    }
    let all = [
        "a hyphen",
        "an article (a, an, the)",
        "«of»",
        "a capital",
        "the article «ال»",
    ];
    all.into_iter().find(|m| {
        let has = own.contains(m);
        others.iter().all(|o| o.contains(m) != has)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_opening_with_a_preposition_stands_beside_its_like() {
        assert_eq!(opener("في ختام المحادثات"), Some("في"));
        assert_eq!(opener("إلى موسكو"), Some("الي"), "read after normalisation");
        assert_eq!(opener("حتى الأربعاء"), Some("حتي"));
        assert_eq!(opener("فيتنام"), None, "a word is not its first letters");
        assert!(alike("في ختام المحادثات", "خلال المحادثات"));
        assert!(!alike("في ختام المحادثات", "بداية المحادثات"));
        assert!(!alike("هانوي", "في هانوي"));
    }

    #[test]
    fn a_much_longer_or_shorter_option_does_not_stand_beside_the_answer() {
        assert!(alike("فرانس برس", "كيودو"));
        assert!(!alike("رويترز", "وكالة الأنباء المركزية الكورية"));
        assert!(!alike("وكالة الأنباء المركزية الكورية", "تاس"));
    }

    #[test]
    fn a_mark_of_form_the_answer_alone_has_or_lacks_sets_it_apart() {
        assert_eq!(
            isolating_mark(
                "الليلة الماضية",
                ["صباح أمس", "ليلة أول أمس", "قبل ثلاثة أيام"],
                false
            ),
            Some("the article «ال»")
        );
        assert_eq!(
            isolating_mark(
                "First Deputy Prime Minister",
                [
                    "Minister of Energy",
                    "Minister of Industry",
                    "Minister of Finance"
                ],
                true
            ),
            Some("«of»")
        );
        assert_eq!(
            isolating_mark("ammunition", ["Tanks", "Fighter jets", "Drones"], true),
            Some("a capital")
        );
        assert_eq!(
            isolating_mark(
                "صباح اليوم",
                ["صباح أمس", "الليلة الماضية", "قبل ثلاثة أيام"],
                false
            ),
            None,
            "a mark some options share is no giveaway"
        );
    }

    #[test]
    fn the_answer_stands_out_when_it_alone_is_long_or_short() {
        let answer = "اتفاقية التعاون الاقتصادي والثقافي";
        assert!(lone_length(
            answer,
            ["معاهدة عدم اعتداء", "اتفاقية تجارة حرة", "معاهدة سلام"]
        ));
        assert!(!lone_length(
            answer,
            [
                "معاهدة عدم اعتداء",
                "معاهدة الصداقة والتعاون وحسن الجوار",
                "معاهدة سلام"
            ]
        ));
        assert!(lone_length(
            "نفط",
            ["أسمدة زراعية", "قطع غيار", "معدات ثقيلة"]
        ));
        assert!(!lone_length("نفط", ["قمح", "أسمدة", "سيارات"]));
        assert!(!lone_length("نفط", []), "nothing to compare with");
    }
}
