//! Meaning facts: what a visit aims at (بهدف، في إطار), why something
//! happened (بسبب، على خلفية), what was decided (قررت، اتفقت … على), what
//! came of it (أسفر … عن), what someone said of it (أعرب … عن، بأنها), and
//! the terms an article sets in quotation marks. Each answer is the short run
//! of words after the construction's opener, never the whole clause.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Doc, Found, Tables, TokenKind, longest_at, longest_glued_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/events.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub construction: Vec<Construction>,
    pub stop: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Construction {
    #[serde(rename = "type")]
    pub answer_type: String,
    pub openers: Vec<String>,
    #[serde(default)]
    pub link: Option<String>,
    /// The answer must be a phrase without the article.
    #[serde(default)]
    pub indefinite: bool,
    /// The opener is part of the answer (a verbal noun and its object).
    #[serde(default)]
    pub keep_opener: bool,
    /// The opener is a verb: its subject may stand before the answer.
    #[serde(default)]
    pub verb: bool,
}

/// A construction, normalised: its answer type, openers and link.
struct Opening {
    answer_type: String,
    openers: Vec<Vec<String>>,
    link: Option<Vec<String>>,
    indefinite: bool,
    keep_opener: bool,
    verb: bool,
}

struct Prepared {
    constructions: Vec<Opening>,
    /// Every opener, to end an answer where the next construction begins.
    openers: Vec<Vec<String>>,
    stop: HashSet<String>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let t = &tables.events;
        let constructions = t
            .construction
            .iter()
            .map(|c| {
                let link = c
                    .link
                    .as_ref()
                    .map(|l| arabic::normalize(l).split(' ').map(str::to_owned).collect());
                Opening {
                    answer_type: c.answer_type.clone(),
                    openers: phrases(&c.openers),
                    link,
                    indefinite: c.indefinite,
                    keep_opener: c.keep_opener,
                    verb: c.verb,
                }
            })
            .collect();
        let all: Vec<String> = t
            .construction
            .iter()
            .flat_map(|c| c.openers.iter().cloned())
            .collect();
        Prepared {
            constructions,
            openers: phrases(&all),
            stop: t.stop.iter().map(|s| arabic::normalize(s)).collect(),
        }
    })
}

/// Most words an answer takes.
const MAX_WORDS: usize = 7;

