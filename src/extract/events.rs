//! Meaning facts: what a visit aims at (بهدف، في إطار), why something
//! happened (بسبب، على خلفية), what was decided (قررت، اتفقت … على), what
//! came of it (أسفر … عن), what someone said of it (أعرب … عن، بأنها), and
//! the terms an article sets in quotation marks. Each answer is the short run
//! of words after the construction's opener, never the whole clause.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use super::text::{MERGED, derived_verbal_noun};
use super::{Doc, Found, Tables, TokenKind, longest_at, longest_glued_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/events.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub construction: Vec<Construction>,
    pub stop: Vec<String>,
    pub statements: Statements,
    /// Verbal nouns of the simple verb, whose shape does not tell them
    /// (شراء، دعم، حل): a purpose after «ل» like the derived ones.
    pub verbal_nouns: Vec<String>,
}

/// What someone said, as a nominal sentence after «أن»: «وأكد أن التعاون
/// الاقتصادي "مميز"». The answer is the predicate.
#[derive(Debug, Deserialize)]
pub struct Statements {
    /// Verbs of saying, and their participles (مؤكدا).
    pub verbs: Vec<String>,
    /// Verbs of saying given by their past, read in each of their forms
    /// (أكدوا، يوضح، سيضيف …) as `verbs` are.
    #[serde(default)]
    pub lemmas: Vec<String>,
    /// «أن» and its forms: with a subject after, or a pronoun on it (أنها).
    pub particles: Vec<String>,
    pub pronouns: Vec<String>,
    /// Words between a subject and its predicate (كان، هي).
    pub copulas: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Construction {
    #[serde(rename = "type")]
    pub answer_type: String,
    #[serde(default)]
    pub openers: Vec<String>,
    /// Verbs given by their past (he did), an opener in each of their
    /// forms: «احتضن» opens «احتضنت», «يحتضن», «ستحتضن» … too.
    #[serde(default)]
    pub verbs: Vec<String>,
    #[serde(default)]
    pub link: Option<String>,
    /// The answer must be a phrase without the article.
    #[serde(default)]
    pub indefinite: bool,
    /// The answer must name something definite: the article on its first
    /// or second word («من قبل وزارة الداخلية»; not «من قبل وأنا …»).
    #[serde(default)]
    pub definite: bool,
    /// The opener is part of the answer (a verbal noun and its object).
    #[serde(default)]
    pub keep_opener: bool,
    /// The opener is a verb: its subject may stand before the answer.
    #[serde(default)]
    pub verb: bool,
    /// How many words the link may stand from the opener, across commas
    /// in the same sentence («دعت أحزاب …، في بيانات …، إلى …»); without
    /// it, a few words of the same clause.
    #[serde(default)]
    pub reach: Option<usize>,
    /// The answer is the verb's subject, with its object after: «وتحتضن
    /// قلعة الأندلس سهرة …».
    #[serde(default)]
    pub subject: bool,
    /// The answer is the first verbal noun with its owner's pronoun in the
    /// clause after the verb and its subject: «أكد الحزب دعمه التام».
    #[serde(default)]
    pub possessed: bool,
    /// The answer names two or more, joined by «و» («كل من السعودية
    /// والإمارات»; «كل من الطرفين» is "each of").
    #[serde(default)]
    pub several: bool,
}

impl Construction {
    /// The openers, with every form of the verbs.
    fn all_openers(&self) -> Vec<String> {
        let verbs = self.verbs.iter().flat_map(|v| {
            let (verb, rest) = v.split_once(' ').unwrap_or((v, ""));
            verb_forms(verb).into_iter().map(move |f| {
                if rest.is_empty() {
                    f
                } else {
                    format!("{f} {rest}")
                }
            })
        });
        self.openers.iter().cloned().chain(verbs).collect()
    }
}

/// The forms of a verb given by its past (he did, as written, with its
/// hamza): the past of she and they, and the present and future of he, she
/// and they: «احتضن» gives «احتضنت، احتضنوا، يحتضن، تحتضن، يحتضنون، سيحتضن،
/// ستحتضن». The present drops the «ا» of the derived forms (احتضن، استعرض)
/// and the «أ» of the fourth (أصدر → يصدر). A verb whose past ends in a
/// vowel (ألغى، دعا) gets its past forms only: its present is not regular
/// enough to write from the past. A form that is also a common word is
/// left out of the table, not filtered here (أشاد → تشاد، أوقف → توقف).
fn verb_forms(past: &str) -> Vec<String> {
    let mut out = vec![past.to_owned()];
    if let Some(stem) = past.strip_suffix(['ى', 'ا']) {
        out.extend([format!("{stem}ت"), format!("{stem}وا")]);
        return out;
    }
    // (Not the dual: «ثمنا», «هدفا» are nouns in the accusative too.)
    out.extend(["ت", "وا"].map(|e| format!("{past}{e}")));
    let chars = past.chars().count();
    let present = if let Some(rest) = past.strip_prefix('ا') {
        rest
    } else if chars == 4
        && let Some(rest) = past.strip_prefix('أ')
    {
        rest
    } else {
        past
    };
    for prefix in ["ي", "ت", "سي", "ست"] {
        out.push(format!("{prefix}{present}"));
    }
    out.push(format!("ي{present}ون"));
    out
}

/// A construction, normalised: its answer type, openers and link.
struct Opening {
    answer_type: String,
    openers: Vec<Vec<String>>,
    link: Option<Vec<String>>,
    indefinite: bool,
    definite: bool,
    keep_opener: bool,
    verb: bool,
    reach: Option<usize>,
    subject: bool,
    possessed: bool,
    several: bool,
}

struct Prepared {
    constructions: Vec<Opening>,
    speech: HashSet<String>,
    particles: HashSet<String>,
    pronouns: HashSet<String>,
    copulas: HashSet<String>,
    /// Every opener, to end an answer where the next construction begins.
    openers: Vec<Vec<String>>,
    stop: HashSet<String>,
    verbal_nouns: HashSet<String>,
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
                    openers: phrases(&c.all_openers()),
                    link,
                    indefinite: c.indefinite,
                    definite: c.definite,
                    keep_opener: c.keep_opener,
                    verb: c.verb,
                    reach: c.reach,
                    subject: c.subject,
                    possessed: c.possessed,
                    several: c.several,
                }
            })
            .collect();
        let all: Vec<String> = t
            .construction
            .iter()
            .filter(|c| !c.keep_opener)
            .flat_map(Construction::all_openers)
            .collect();
        let set = |l: &[String]| l.iter().map(|w| arabic::normalize(w)).collect();
        Prepared {
            constructions,
            speech: t
                .statements
                .verbs
                .iter()
                .cloned()
                .chain(t.statements.lemmas.iter().flat_map(|v| verb_forms(v)))
                .map(|w| arabic::normalize(&w))
                .collect(),
            particles: set(&t.statements.particles),
            pronouns: set(&t.statements.pronouns),
            copulas: set(&t.statements.copulas),
            openers: phrases(&all),
            stop: t.stop.iter().map(|s| arabic::normalize(s)).collect(),
            verbal_nouns: set(&t.verbal_nouns),
        }
    })
}

/// Most words an answer takes.
const MAX_WORDS: usize = 7;

/// Words an answer must not end with: it would dangle.
const DANGLING: [&str; 12] = [
    "من", "علي", "عن", "الي", "مع", "بين", "ان", "و", "ل", "ب", "دون", "بدون",
];

/// Whether token `k` would leave an answer dangling. «علي» and «الي» are
/// also the name Ali and «آلي»: only «على» and «إلى» as written dangle.
fn dangles(doc: &Doc, k: usize) -> bool {
    let tok = &doc.tokens[k];
    DANGLING.contains(&tok.text.as_str())
        && (!matches!(tok.text.as_str(), "علي" | "الي") || is_preposition(&tok.plain))
}