/// Words an answer must not end with: it would dangle.
const DANGLING: [&str; 9] = ["من", "على", "عن", "الى", "مع", "بين", "ان", "و", "ل"];

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    // The people found: a verb's subject is often one of them, by the end
    // of their name («دعا قايد السبسي …»).
    let names: Vec<Vec<String>> = out
        .iter()
        .filter(|f| f.answer_type == "person")
        .map(|f| {
            f.answer
                .clone()
                .map(|k| doc.tokens[k].text.clone())
                .collect()
        })
        .collect();
    // «على إثر» and «إثر» open the same answer once.
    let mut answers: HashSet<Range<usize>> = HashSet::new();
    for t in 0..doc.tokens.len() {
        let sentence = doc.sentence_of(t);
        for c in &p.constructions {
            let Some((mut after, _, glued)) = longest_glued_at(doc, t, &c.openers) else {
                continue;
            };
            // «طالب بمحاسبة …»: the answer leaves out the «ب» of the opener.
            let glued_at = glued.then_some(after);
            // «ليس بهدف …», «لم يقرر …»: what is denied is no fact to ask.
            if t > 0 && NEGATIONS.contains(&doc.tokens[t - 1].text.as_str()) {
                continue;
            }
            if let Some(link) = &c.link {
                let clause_end = doc.clauses[doc.clause_of(t)].end;
                match (after..clause_end.min(after + 7)).find_map(|k| doc.phrase_at(k, link)) {
                    Some((end, _)) => after = end,
                    None => continue,
                }
            }
            // «اقترحت عليه …»: the one it is said to comes first.
            while doc
                .tokens
                .get(after)
                .is_some_and(|x| OBJECT_PRONOUNS.contains(&x.text.as_str()))
            {
                after += 1;
            }
            if c.indefinite && doc.definite(after) {
                continue;
            }
            let answer = if c.keep_opener {
                // The verbal noun must be one (no article, no «ل» of purpose
                // tying it to what comes before) with a phrase after, which
                // ends where another construction opens («الرامية إلى»).
                let end = doc.noun_phrase(after, sentence.end, 7);
                let end = (after + 1..end)
                    .find(|&k| longest_at(doc, k, &p.openers).is_some())
                    .unwrap_or(end);
                let clitic_ok = longest_at(doc, t, &c.openers)
                    .is_some_and(|(_, clitic)| clitic <= 1 && clitic != super::text::MERGED);
                (clitic_ok && !doc.definite(t) && end > after).then_some(t..end)
            } else if c.verb {
                // «وثمن فريق الصندوق إصرار الحكومة»: subject, then object;
                // a subject that is a person found is as long as their name.
                let named = names
                    .iter()
                    .flat_map(|name| (1..=name.len()).map(move |k| &name[name.len() - k..]))
                    .filter(|tail| {
                        tail.iter()
                            .enumerate()
                            .all(|(i, w)| doc.tokens.get(after + i).is_some_and(|x| x.text == *w))
                    })
                    .map(|tail| after + tail.len())
                    .max();
                let first = named.unwrap_or_else(|| doc.noun_phrase(after, sentence.end, 6));
                let second = doc.noun_phrase(first, sentence.end, MAX_WORDS + 1);
                if first > after && second >= first + 2 {
                    Some(first..second)
                } else {
                    answer_at(doc, p, after, sentence.end)
                }
            } else {
                answer_at(doc, p, after, sentence.end)
            };
            // «من بين الأولويات الهامة الأخرى»: «the others» names nothing.
            let vacuous = answer.as_ref().is_some_and(|a| {
                a.clone()
                    .any(|k| matches!(doc.tokens[k].text.as_str(), "الاخري" | "اخري" | "الاخرين"))
            });
            if let Some(answer) = answer.filter(|_| !vacuous)
                && answers.insert(answer.clone())
            {
                let clitic = if c.keep_opener {
                    longest_at(doc, t, &c.openers).map_or(0, |(_, clitic)| clitic)
                } else if glued_at == Some(answer.start) {
                    // «للسلطات» is ل + السلطات: nothing verbatim to cut.
                    if doc.tokens[answer.start].text.starts_with("لل") {
                        super::text::MERGED
                    } else {
                        1
                    }
                } else {
                    0
                };
                out.push(
                    Found::new(
                        Kind::Event,
                        &c.answer_type,
                        answer.clone(),
                        t..answer.end,
                        "a construction of meaning",
                    )
                    .clitic(clitic),
                );
            }
        }
    }
    // Answers found already: a quoted source, title or reason is not a term too.
    let taken: HashSet<usize> = out.iter().flat_map(|f| f.answer.clone()).collect();
    // Straight quotation marks open and close alike: count them per paragraph.
    let mut open = false;
    let mut t = 0;
    while t < doc.tokens.len() {
        let tok = &doc.tokens[t];
        let opening = match tok.text.as_str() {
            "\"" => {
                open = !open;
                open
            }
            "«" => true,
            _ => false,
        };
        // A quoted term or phrase: «"المبادرة العربية"», «"حرج"».
        if opening && let Some((inside, end)) = super::sources::quoted(doc, t, 12) {
            if inside
                .clone()
                .any(|k| doc.tokens[k].kind != TokenKind::Punct)
                && !inside.clone().any(|k| taken.contains(&k))
                && inside.len() <= 10
            {
                out.push(Found::new(
                    Kind::Event,
                    "term",
                    inside,
                    t..end,
                    "a quoted term",
                ));
            }
            open = false;
            t = end;
            continue;
        }
        if tok.line_end {
            open = false;
        }
        t += 1;
    }
}