/// «على» and «إلى» as written (the normalised text cannot tell them from
/// the name «علي» and from «آلي»).
fn is_preposition(plain: &str) -> bool {
    matches!(plain, "على" | "إلى" | "الى")
}

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    // The people and places found: a verb's subject is often one of them,
    // by the end of their name («دعا قايد السبسي …», «احتضنت تونس …»).
    let names: Vec<Vec<String>> = out
        .iter()
        .filter(|f| f.answer_type == "person" || f.kind == Kind::Place)
        .map(|f| {
            f.answer
                .clone()
                .map(|k| doc.tokens[k].text.clone())
                .collect()
        })
        .collect();
    // Where a name found (or the end of one) at `at` ends.
    let named_end = |at: usize| {
        names
            .iter()
            .flat_map(|name| (1..=name.len()).map(move |k| &name[name.len() - k..]))
            .filter(|tail| {
                tail.iter()
                    .enumerate()
                    .all(|(i, w)| doc.tokens.get(at + i).is_some_and(|x| x.text == *w))
            })
            .map(|tail| at + tail.len())
            .max()
    };
    // «على إثر» and «إثر» open the same answer once.
    let mut answers: HashSet<Range<usize>> = HashSet::new();
    // Measures found: one inside another («لمكافحة الفساد» in «إرساء هيئة
    // مستقلة لمكافحة الفساد») is no answer of its own.
    let mut measures: Vec<Range<usize>> = Vec::new();
    for t in 0..doc.tokens.len() {
        let sentence = doc.sentence_of(t);
        for c in &p.constructions {
            let Some((mut after, opener_clitic, glued)) = longest_glued_at(doc, t, &c.openers)
            else {
                continue;
            };
            // «طالب بمحاسبة …»: the answer leaves out the «ب» of the opener.
            let mut glued_at = glued.then_some(after);
            // «ليس بهدف …», «لم يقرر …»: what is denied is no fact to ask.
            if t > 0 && NEGATIONS.contains(&doc.tokens[t - 1].text.as_str()) {
                continue;
            }
            if let Some(link) = &c.link {
                let window = match c.reach {
                    Some(reach) => sentence.end.min(after + reach),
                    None => doc.clauses[doc.clause_of(t)].end.min(after + 7),
                };
                // «وقام الجيش بقصف …», «قام بتوزيع …»; but «وقامت بعثة
                // الصندوق بزيارة …»: a word right after the verb whose «ب»
                // is a root letter is its subject, so there the link must
                // be a verbal noun.
                let letter = link.last().and_then(|w| super::text::glued_letter(w));
                let found = (after..window).find_map(|k| {
                    let (end, _) = doc.phrase_at(k, link)?;
                    let subject_like = k == after
                        && letter.is_some_and(|l| {
                            doc.tokens[k].text.strip_prefix(l).is_some_and(|w| {
                                !w.starts_with("ال")
                                    && !derived_verbal_noun(w)
                                    && !p.verbal_nouns.contains(w)
                            })
                        });
                    (!subject_like).then_some(end)
                });
                match found {
                    Some(end) => after = end,
                    None => continue,
                }
                // A link that is one letter glued to the answer: «فاز الفيلم
                // بجائزة …» (the answer leaves the letter out).
                if letter.is_some() {
                    glued_at = Some(after);
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
            // «خلال سنة 2016»: a time is a date, no occasion.
            if c.indefinite
                && (doc.definite(after)
                    || doc
                        .tokens
                        .get(after)
                        .is_some_and(|x| TIME_NOUNS.contains(&x.text.as_str())))
            {
                continue;
            }
            if c.definite && !doc.definite(after) && !doc.definite(after + 1) {
                continue;
            }
            if c.keep_opener && measures.iter().any(|m| m.contains(&t)) {
                continue;
            }
            let answer = if c.keep_opener {
                // The verbal noun must be one (no article, no «ل» of purpose
                // tying it to what comes before) with a phrase after, which
                // ends where another construction opens («الرامية إلى»).
                let end = doc.noun_phrase(after, sentence.end, 7);
                // «إرساء هيئة مستقلة لمكافحة الفساد»: an opener with a
                // proclitic (the «ل» of purpose) belongs to the phrase; one
                // standing alone ends it.
                let end = (after + 1..end)
                    .find(|&k| {
                        longest_at(doc, k, &p.openers).is_some_and(|(_, clitic)| clitic == 0)
                    })
                    .unwrap_or(end);
                let clitic_ok = opener_clitic <= 1;
                (clitic_ok && !doc.definite(t) && end > after).then_some(t..end)
            } else if c.subject {
                // «وتحتضن قلعة الأندلس سهرة …»: a subject without the
                // article of what follows, and an object after it; a place
                // found is read already.
                if named_end(after).is_some() {
                    continue;
                }
                let end = doc.noun_phrase(after, sentence.end, 4);
                let object = doc.noun_phrase(end, sentence.end, 4);
                let word = doc
                    .tokens
                    .get(after)
                    .is_some_and(|x| x.kind == TokenKind::Word && !p.stop.contains(&x.text));
                (word && end >= after + 2 && object > end && !doc.definite(end))
                    .then_some(after..end)
            } else if c.possessed {
                // «أكد حزب المبادرة دعمه التام»: words of the subject, then
                // the verbal noun with its owner's pronoun.
                let clause = doc.clauses[doc.clause_of(t)].end;
                (after..clause.min(after + 5))
                    .take_while(|&k| {
                        let x = &doc.tokens[k];
                        x.kind == TokenKind::Word
                            && !p.stop.contains(&x.text)
                            && !dangles(doc, k)
                            && !matches!(
                                x.text.as_str(),
                                "ان" | "بان"
                                    | "انه"
                                    | "انها"
                                    | "بانه"
                                    | "لدي"
                                    | "عند"
                                    | "اثر"
                            )
                    })
                    // «وأكدت الأمينة العامة المنتهية ولايتها مية الجريبي»:
                    // a noun before a name found is part of the subject, as
                    // is one before «أن» («وأكد رئيسها أن …»); «بدوره»,
                    // «نفسه», «لنظيره» are no stance.
                    .find(|&k| {
                        let x = &doc.tokens[k];
                        owned_noun(&x.plain)
                            && named_end(k + 1).is_none()
                            && !x.text.starts_with(['ل', 'ب'])
                            && !["نفس", "ذات"].iter().any(|w| x.text.starts_with(w))
                            && !doc.tokens.get(k + 1).is_some_and(|n| {
                                matches!(n.text.as_str(), "ان" | "بان" | "انه" | "انها")
                            })
                    })
                    .and_then(|k| answer_at(doc, p, k, sentence.end))
                    // «وأكدت الحركة موقفها»: one word says too little.
                    .filter(|a| a.len() >= 2)
            } else if c.verb {
                // «وثمن فريق الصندوق إصرار الحكومة»: subject, then object;
                // a subject that is a person found is as long as their name.
                let named = named_end(after);
                // «ويعتبر هذا المشروع …»: a demonstrative before the subject.
                let subject = if doc
                    .tokens
                    .get(after)
                    .is_some_and(|x| matches!(x.text.as_str(), "هذا" | "هذه"))
                {
                    after + 1
                } else {
                    after
                };
                // «وأطلقوا حملات …»: the plural carries its subject, and
                // the object follows the verb.
                let plural = doc.tokens[after - 1].text.ends_with("وا");
                let first = match named {
                    _ if plural => after,
                    Some(end) => end,
                    None => doc.noun_phrase(subject, sentence.end, 6),
                };
                let second = doc.noun_phrase(first, sentence.end, MAX_WORDS + 1);
                if plural {
                    answer_at(doc, p, after, sentence.end)
                } else if first > after && second >= first + 2 {
                    Some(first..second)
                } else if named.is_some()
                    || (first > subject && subject > after)
                    || (first > after
                        && doc.definite(first - 1)
                        && doc.tokens.get(first).is_some_and(|x| {
                            x.kind == TokenKind::Word
                                && !doc.definite(first)
                                && !p.stop.contains(&x.text)
                                && !dangles(doc, first)
                                && !x.text.starts_with(['ل', 'ب', 'و'])
                                && !super::sources::ADVERBS.contains(&x.text.as_str())
                        }))
                {
                    // «نفى الغنوشي قيامه بـ…», «يعتبر هذا المشروع تمشيا
                    // جهويا لفلاحة …»: the object after a sure subject; a
                    // word without the article after one with it starts
                    // the object («وشهدت المدينة احتجاجات واسعة»), unless
                    // it is a preposition («ستنتهي مشكلة البطالة في …»),
                    // the next item of the object («وحدة الأمة ومصالحها»)
                    // or an adverb («دائما»).
                    answer_at(doc, p, first, sentence.end).filter(|a| a.len() >= 2)
                } else {
                    // The object alone; «دعت الحركة إلى …» is a subject and
                    // a preposition, no object.
                    answer_at(doc, p, after, sentence.end).filter(|a| {
                        !a.clone().any(|k| {
                            matches!(doc.tokens[k].text.as_str(), "في" | "من" | "عن")
                                || is_preposition(&doc.tokens[k].plain)
                        })
                    })
                }
            } else {
                answer_at(doc, p, after, sentence.end)
            };
            // «الإجراءات التي تم اتخاذها», «التي قامت بجمعها»: a verbal noun
            // with a pronoun (written «ها», «ه», not «ة») points back to what
            // it acts on.
            let answer = answer.filter(|a| {
                !matches!(c.answer_type.as_str(), "action" | "what is done")
                    || !((doc.tokens[a.start].plain.ends_with('ه')
                        && !doc.tokens[a.start].plain.ends_with("يه"))
                        || doc.tokens[a.start].plain.ends_with("ها")
                        || a.clone().any(|k| {
                            matches!(doc.tokens[k].text.as_str(), "هذا" | "هذه" | "ذلك" | "تلك")
                        })
                        || doc.tokens[a.start].plain.ends_with("هم")
                        || doc
                            .tokens
                            .get(a.start + 1)
                            .is_some_and(|x| matches!(x.text.as_str(), "له" | "لها" | "لهم"))
                        || (t > 0
                            && matches!(doc.tokens[t - 1].text.as_str(), "التي" | "الذي" | "ما")))
            });
            // «من بين الأولويات الهامة الأخرى»: «the others» names nothing.
            let vacuous = answer.as_ref().is_some_and(|a| {
                a.clone()
                    .any(|k| matches!(doc.tokens[k].text.as_str(), "الاخري" | "اخري" | "الاخرين"))
            });
            // «وله أهمية كبيرة»: a need or a weight is a phrase, not an
            // adjective.
            let need = doc
                .bare(t)
                .iter()
                .any(|(b, _)| b == "ضروره" || b == "اهميه");
            let answer = answer.filter(|a| !need || c.keep_opener || a.len() >= 2);
            let answer = answer.filter(|a| {
                !c.several || (a.start + 1..a.end).any(|k| doc.tokens[k].text.starts_with('و'))
            });
            // «شدد على ضرورة اتخاذ …»: the need is asked from «ضرورة» on,
            // by its own construction.
            let answer = answer.filter(|a| {
                a.start == t
                    || !doc
                        .bare(a.start)
                        .iter()
                        .any(|(b, _)| b == "ضروره" || b == "اهميه")
            });
            // «نفى الغنوشي قيامه بـ"…"»: never an answer that dangles.
            let answer = answer.map(|mut a| {
                while a.end > a.start + 1 && dangles(doc, a.end - 1) {
                    a.end -= 1;
                }
                a
            });
            if let Some(answer) = answer.filter(|_| !vacuous)
                && answers.insert(answer.clone())
            {
                let clitic = if c.keep_opener {
                    opener_clitic
                } else if glued_at == Some(answer.start) {
                    // «للسلطات» is ل + السلطات: nothing verbatim to cut.
                    if doc.tokens[answer.start].text.starts_with("لل") {
                        MERGED
                    } else {
                        1
                    }
                } else {
                    0
                };
                // The subject of «احتضن» is where something is held.
                let kind = if c.subject { Kind::Place } else { Kind::Event };
                out.push(
                    Found::new(
                        kind,
                        &c.answer_type,
                        answer.clone(),
                        t..answer.end,
                        "a construction of meaning",
                    )
                    .clitic(clitic),
                );
                if c.keep_opener {
                    measures.push(answer.clone());
                }
                if !c.verb && !c.keep_opener {
                    // «طالب بمحاسبة …، وبإصلاح …»: the glued letter again.
                    let letter = (clitic == 1)
                        .then(|| doc.tokens[answer.start].text.chars().next())
                        .flatten();
                    let at = Coordination {
                        opener: t,
                        end: answer.end,
                        limit: sentence.end,
                        letter,
                    };
                    coordinated(doc, p, c, &at, &mut answers, out);
                }
            }
        }
    }
    statements(doc, p, &mut answers, out);
    quoted_speech(doc, p, &mut answers, out);
    purposes(doc, p, &measures, &mut answers, out);
    relative_agents(doc, p, &mut answers, out);
    between(doc, &mut answers, out);
    // Answers found already: a quoted source, title or reason is not a term too.
    let taken: HashSet<usize> = out.iter().flat_map(|f| f.answer.clone()).collect();
    // Straight quotation marks open and close alike: count them per paragraph.
    let mut open = false;
    let mut t = 0;
    while t < doc.tokens.len() {
        let tok = &doc.tokens[t];
        let opening = match tok.text.as_str() {
            "\"" => {
                // Spacing tells an opening mark (« "word») from a closing
                // one («word" »); only where it does not, count them.
                let glued_after = doc
                    .tokens
                    .get(t + 1)
                    .is_some_and(|n| n.range.start == tok.range.end && n.kind != TokenKind::Punct);
                let glued_before = t > 0 && doc.tokens[t - 1].range.end == tok.range.start;
                open = match (glued_before, glued_after) {
                    (false, true) => true,
                    (true, false) => false,
                    _ => !open,
                };
                open
            }
            "«" => true,
            _ => false,
        };
        // A quoted term or phrase: «"المبادرة العربية"», «"حرج"».
        if opening && let Some((inside, end)) = super::sources::quoted(doc, t, 12) {
            // «"…"، ويتعين العمل على "…"»: the close of one quotation and
            // the open of the next hold no term.
            if inside
                .clone()
                .any(|k| doc.tokens[k].kind != TokenKind::Punct)
                && doc.tokens[inside.start].kind != TokenKind::Punct
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

/// What something is done for, by the «ل» of purpose and a verbal noun
/// (of a derived verb, or one of the table's) with what it acts on:
/// «لانتخاب قيادة جديدة للحزب», «لتنشيط هياكله الجهوية», «لشراء العملة
/// الصعبة». Measures from the table are read already.
fn purposes(
    doc: &Doc,
    p: &Prepared,
    measures: &[Range<usize>],
    answers: &mut HashSet<Range<usize>>,
    out: &mut Vec<Found>,
) {
    // A preposition written apart: «إلى», «في» …
    let preposition = |k: usize| {
        doc.tokens.get(k).is_some_and(|n| {
            is_preposition(&n.plain) || matches!(n.text.as_str(), "في" | "من" | "عن")
        })
    };
    for t in 0..doc.tokens.len() {
        let tok = &doc.tokens[t];
        let Some((_, clitic)) = doc.bare(t).iter().find(|(b, c)| {
            let lam = match *c {
                1 => tok.text.starts_with('ل'),
                2 => tok.text.starts_with("ول") || tok.text.starts_with("فل"),
                // «للانضمام إلى …», «للتنديد بـ…»: with the article, only
                // before a preposition («للاستثمار العمومي» is a noun and
                // its adjective).
                MERGED => {
                    preposition(t + 1)
                        || doc.bare(t + 1).iter().any(|(b, c)| {
                            *c == 1
                                && doc.tokens[t + 1].text.starts_with('ب')
                                && b.starts_with("ال")
                        })
                }
                _ => false,
            };
            let word = b.strip_prefix("ال").filter(|_| *c == MERGED).unwrap_or(b);
            lam && (*c == MERGED || !tok.text.starts_with("لل"))
                && (derived_verbal_noun(word) || p.verbal_nouns.contains(word))
        }) else {
            continue;
        };
        // Another construction's opener («للمطالبة ب») is read as that;
        // a person or a place found («لترامب») is no verbal noun.
        if measures.iter().any(|m| m.contains(&t))
            || out.iter().any(|f| f.answer.contains(&t))
            || answers.iter().any(|a| a.contains(&t))
            || longest_at(doc, t, &p.openers).is_some()
            || (t > 0 && NEGATIONS.contains(&doc.tokens[t - 1].text.as_str()))
        {
            continue;
        }
        // «أدى الجفاف لارتفاع الأسعار»: after a verb of result (its
        // subject may stand between), «ل» is no purpose.
        if (t.saturating_sub(3)..t).any(|k| {
            doc.bare(k).iter().any(|(b, _)| {
                matches!(
                    b.as_str(),
                    "ادي" | "ادت" | "يودي" | "تودي" | "خضع" | "خضعت" | "تعرض" | "تعرضت"
                )
            })
        }) {
            continue;
        }
        let sentence = doc.sentence_of(t);
        // «للانضمام إلى الاتحاد»: the preposition and what it governs.
        let from = if preposition(t + 1) { t + 2 } else { t + 1 };
        let end = doc.noun_phrase(from, sentence.end, MAX_WORDS);
        let end = (t + 2..end)
            .find(|&k| longest_at(doc, k, &p.openers).is_some_and(|(_, c)| c == 0))
            .unwrap_or(end);
        // «لتمثيل مواطني (مدينة) بتسبرغ»: an aside in parentheses cuts
        // what the phrase needs.
        if (t + 1..end).any(|k| doc.tokens[k].text == "(") {
            continue;
        }
        let mut answer = t..end;
        while answer.end > answer.start + 1 && dangles(doc, answer.end - 1) {
            answer.end -= 1;
        }
        // «لتحقيق ذلك»: a pointer back says nothing alone.
        let vacuous = answer
            .clone()
            .any(|k| matches!(doc.tokens[k].text.as_str(), "ذلك" | "هذا" | "هذه" | "تلك"));
        if answer.len() >= 2 && !vacuous && answers.insert(answer.clone()) {
            out.push(
                Found::new(
                    Kind::Event,
                    "aim",
                    answer.clone(),
                    t..answer.end,
                    "the «ل» of purpose",
                )
                .clitic(*clitic),
            );
        }
    }
}

/// Who did what a relative clause tells: «بالمبادرة التي أطلقها الاتحاد
/// العام التونسي للشغل». The verb carries a pronoun for the noun before it,
/// and its subject, with the article, follows.
fn relative_agents(
    doc: &Doc,
    p: &Prepared,
    answers: &mut HashSet<Range<usize>>,
    out: &mut Vec<Found>,
) {
    for t in 0..doc.tokens.len() {
        if !matches!(doc.tokens[t].text.as_str(), "التي" | "الذي" | "الذين") {
            continue;
        }
        let verb = t + 1;
        let subject = t + 2;
        let Some(v) = doc.tokens.get(verb) else {
            continue;
        };
        // A past verb of four letters or more with «ه» or «ها» on it (not
        // «ة»): أطلقها، وجهته. A present one says what something is
        // (يعيشها، يمثلها، يعادله); a shorter word may be a noun (مقرها) or
        // a preposition (فيها); «شهدتها المغرب» names a place.
        let carries = ["ها", "ه"]
            .iter()
            .find_map(|e| v.plain.strip_suffix(e))
            .is_some_and(|stem| {
                stem.chars().count() >= 4
                    && !stem.starts_with(['ي', 'ن'])
                    && !stem.starts_with("شهد")
            });
        // The subject with the article and nothing before it («للحفاظ» is
        // a purpose), and no time («اليوم»).
        let named = doc.tokens.get(subject).is_some_and(|x| {
            x.plain.starts_with("ال") && doc.definite(subject) && !p.stop.contains(&x.text)
        });
        if !carries || v.kind != TokenKind::Word || !named {
            continue;
        }
        let sentence = doc.sentence_of(t);
        let end = doc.noun_phrase(subject, sentence.end, 6);
        let answer = subject..end;
        if end > subject + 1
            && !out.iter().any(|f| f.answer.start == subject)
            && answers.insert(answer.clone())
        {
            out.push(Found::new(
                Kind::Event,
                "agent",
                answer,
                t.saturating_sub(1)..end,
                "who did it, after a relative",
            ));
        }
    }
}

/// The two sides «بين» names: «نموذج مصالحة بين الإسلاميين والعلمانيين»,
/// «بالتعاون بين الجمعية المهنية للبنوك والجامعة التونسية للنزل». Each
/// side is a noun phrase, the second joined by «و»; numbers are ranges,
/// read elsewhere.
fn between(doc: &Doc, answers: &mut HashSet<Range<usize>>, out: &mut Vec<Found>) {
    for t in 0..doc.tokens.len() {
        if !doc.bare(t).iter().any(|(b, _)| b == "بين") {
            continue;
        }
        // «ما بين 26 و28»: a range; «من بين»: one of many.
        if t > 0 && matches!(doc.tokens[t - 1].text.as_str(), "ما" | "من") {
            continue;
        }
        let limit = doc.sentence_of(t).end;
        let first = doc.noun_phrase(t + 1, limit, 5);
        // The first side ends where «و» joins the second: «و» and a word
        // with the article (والعلمانيين), not a word that starts with
        // «و» (وزراء).
        let joins = |k: usize| {
            doc.bare(k)
                .iter()
                .any(|(b, c)| *c == 1 && b.starts_with("ال") && b.chars().count() > 3)
        };
        let first = (t + 2..first).find(|&k| joins(k)).unwrap_or(first);
        let Some(joined) = doc.tokens.get(first) else {
            continue;
        };
        if first == t + 1 || !joins(first) || joined.kind != TokenKind::Word {
            continue;
        }
        let second = doc.noun_phrase(first, limit, 5);
        // «… والعلمانيين وفي الوقت نفسه»: the second side ends at the next «و».
        let second = (first + 1..second)
            .find(|&k| {
                doc.tokens[k].text.starts_with('و') && doc.bare(k).iter().any(|(_, c)| *c == 1)
            })
            .unwrap_or(second);
        if second == first {
            continue;
        }
        let answer = t + 1..second;
        if answers.insert(answer.clone()) {
            out.push(Found::new(
                Kind::Event,
                "sides",
                answer,
                t..second,
                "the two sides of «بين»",
            ));
        }
    }
}

/// Where a list of answers may go on: after the answer ending at `end`,
/// found by the opener at `opener`, within `limit`; `letter` is the
/// opener's letter glued to its answer, if any.
#[derive(Clone, Copy)]
struct Coordination {
    opener: usize,
    end: usize,
    limit: usize,
    letter: Option<char>,
}

/// Most items a list of answers gives after its first.
const MAX_COORDINATED: usize = 3;

/// The answers joined to one just found by «و»: «إلى عدم استغلال القضاء،
/// وإلى التسريع بالمصالحة» (the link again), «… وضرب مساعي المصالحة» (a
/// verbal noun without the article). Each is an answer of the same type.
fn coordinated(
    doc: &Doc,
    p: &Prepared,
    c: &Opening,
    at: &Coordination,
    answers: &mut HashSet<Range<usize>>,
    out: &mut Vec<Found>,
) {
    let Coordination {
        opener,
        mut end,
        limit,
        letter,
    } = *at;
    for _ in 0..MAX_COORDINATED {
        let mut k = end;
        if doc
            .tokens
            .get(k)
            .is_some_and(|x| x.text == "،" || x.text == ",")
        {
            k += 1;
        }
        let Some(tok) = doc.tokens.get(k) else {
            return;
        };
        if k >= limit || !tok.text.starts_with('و') || tok.kind != TokenKind::Word {
            return;
        }
        // «وإلى …»: the link again, and the answer after it.
        let link_again = c.link.as_ref().is_some_and(|l| {
            l.len() == 1 && doc.bare(k).iter().any(|(b, cl)| *cl == 1 && *b == l[0])
        });
        // «وبإصلاح القضاء» after «طالب بمحاسبة …»: «و» and the opener's
        // glued letter left out.
        let glued_again = letter.is_some_and(|l| {
            tok.text.chars().nth(1) == Some(l) && doc.bare(k).iter().any(|(_, cl)| *cl == 2)
        });
        let (start, clitic) = if link_again {
            (k + 1, 0)
        } else if glued_again {
            (k, 2)
        } else if !doc.definite(k) && tok.text.chars().count() >= 4 && !p.stop.contains(&tok.text) {
            // «وضرب مساعي المصالحة»: a verbal noun, its «و» left out.
            (k, 1)
        } else {
            return;
        };
        let Some(answer) = answer_at(doc, p, start, limit) else {
            return;
        };
        // A verbal noun governs a phrase with the article («وضرب مساعي
        // المصالحة»); a verb («وتعرفنا على», «وسيتم خلالها») does not.
        let plain = &doc.tokens[start].text;
        let verb_like = plain.ends_with("نا")
            || (plain.ends_with('ت') && !plain.ends_with("ات"))
            || ["وسي", "وست", "وسن"].iter().any(|f| plain.starts_with(f));
        let governs = answer.len() >= 2 && (answer.start + 1..answer.end).any(|j| doc.definite(j));
        if clitic >= 1 && (verb_like || !governs) {
            return;
        }
        if !answers.insert(answer.clone()) {
            return;
        }
        out.push(
            Found::new(
                Kind::Event,
                &c.answer_type,
                answer.clone(),
                opener..answer.end,
                "a construction of meaning, joined by «و»",
            )
            .clitic(clitic),
        );
        end = answer.end;
    }
}

/// Most words a statement's predicate takes: a longer one is a clause, no
/// short answer.
const MAX_PREDICATE: usize = 6;

/// What someone said, as a nominal sentence after «أن» within a few words
/// of a verb of saying: «وأكد أن التعاون الاقتصادي "مميز"», «مؤكدا أن
/// قطيع الماعز في طريقه للاندثار», «مؤكدا أنها "دبلوماسية شعبية"». The
/// subject is a noun phrase with the article (or the pronoun on «أن»); the
/// answer is the predicate, when it ends within [`MAX_PREDICATE`] words.
fn statements(doc: &Doc, p: &Prepared, answers: &mut HashSet<Range<usize>>, out: &mut Vec<Found>) {
    for t in 0..doc.tokens.len() {
        let bare = doc.bare(t);
        // «كان» and «لأن» are no «أن» with a proclitic: only و, ف and ب
        // may stand before it.
        let clitic_ok =
            |c: usize| c == 0 || (c == 1 && doc.tokens[t].text.starts_with(['و', 'ف', 'ب']));
        let particle = bare
            .iter()
            .any(|(b, c)| clitic_ok(*c) && p.particles.contains(b));
        let pronoun = bare
            .iter()
            .any(|(b, c)| clitic_ok(*c) && p.pronouns.contains(b));
        if !particle && !pronoun {
            continue;
        }
        let clause = doc.clauses[doc.clause_of(t)].clone();
        let sentence = doc.sentence_of(t);
        // A verb of saying before it, in the same sentence and within a
        // few words (its subject may stand between).
        // The quote starts there, so that it says who said it.
        let Some(said) = (sentence.start.max(t.saturating_sub(8))..t)
            .rev()
            .find(|&k| doc.bare(k).iter().any(|(b, _)| p.speech.contains(b)))
        else {
            continue;
        };
        let mut start = t + 1;
        if particle {
            // «أن تعامل رئيس الحكومة مع الحادثة كان مذلا»: a copula within a
            // few words of the same clause ends the subject, whatever it is.
            let copula = (start + 1..clause.end.min(start + 7))
                .find(|&k| p.copulas.contains(&doc.tokens[k].text));
            if let Some(k) = copula {
                start = k;
            } else {
                // The subject: a noun phrase with the article, or a
                // construct that ends in one.
                let end = doc.noun_phrase(start, clause.end, 7);
                if end == start || !(start..end).any(|k| doc.definite(k)) {
                    continue;
                }
                // «أن المؤسسات الإيطالية المنتصبة في تونس "تحقق نتائج
                // مرموقة"»: a quoted predicate after what the subject governs.
                start = (end..clause.end.min(end + 4))
                    .find(|&k| {
                        doc.tokens[k].text == "\""
                            && doc
                                .tokens
                                .get(k + 1)
                                .is_some_and(|n| n.range.start == doc.tokens[k].range.end)
                    })
                    .unwrap_or(end);
            }
        }
        while doc
            .tokens
            .get(start)
            .is_some_and(|x| p.copulas.contains(&x.text))
        {
            start += 1;
        }
        let Some(answer) = predicate(doc, p, start, sentence.end) else {
            continue;
        };
        if answers.insert(answer.clone()) {
            out.push(Found::new(
                Kind::Event,
                "statement",
                answer.clone(),
                said..answer.end,
                "what someone said",
            ));
        }
    }
}

/// The first words of a quotation after a verb of saying (and its
/// subject, and a colon, if any):
/// «وتابعت الجريبي :" المؤتمر سينجح، وسيعود الجمهوري بقوة"» (the answer is
/// «المؤتمر سينجح»), when they end at a comma, a full stop or the closing
/// mark within [`MAX_WORDS`].
fn quoted_speech(
    doc: &Doc,
    p: &Prepared,
    answers: &mut HashSet<Range<usize>>,
    out: &mut Vec<Found>,
) {
    for t in 0..doc.tokens.len() {
        if !doc.bare(t).iter().any(|(b, _)| p.speech.contains(b)) {
            continue;
        }
        let sentence = doc.sentence_of(t);
        // The subject may stand between, and a colon: «وتابعت الجريبي :"»,
        // «وقال "…"».
        let Some(mark) = (t + 1..sentence.end.min(t + 6))
            .find(|&k| matches!(doc.tokens[k].text.as_str(), "\"" | "«"))
        else {
            continue;
        };
        let colon = doc.tokens[mark - 1].text == ":";
        // Without a colon, only a quotation too long to be a quoted term
        // (which the term rule reads whole).
        if (t + 1..mark).any(|k| doc.tokens[k].kind != TokenKind::Word && doc.tokens[k].text != ":")
            || (!colon && super::sources::quoted(doc, mark, 12).is_some())
        {
            continue;
        }
        // «"إنه دون المستوى، …"»: the particle is no part of what was said.
        let mut start = mark + 1;
        if doc
            .tokens
            .get(start)
            .is_some_and(|x| p.particles.contains(&x.text) || p.pronouns.contains(&x.text))
        {
            start += 1;
        }
        let Some(end) = (start..doc.tokens.len().min(start + MAX_WORDS + 1))
            .find(|&k| doc.tokens[k].kind == TokenKind::Punct)
        else {
            continue;
        };
        let ends = matches!(doc.tokens[end].text.as_str(), "،" | "." | "\"" | "»");
        // «"هذه المبادرة العربية، كما نسميها"»: a pointer says nothing alone.
        let pointer = matches!(
            doc.tokens[start].text.as_str(),
            "هذه" | "هذا" | "ذلك" | "تلك" | "هذان" | "هاتان"
        );
        if ends && !pointer && end >= start + 2 && answers.insert(start..end) {
            out.push(Found::new(
                Kind::Event,
                "statement",
                start..end,
                t..end,
                "what someone said",
            ));
        }
    }
}

/// The predicate at `start`: a quoted run whole, or the words up to
/// punctuation, a stop word or an opener, if they end within
/// [`MAX_PREDICATE`].
fn predicate(doc: &Doc, p: &Prepared, start: usize, limit: usize) -> Option<Range<usize>> {
    let first = doc.tokens.get(start)?;
    if let Some((inside, _)) = super::sources::quoted(doc, start, 10) {
        return Some(inside);
    }
    // «أنه تم إتخاذ القرار», «أن السؤال يتمحور حول»: a passive or a
    // construction of its own, no predicate to ask.
    // «أن قطيع الماعز في طريقه للاندثار»: a predicate may be a phrase
    // with a preposition.
    let preposition = matches!(first.text.as_str(), "في" | "علي" | "من" | "الي");
    if first.kind != TokenKind::Word
        || (p.stop.contains(&first.text) && !preposition)
        || p.particles.contains(&first.text)
        || first.text == "تم"
        || longest_at(doc, start, &p.openers).is_some()
    {
        return None;
    }
    let mut end = start;
    // Where the clause plainly ends; a stop word ends it only after a few
    // words («أن المدن شهدت صباح اليوم …» is cut, not ended).
    let mut ended = false;
    while end < limit {
        let tok = &doc.tokens[end];
        if tok.kind == TokenKind::Punct {
            ended = true;
            break;
        }
        if end > start && (p.stop.contains(&tok.text) || longest_at(doc, end, &p.openers).is_some())
        {
            // «قابل للتطبيق في ليبيا»: an adjective and its complement end
            // at a preposition; a verb («شهدت صباح اليوم») needs more.
            let first = &doc.tokens[start].text;
            let verb_like = preposition
                || first.starts_with(['ي', 'ت', 'س', 'ن'])
                || (first.ends_with('ت') && !first.ends_with("ات"))
                || first.ends_with("وا")
                || first.ends_with("نا");
            ended = end - start >= 3 || (end - start == 2 && !verb_like);
            // «أن نسبة الأجور في الوظيفة العمومية في الناتج …»: a phrase
            // with a preposition followed by another belongs to the subject.
            if preposition && matches!(tok.text.as_str(), "في" | "علي" | "من" | "الي" | "عن")
            {
                ended = false;
            }
            break;
        }
        end += 1;
        if tok.line_end {
            ended = true;
            break;
        }
        if end - start > MAX_PREDICATE {
            return None;
        }
    }
    if !ended && end < limit {
        return None;
    }
    while end > start && dangles(doc, end - 1) {
        end -= 1;
    }
    let chars: usize = (start..end)
        .map(|k| doc.tokens[k].text.chars().count())
        .sum();
    (end > start && chars >= 3).then_some(start..end)
}

/// Nouns of time (normalised): after «خلال» they make a date.
const TIME_NOUNS: [&str; 7] = ["سنه", "عام", "شهر", "يوم", "اسبوع", "ساعه", "ايام"];

/// Words that deny what follows them (normalised).
const NEGATIONS: [&str; 7] = ["ليس", "ليست", "لا", "لم", "لن", "غير", "دون"];

/// A noun with its owner's pronoun, as written (ة is no pronoun): «دعمه»,
/// «مساندتهم», «استعدادها»; not a preposition or particle with one
/// («عليه», «بأنه», «لديها»), nor a word whose last letter is a root «ه» too
/// short to carry one.
fn owned_noun(plain: &str) -> bool {
    const NOT_NOUNS: [&str; 12] = [
        "لدي", "لدى", "علي", "على", "إلي", "إلى", "بين", "عند", "بأن", "لأن", "كأن", "لكن",
    ];
    ["هما", "هم", "ها", "ه"].iter().any(|pronoun| {
        plain.strip_suffix(pronoun).is_some_and(|stem| {
            stem.chars().count() >= 3 && !NOT_NOUNS.contains(&stem) && !stem.starts_with("ال")
        })
    })
}

/// Pronouns that stand between a verb and its object: «اقترحت عليه …».
const OBJECT_PRONOUNS: [&str; 10] = [
    "عليه",
    "عليها",
    "عليهم",
    "له",
    "لها",
    "لهم",
    "فيه",
    "فيها",
    "خلاله",
    "خلالها",
];

/// The answer that starts at token `start`: a quoted run whole, a noun
/// phrase of two words or more, or else the words up to punctuation, a stop
/// word, the next opener or [`MAX_WORDS`].
fn answer_at(doc: &Doc, p: &Prepared, start: usize, limit: usize) -> Option<Range<usize>> {
    if let Some((inside, _)) = super::sources::quoted(doc, start, 12) {
        return Some(inside);
    }
    let phrase = doc.noun_phrase(start, limit, MAX_WORDS + 1);
    // «رسالة "أمريكا أولا"»: a word and the quoted name it is given.
    if phrase == start + 1
        && !doc.definite(start)
        && let Some((_, end)) = super::sources::quoted(doc, phrase, 6)
        && end <= limit
    {
        return Some(start..end);
    }
    if phrase >= start + 2 {
        // «الزيادة المسجلة في أسعار الأحذية»: a change that is only said
        // to have been recorded is what it is in, after «في».
        if matches!(
            doc.tokens[phrase - 1].text.as_str(),
            "المسجل" | "المسجله" | "الحاصل" | "الحاصله"
        ) && doc.tokens.get(phrase).is_some_and(|x| x.text == "في")
        {
            let room = (MAX_WORDS + 1).saturating_sub(phrase + 1 - start);
            let mut object = doc.noun_phrase(phrase + 1, limit, room);
            // «… في أسعار الأحذية والملابس»: and what it is in besides.
            while object > phrase + 1
                && object < limit
                && doc.tokens[object].text.starts_with("وال")
                && object - start < MAX_WORDS + 3
            {
                let next = doc.noun_phrase(object, limit, 3);
                if next == object {
                    break;
                }
                object = next;
            }
            if object > phrase + 1 {
                return Some(start..object);
            }
        }
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
    while end > start && dangles(doc, end - 1) {
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
    fn a_change_said_to_be_recorded_is_asked_with_what_it_is_in() {
        let found = events("وارتفعت أسعار الملابس نتيجة الزيادة المسجلة في أسعار الأحذية.");
        assert!(
            found
                .iter()
                .any(|(answer, _)| answer == "الزيادة المسجلة في أسعار الأحذية"),
            "{found:?}"
        );
        assert!(
            !found.iter().any(|(answer, _)| answer == "الزيادة المسجلة"),
            "{found:?}"
        );
        // With what it is in besides.
        let found = events(
            "ارتفعت أسعار المشروبات نتيجة الزيادة المسجلة في أسعار المياه المعدنية \
             والمشروبات الغازية والعصير بنسبة 7 بالمائة.",
        );
        assert!(
            found.iter().any(|(answer, _)| answer
                == "الزيادة المسجلة في أسعار المياه المعدنية والمشروبات الغازية والعصير"),
            "{found:?}"
        );
    }

    #[test]
    fn concessions_leaders_deadlines_decisions_organisers_and_whom_it_was_told() {
        assert_eq!(
            events("وذلك رغم انخراط قطر في حرب التحالف العربي."),
            [pair("انخراط قطر", "concession")]
        );
        assert_eq!(
            events("وصل وفد برئاسة وزير الخارجية التونسي."),
            [pair("وزير الخارجية التونسي", "leader")]
        );
        assert_eq!(
            events("سيبقى رئيسا للكتلة الى حين تحديد موعد المؤتمر."),
            [pair("تحديد موعد المؤتمر", "until")]
        );
        assert_eq!(
            events("وقال إن ذلك لا يعد سوى سوء فهم لتصريحاته."),
            [pair("سوء فهم لتصريحاته", "characterization")]
        );
        assert_eq!(
            events("وراء قرارها المفاجئ لقطع العلاقات مع قطر."),
            [pair("قطع العلاقات", "decision")]
        );
        // «قرار» alone starts nothing, and ends nothing it is inside.
        assert_eq!(
            events("وأعرب أوباما في بيان عن أسفه بشأن قرار ترامب."),
            [pair("أسفه بشأن قرار ترامب", "statement")]
        );
        assert_eq!(
            events("المهرجان الذي تنظمه المندوبية الجهوية للثقافة."),
            [pair("المندوبية الجهوية للثقافة", "organiser")]
        );
        assert_eq!(
            events("وقال المرموري لمراسل الجوهرة أف أم إن الدورة ناجحة."),
            [pair("الجوهرة أف أم", "told to"), pair("ناجحة", "statement")]
        );
        assert!(
            events("وشهد القطاع بوادر تحسن لا سيما السياحة والانتاج الصناعي.")
                .contains(&pair("السياحة والانتاج الصناعي", "example")),
        );
        assert!(
            events("وتم الترفيع فيها باعتبار الحاجيات المستعجلة التي تتطلبها المستشفيات.")
                .contains(&pair("الحاجيات المستعجلة", "reason")),
        );
    }

    #[test]
    fn targets_contents_pretexts_and_questions() {
        let found = events("واستنكرت الإدارة الحملة التي تستهدف الفنانة التونسية.");
        assert!(
            found.contains(&("الفنانة التونسية".into(), "target".into())),
            "{found:?}"
        );
        let found = events("وأطلق المشروع والمتمثل في تركيز التبريد على مستوى الضيعة.");
        assert!(
            found
                .iter()
                .any(|f| f.1 == "content" && f.0.starts_with("تركيز التبريد")),
            "{found:?}"
        );
        let found = events("وقال إن السياسيين يتعللون بالعادات والتقاليد.");
        assert!(
            found
                .iter()
                .any(|f| f.1 == "reason" && f.0.starts_with("العادات")),
            "{found:?}"
        );
        let found = events("وتساءلت إدارة المسرح عن سبب طرح هذا الموضوع الآن.");
        assert!(
            found
                .iter()
                .any(|f| f.1 == "question" && f.0.starts_with("سبب طرح")),
            "{found:?}"
        );
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
            events("ورفعوا شعارات للمطالبة بمحاسبة المسؤولين."),
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
    fn a_call_reaches_across_commas_and_lists_its_items() {
        assert_eq!(
            events(
                "ودعت، في بيانات أصدرتها الأحزاب اليوم السبت، إلى عدم استغلال القضاء، وإلى التسريع بتحقيق المصالحة الوطنية، وضرب مساعي الفساد."
            ),
            [
                pair("عدم استغلال القضاء", "statement"),
                pair("التسريع بتحقيق المصالحة الوطنية", "statement"),
                pair("ضرب مساعي الفساد", "statement"),
            ]
        );
        // After a glued opener, the next item leaves out «و» and the letter.
        assert_eq!(
            events("وطالب بمحاسبة المسؤولين، وبإصلاح القضاء التونسي."),
            [
                pair("محاسبة المسؤولين", "demand"),
                pair("إصلاح القضاء التونسي", "demand")
            ]
        );
        // A verb after «و» is no item of the list.
        assert_eq!(
            events("دعت الحركة إلى دعم الحكومة، وأدرجت ضمن المهام المطالبة بالإسراع."),
            [pair("دعم الحكومة", "statement")]
        );
    }

    #[test]
    fn the_two_sides_of_between_and_what_is_done_in_the_passive() {
        assert_eq!(
            events("هو نموذج مصالحة بين الإسلاميين والعلمانيين وفي الوقت نفسه."),
            [pair("الإسلاميين والعلمانيين", "sides")]
        );
        assert!(events("بنسبة ما بين 26 و28 في المائة").is_empty());
        assert_eq!(
            events("ويتم خلالها مراقبة تمويل الحملات الانتخابية."),
            [pair("مراقبة تمويل الحملات الانتخابية", "action")]
        );
        // What a relative clause did, or a noun with a pronoun, points
        // back: no answer alone.
        assert!(events("الإجراءات التي تم اتخاذها. والإصلاحات تم تأجيلها.").is_empty());
    }

    #[test]
    fn what_someone_said_is_the_predicate_after_an() {
        assert_eq!(
            events("واعتبر أن التعاون الاقتصادي التونسي الإيطالي \"مميز\"."),
            [pair("مميز", "statement")]
        );
        assert_eq!(
            events("وأضاف أن تعامل رئيس الحكومة مع الحادثة كان مذلا."),
            [pair("مذلا", "statement")]
        );
        // The quote starts at the verb of saying, so it says who said it.
        let doc = Doc::new("واعتبر الوزير أن التعاون الاقتصادي \"مميز\".");
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].needed.start, 0, "from «واعتبر» on");
        // A predicate with a preposition, when it ends the clause.
        assert_eq!(
            events("واشارت الى ان قطيع الماعز في طريقه للاندثار اذ انه قليل."),
            [pair("في طريقه للاندثار", "statement")]
        );
        assert!(events("واعتبر ان نسبة الاجور في الوظيفة العمومية في الناتج المحلي مرتفعة جدا جدا جدا جدا جدا جدا.").is_empty());
        // A quoted predicate after what the subject governs.
        assert_eq!(
            events("مؤكدا أن المؤسسات الإيطالية المنتصبة في تونس \"تحقق نتائج مرموقة\"."),
            [pair("تحقق نتائج مرموقة", "statement")]
        );
        // A clause cut by a stop word, a passive, or no verb of saying
        // before: no short answer.
        assert!(events("وذكر أن المدن المغربية شهدت صباح اليوم مسيرات.").is_empty());
        assert!(events("وأوضح أنه تم إتخاذ هذا القرار.").is_empty());
        assert!(events("ويبدو أن التعاون الاقتصادي مميز.").is_empty());
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
    fn what_was_made_known_and_what_is_needed() {
        assert_eq!(
            events("وكشف المدير العام للبنك عن برنامج لاعادة هيكلة الديون."),
            [
                pair("برنامج لاعادة هيكلة الديون", "announcement"),
                pair("اعادة هيكلة الديون", "measure")
            ]
        );
        assert_eq!(
            events("وشدد على ضرورة اتخاذ اجراءات طارئة."),
            [pair("اتخاذ اجراءات طارئة", "statement")]
        );
    }

    #[test]
    fn who_takes_part_for_whom_and_under_what_motto() {
        assert_eq!(
            events("وتنتظم التظاهرة بمشاركة فرق مسرحية من عدة ولايات، لفائدة أطفال المدارس."),
            [
                pair("فرق مسرحية", "participants"),
                pair("أطفال المدارس", "beneficiary")
            ]
        );
        // «خلال سنة 2016» is a date, no occasion.
        assert!(events("وحقق البنك خلال سنة 2016 نموا.").is_empty());
    }

    #[test]
    fn words_that_only_look_like_others_change_nothing() {
        // «بن علي» and «محمد علي»: the name is no dangling «على».
        assert_eq!(
            events("وذلك بسبب سياسات نظام بن علي."),
            [pair("سياسات نظام بن علي", "reason")]
        );
        // «كان» is no «أن» with «ك».
        assert_eq!(
            events("وقال الوزير إنه كان المسؤول الأول عن الملف."),
            [pair("المسؤول الأول عن الملف", "statement")]
        );
        // A word that starts with «و» joins no second side.
        assert!(events("والتقى بين رئيس وزراء تونس ونظيره الفرنسي.").is_empty());
        // A weight is a phrase, not an adjective.
        assert!(events("وله أهمية كبيرة.").is_empty());
        // «توجيه» ends in «ه» of its root, no pronoun.
        assert_eq!(
            events("وتم توجيه الدعوة الرسمية."),
            [pair("توجيه الدعوة الرسمية", "action")]
        );
    }

    #[test]
    fn a_derived_verbal_noun_after_a_phrase_starts_another() {
        // «الاعلان» is no adjective of «الطعون»; «الإيطاليين» is one.
        assert_eq!(
            events("وتتولى الهيئة اثر انقضاء الطعون الاعلان عن النتائج."),
            [pair("انقضاء الطعون", "reason")]
        );
        assert_eq!(
            events("وذلك بسبب تراجع عدد السياح الإيطاليين."),
            [pair("تراجع عدد السياح الإيطاليين", "reason")]
        );
        // «الأطفال» has the shape of «الإعلان» but is a plural.
        assert_eq!(
            events("وذلك بسبب تراجع عدد الأطفال المتمدرسين."),
            [pair("تراجع عدد الأطفال المتمدرسين", "reason")]
        );
    }

    #[test]
    fn what_something_is_held_to_be() {
        assert_eq!(
            events("ويعتبر هذا المشروع تمشيا جهويا لفلاحة آمنة ومستدامة."),
            [pair("تمشيا جهويا لفلاحة آمنة ومستدامة", "characterization")]
        );
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
        // An opener with the «ل» of purpose stays inside a measure.
        assert_eq!(
            events("وإرساء هيئة مستقلة لمكافحة الفساد."),
            [pair("إرساء هيئة مستقلة لمكافحة الفساد", "measure")]
        );
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
    fn spacing_tells_an_opening_quotation_mark_from_a_closing_one() {
        // An unclosed mark earlier in the paragraph does not turn the
        // next quotation inside out.
        assert_eq!(
            events("ونوه \"بالتعامل الإنساني، قائلا \"ارفعوا الحظر عن الوجهة\" للجميع."),
            [pair("ارفعوا الحظر عن الوجهة", "term")]
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

    #[test]
    fn the_lam_of_purpose_and_quoted_speech() {
        assert_eq!(
            events("وانعقد المؤتمر لانتخاب قيادة جديدة للحزب."),
            [pair("انتخاب قيادة جديدة للحزب", "aim")]
        );
        assert_eq!(
            events("وأحدثت خطة منسق في كل ولاية لتنشيط الهياكل الجهوية."),
            [pair("تنشيط الهياكل الجهوية", "aim")]
        );
        // «للاستثمار» is «ل» and the article; «لانتخابات» a plural;
        // «لتحقيق ذلك» points back.
        assert!(events("وخصص هامش للاستثمار العمومي.").is_empty());
        assert!(events("واستعد الحزب لانتخابات الربيع.").is_empty());
        assert!(events("وعمل الفريق لتحقيق ذلك.").is_empty());
        assert_eq!(
            events("وتابعت الجريبي :\" المؤتمر سينجح، وسيعود الحزب بقوة\"."),
            [pair("المؤتمر سينجح", "statement")]
        );
        // Without a colon, a quotation too long to be a term.
        assert_eq!(
            events(
                "وأضاف الوزير \"الحكومة ستدعم الجهات، وهذا التزام ثابت لا رجعة فيه مهما كانت الظروف الصعبة\"."
            ),
            [pair("الحكومة ستدعم الجهات", "statement")]
        );
        assert!(
            events("وأضاف \"هذه المبادرة العربية، كما نسميها، لم تتوقف يوما منذ انطلاقها قبل سنوات عديدة\".")
                .iter()
                .all(|(_, ty)| ty != "statement")
        );
        // A quotation cut by other punctuation gives nothing.
        // Nor does a purpose cut by an aside in parentheses.
        // (The quotation whole is a quoted term.)
        assert_eq!(
            events("وقال: \"انتخبت لتمثيل مواطني (مدينة) بتسبرغ\"."),
            [pair("انتخبت لتمثيل مواطني (مدينة) بتسبرغ", "term")]
        );
    }

    #[test]
    fn what_was_obtained_made_possible_taken_up_and_done() {
        assert_eq!(
            events("وحصل البنك مؤخرا على شهادة المطابقة الدولية."),
            [pair("شهادة المطابقة الدولية", "outcome")]
        );
        assert_eq!(
            events("وهو ما سيمكن من تحسين الخدمات البنكية."),
            [pair("تحسين الخدمات البنكية", "outcome")]
        );
        assert_eq!(
            events("واستعرض الجانبان أهم البنود الواردة بالاتفاقية."),
            [pair("أهم البنود الواردة بالاتفاقية", "topic")]
        );
        assert_eq!(
            events("وتطرق الرئيس إلى رسالة \"أمريكا أولا\" في خطابه."),
            [pair("رسالة \"أمريكا أولا\"", "topic")]
        );
        assert_eq!(
            events("ونظمت الجمعية ندوة علمية حول المياه."),
            [pair("ندوة علمية", "what happened")]
        );
        assert_eq!(
            events("وألغت الحكومة زيارة الوفد الرسمي."),
            [pair("زيارة الوفد الرسمي", "decision")]
        );
        // «أجل» is a deadline as often as «put off»: only «أجلت» is read.
        assert!(events("في أجل أقصاه يوم الخميس.").is_empty());
        assert_eq!(
            events("وهي مسيرة تشارك فيها فرق عسكرية ومدنية."),
            [pair("فرق عسكرية ومدنية", "participants")]
        );
    }

    #[test]
    fn a_link_glued_to_the_answer_and_what_is_no_purpose() {
        assert_eq!(
            events("وفاز الفيلم التونسي بجائزة أفضل سيناريو."),
            [pair("جائزة أفضل سيناريو", "outcome")]
        );
        assert_eq!(
            events("ويسعى الاتحاد للانضمام إلى الشبكة الدولية."),
            [pair("للانضمام إلى الشبكة الدولية", "aim")]
        );
        // A plural of the shape أفعال, and «ل» after a verb of result.
        assert!(events("وقدمت الجمعية مساعدات لأطفال المناطق الحدودية.").is_empty());
        assert!(events("وأدى الجفاف لارتفاع أسعار الخضر.").is_empty());
        // A definite subject is not joined to the quotation after it.
        assert!(
            events("وناقش البرلمان \"قانون المالية التكميلي\".")
                .iter()
                .all(|(a, _)| !a.starts_with("البرلمان"))
        );
    }

    #[test]
    fn a_verb_is_read_in_each_of_its_forms() {
        // The plural carries its subject: the object follows the verb.
        assert_eq!(
            events("وأطلقوا حملة وطنية واسعة."),
            [pair("حملة وطنية واسعة", "what happened")]
        );
        let forms = verb_forms("احتضن");
        for f in [
            "احتضن",
            "احتضنت",
            "احتضنوا",
            "يحتضن",
            "تحتضن",
            "ستحتضن",
            "يحتضنون",
        ] {
            assert!(forms.iter().any(|x| x == f), "{f} in {forms:?}");
        }
        // The fourth form drops its «أ», the tenth keeps its «ست».
        assert!(verb_forms("أصدر").contains(&"يصدر".to_owned()));
        assert!(verb_forms("استعرض").contains(&"يستعرض".to_owned()));
        // A past ending in a vowel gives its past forms only.
        assert_eq!(verb_forms("ألغى"), ["ألغى", "ألغت", "ألغوا"]);
        assert_eq!(
            events("وتعبر الجمعية عن انشغالها بتدهور المقدرة الشرائية."),
            [pair("انشغالها بتدهور المقدرة الشرائية", "statement")]
        );
    }

    #[test]
    fn where_it_is_held_who_did_it_and_what_someone_stands_by() {
        assert_eq!(
            events("وتحتضن قلعة الأندلس سهرة انتخاب ملكة جمال الورد."),
            [pair("قلعة الأندلس", "venue")]
        );
        // One word is no place: «احتضن جناح …» is cut by a name after it.
        assert!(!events("احتضن جناح تونس لقاء حول السينما.").contains(&pair("جناح", "venue")));
        assert_eq!(
            events("وبلغ حجم إعادة التمويل من طرف البنك المركزي التونسي مستوى قياسيا."),
            [
                pair("إعادة التمويل", "measure"),
                pair("البنك المركزي التونسي", "agent")
            ]
        );
        // «من قبل» is also "before": only a definite name is who did it.
        assert!(events("كانت تعرفه من قبل وأنا متأكدة").is_empty());
        assert_eq!(
            events("وأكد حزب المبادرة دعمه التام واللامشروط للحكومة."),
            [pair("دعمه التام واللامشروط للحكومة", "stance")]
        );
        // A noun with a pronoun in the subject is no stance.
        assert!(
            events("وأكدت الأمينة العامة المنتهية ولايتها سامية عبو أن المؤتمر سينجح.")
                .iter()
                .all(|(_, ty)| ty != "stance")
        );
    }

    #[test]
    fn causes_aims_and_what_is_done_across_the_subject() {
        assert_eq!(
            events("وهذا ناتج، حسب رأيه، عن سوء التصرف في الشؤون الاقتصادية."),
            [pair("سوء التصرف", "reason")]
        );
        assert_eq!(
            events("وأغلقت المحطة بناء على طلب من الشرطة."),
            [pair("طلب من الشرطة", "reason")]
        );
        assert_eq!(
            events("ويهدف هذا المنع إلى تكريس التصرف الرشيد."),
            [pair("تكريس التصرف الرشيد", "aim")]
        );
        assert_eq!(
            events("وقام الجيش بقصف مواقع المسلحين."),
            [pair("قصف مواقع المسلحين", "what is done")]
        );
        // A pronoun points back: «التي قامت بجمعها» names nothing.
        assert!(events("المعطيات التي قامت بجمعها الشركة التعاونية.").is_empty());
        // A verbal noun of the simple verb, from the table.
        assert_eq!(
            events("لجأت البنوك إلى البنك المركزي لشراء العملة الصعبة."),
            [pair("شراء العملة الصعبة", "aim")]
        );
        // A «ب» right after the verb that is a root letter: its subject.
        assert!(
            events("وقامت بعثة صندوق النقد الدولي بزيارة إلى تونس.")
                .iter()
                .all(|(a, _)| !a.starts_with("عثة"))
        );
    }

    #[test]
    fn who_did_it_after_a_relative_and_what_a_list_names() {
        assert_eq!(
            events("مشيدا بالمبادرة التي أطلقها الاتحاد العام التونسي للشغل."),
            [pair("الاتحاد العام التونسي للشغل", "agent")]
        );
        // A preposition with a pronoun, a purpose, a time: no one did it.
        assert!(events("والبيت الذي فيه الأطفال.").is_empty());
        assert!(events("الموارد التي تحتاجها للحفاظ على أمننا.").is_empty());
        assert!(events("الخلافات التي تستهدفه اليوم.").is_empty());
        assert_eq!(
            events("أعلنت كل من السعودية والإمارات والبحرين قطع العلاقات."),
            [pair("السعودية والإمارات والبحرين", "list")]
        );
        assert!(events("ويعاقب كل من يخالف هذه القواعد.").is_empty());
        assert!(events("وطالب كل من الطرفين بضبط النفس.").is_empty());
        assert_eq!(
            events("بما يعزز إدماجها ماليا واجتماعيا في الدورة الاقتصادية."),
            [pair("إدماجها ماليا واجتماعيا", "outcome")]
        );
        assert_eq!(
            events("وذلك لأسباب أمنية واحترازية."),
            [pair("أمنية واحترازية", "reason")]
        );
    }

    #[test]
    fn warnings_pledges_recommendations_accusations_and_inquiries() {
        assert_eq!(
            events("وحذر الوزير من انعكاسات الأزمة على الاقتصاد."),
            [pair("انعكاسات الأزمة", "warning")]
        );
        assert_eq!(
            events("وتعهد الرئيس بمواصلة الإصلاحات."),
            [pair("مواصلة الإصلاحات", "pledge")]
        );
        assert!(
            events("وأوصت اللجنة بإحداث هيكل جديد.")
                .contains(&pair("إحداث هيكل جديد", "recommendation"))
        );
        assert!(
            events("واتهمت الحركة الحكومة بالتقصير في حماية المواطنين.")
                .contains(&pair("التقصير في حماية المواطنين", "accusation"))
        );
        assert_eq!(
            events("وأشرف الوزير على افتتاح الدورة الجديدة."),
            [pair("افتتاح الدورة الجديدة", "what happened")]
        );
        assert_eq!(
            events("وفتحت النيابة تحقيقا في ملابسات الحادث."),
            [pair("ملابسات الحادث", "topic")]
        );
    }

    #[test]
    fn a_word_without_the_article_after_a_subject_with_it_is_the_object() {
        assert_eq!(
            events("وقال إن تونس تعتبر اليوم نموذجا يمكن نقله إلى ليبيا."),
            [pair("نموذجا يمكن نقله إلى ليبيا", "characterization")]
        );
        // An adverb or a preposition after the subject is no object.
        assert!(
            events("ويعتبر حفل الافتتاح دائما لحظة خاصة.")
                .iter()
                .all(|(a, _)| !a.starts_with("دائما"))
        );
        assert_eq!(
            events("وستنتهي مشكلة البطالة في البلاد."),
            [pair("مشكلة البطالة", "outcome")]
        );
    }
}