/// Words that deny what follows them (normalised).
const NEGATIONS: [&str; 7] = ["ليس", "ليست", "لا", "لم", "لن", "غير", "دون"];

/// Pronouns that stand between a verb and its object: «اقترحت عليه …».
const OBJECT_PRONOUNS: [&str; 8] = ["عليه", "عليها", "عليهم", "له", "لها", "لهم", "فيه", "فيها"];

/// The answer that starts at token `start`: a quoted run whole, a noun
/// phrase of two words or more, or else the words up to punctuation, a stop
/// word, the next opener or [`MAX_WORDS`].
fn answer_at(doc: &Doc, p: &Prepared, start: usize, limit: usize) -> Option<Range<usize>> {
    if let Some((inside, _)) = super::sources::quoted(doc, start, 12) {
        return Some(inside);
    }
    let phrase = doc.noun_phrase(start, limit, MAX_WORDS + 1);
    if phrase >= start + 2 {
        return Some(start..phrase);
    }
    // Not a phrase that starts with «ذلك», «كل» …: it says nothing alone.
    if phrase == start {
        return None;
    }
    // «الرفع في المداخيل الجبائية»: a verbal noun, its preposition, and
    // what it acts on.
    if doc
        .tokens
        .get(phrase)
        .is_some_and(|x| matches!(x.text.as_str(), "في" | "علي" | "من" | "عن" | "الي"))
    {
        let object = doc.noun_phrase(phrase + 1, limit, MAX_WORDS - 1);
        if object > phrase + 1 {
            return Some(start..object);
        }
    }
    let mut end = start;
    while end < limit && end - start < MAX_WORDS {
        let tok = &doc.tokens[end];
        let percent = tok.text == "%" && end > start;
        if (tok.kind == TokenKind::Punct && !percent)
            || p.stop.contains(&tok.text)
            || (end > start && longest_at(doc, end, &p.openers).is_some())
        {
            break;
        }
        end += 1;
        if tok.line_end {
            break;
        }
    }
    while end > start && DANGLING.contains(&doc.tokens[end - 1].text.as_str()) {
        end -= 1;
    }
    let chars: usize = (start..end)
        .map(|k| doc.tokens[k].text.chars().count())
        .sum();
    // One short word, or one with the article, says too little to ask
    // about («الاتفاقية», «طفلة»); «تراجعها» says enough.
    let one = end == start + 1 && (doc.definite(start) || chars < 5);
    (end > start && chars >= 3 && !one).then_some(start..end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Vec<(String, String)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        // The people first, as extraction runs them: a subject may be one.
        super::super::people::find(&doc, Tables::get(), &mut out);
        let people = out.len();
        find(&doc, Tables::get(), &mut out);
        out.drain(..people);
        out.sort_by_key(|f| f.answer.start);
        out.iter()
            .map(|f| (f.answer_text(&doc), f.answer_type.clone()))
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn each_construction_gives_its_short_answer() {
        assert_eq!(
            events("أن كتلته النيابية قررت سحب مساندتها للحكومة بسبب تراجعها."),
            [
                pair("سحب مساندتها للحكومة", "decision"),
                pair("تراجعها", "reason")
            ]
        );
        assert_eq!(
            events("وأسفر التفجير أيضا عن إصابة 59 شخصا."),
            [pair("إصابة 59 شخصا", "outcome")]
        );
        assert_eq!(
            events("وأعرب أوباما في بيان عن أسفه بشأن قرار ترامب."),
            [pair("أسفه بشأن قرار ترامب", "statement")]
        );
        assert_eq!(
            events("على إثر أزمة المعبر الحدودي ببن قردان، وإمضائه لاتفاق."),
            [pair("أزمة المعبر الحدودي ببن قردان", "reason")]
        );
    }

    #[test]
    fn calls_intentions_causes_and_aims_of_news_prose() {
        assert_eq!(
            events("وأكدت الحركة موقفها، داعية الحكومة إلى الوفاء بتعهداتها."),
            [pair("الوفاء بتعهداتها", "statement")]
        );
        assert_eq!(
            events("وقالت إنها تعتزم تنظيم وقفة احتجاجية أمام البرلمان."),
            [pair("تنظيم وقفة احتجاجية أمام البرلمان", "intention")]
        );
        assert_eq!(
            events("وهي قضايا قد تتسبب في توتر الأجواء."),
            [pair("توتر الأجواء", "outcome")]
        );
        assert_eq!(
            events("ويعود ذلك الى انعدام المردودية."),
            [pair("انعدام المردودية", "reason")]
        );
        assert_eq!(
            events("وانطلق المشروع لتلافي انقراض السلالة الاصلية."),
            [pair("انقراض السلالة الاصلية", "aim")]
        );
    }

    #[test]
    fn an_opener_may_end_in_a_letter_glued_to_the_answer() {
        assert_eq!(
            events("وارتفعت الأسعار نظرا لندرة هذه السلالة."),
            [pair("ندرة هذه السلالة", "reason")]
        );
        assert_eq!(
            events("وأطلقوا حملات للمطالبة بمحاسبة المسؤولين."),
            [pair("محاسبة المسؤولين", "demand")]
        );
        // «للسلطات» is ل + السلطات: the answer keeps its «ل».
        let doc = Doc::new("وقد تعرض للضغوط الكبيرة.");
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].answer_text(&doc), "للضغوط الكبيرة");
        assert_eq!(out[0].clitic, crate::extract::text::MERGED);
    }

    #[test]
    fn an_answer_ends_at_a_stop_word_and_never_on_a_preposition() {
        assert_eq!(
            events("وإذا عادوا فذلك بهدف حل الأزمة في البلاد."),
            [pair("حل الأزمة", "aim")]
        );
        assert_eq!(events("بسبب من."), []);
    }

    #[test]
    fn a_verb_with_its_subject_first_gives_its_object() {
        assert_eq!(
            events(
                "وأكد الرئيس الباجي قايد السبسي ذلك. كما دعا قايد السبسي السياح الإيطاليين إلى الإقبال على الوجهة التونسية."
            ),
            [
                pair("السياح الإيطاليين", "call"),
                pair("الإقبال على الوجهة التونسية", "statement")
            ]
        );
        assert_eq!(
            events("وثمن فريق صندوق النقد الدولي اصرار الحكومة على المضي قدما."),
            [pair("اصرار الحكومة", "praise")]
        );
    }

    #[test]
    fn measures_others_and_a_mechanism_without_its_madda() {
        // «الية» is «آلية» written without the madda, not «ال» + a word.
        assert_eq!(
            events("مع ارساء الية تعديل أسعار المحروقات."),
            [pair("ارساء الية تعديل أسعار المحروقات", "measure")]
        );
        // «the other priorities» names none.
        assert_eq!(events("وتشكل الاجراءات من بين الاولويات الهامة الأخرى."), []);
        // A measure ends where another construction opens.
        assert_eq!(
            events("الذي يقوم به رئيس حزب سياسي لدعم الجهود الرامية الى حل الأزمة الليبية."),
            [
                pair("دعم الجهود", "measure"),
                pair("حل الأزمة الليبية", "aim")
            ]
        );
    }

    #[test]
    fn what_is_denied_is_no_fact() {
        assert_eq!(
            events("أنه تم إتخاذ هذا القرار ليس بهدف الإنضمام للمعارضة."),
            []
        );
    }

    #[test]
    fn quoted_terms_are_taken_whole() {
        assert_eq!(
            events("أن مستوى التحذير حاليا \"حرج\" مما يعني أن هجوما قد يكون وشيكا."),
            [pair("حرج", "term"), pair("هجوما قد يكون وشيكا", "outcome")]
        );
        assert_eq!(
            events("بسبب \"إلتفافها على بنود وثيقة قرطاج\"."),
            [pair("إلتفافها على بنود وثيقة قرطاج", "reason")],
            "a quoted reason is a reason, not a term too"
        );
    }
}
