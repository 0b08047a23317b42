//! `questions extract`: a draft facts file from a new article, by rules
//! (no model, offline). Each family of rules reads the article's tokens with
//! its own table (`tables/*.toml`): dates, people and roles, places, sources,
//! numbers and documents. Each finding becomes a fact with the shortest run
//! of clauses that proves it as its quote and a fill-in-the-blank question.
//! Every drafted fact is marked `review = true`, so none is served until a
//! person has read it and cleared the flag; what a rule was unsure of is
//! said in the fact's note.

mod dates;
mod events;
mod people;
mod places;
mod question;
mod sources;
mod text;
mod things;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

pub use text::{Doc, Token, TokenKind};

use crate::arabic;
use crate::facts::{ANSWER_PLACEHOLDER, ArticleMeta, FactsFile, Kind, RawFact};

/// Something a rule found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    /// The answer type (what wrong options must be).
    pub answer_type: String,
    /// Tokens of the answer.
    pub answer: Range<usize>,
    /// Chars of a proclitic to leave out at the answer's start («و» of «ووزير»).
    pub clitic: usize,
    /// Tokens the quote must cover to prove the answer (trigger to answer).
    pub needed: Range<usize>,
    pub review: bool,
    pub note: Option<String>,
    /// The rule, for the reviewer.
    pub rule: &'static str,
}

impl Found {
    pub fn new(
        kind: Kind,
        answer_type: &str,
        answer: Range<usize>,
        needed: Range<usize>,
        rule: &'static str,
    ) -> Self {
        let needed = needed.start.min(answer.start)..needed.end.max(answer.end);
        Found {
            kind,
            answer_type: answer_type.to_owned(),
            answer,
            clitic: 0,
            needed,
            review: false,
            note: None,
            rule,
        }
    }

    pub fn clitic(mut self, chars: usize) -> Self {
        self.clitic = chars;
        self
    }

    pub fn unsure(mut self, why: impl Into<String>) -> Self {
        self.review = true;
        self.note = Some(why.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// The answer's chars in the normalised text (without the proclitic).
    pub fn answer_span(&self, doc: &Doc) -> Range<usize> {
        let span = doc.token_span(self.answer.clone());
        // A merged proclitic cannot be cut: the answer keeps it.
        let clitic = if self.clitic == text::MERGED {
            0
        } else {
            self.clitic
        };
        (span.start + clitic).min(span.end)..span.end
    }

    /// The answer as the article writes it.
    pub fn answer_text(&self, doc: &Doc) -> String {
        doc.source_text(self.answer_span(doc))
    }
}

/// The tables of the rules, normalised once.
#[derive(Debug, Deserialize)]
pub struct Tables {
    pub events: events::Table,
    pub people: people::Table,
    pub places: places::Table,
    pub sources: sources::Table,
    pub things: things::Table,
}

impl Tables {
    pub fn get() -> &'static Tables {
        static TABLES: OnceLock<Tables> = OnceLock::new();
        TABLES.get_or_init(|| {
            let parse = |name: &str, text: &str| -> toml::Table {
                toml::from_str(text)
                    .unwrap_or_else(|e| panic!("tables/{name}.toml is checked by a test: {e}"))
            };
            let mut all = toml::Table::new();
            all.insert(
                "events".into(),
                parse("events", include_str!("tables/events.toml")).into(),
            );
            all.insert(
                "people".into(),
                parse("people", include_str!("tables/people.toml")).into(),
            );
            all.insert(
                "places".into(),
                parse("places", include_str!("tables/places.toml")).into(),
            );
            all.insert(
                "sources".into(),
                parse("sources", include_str!("tables/sources.toml")).into(),
            );
            all.insert(
                "things".into(),
                parse("numbers", include_str!("tables/numbers.toml")).into(),
            );
            all.try_into()
                .unwrap_or_else(|e| panic!("the extraction tables are checked by a test: {e}"))
        })
    }
}

/// A list of phrases, each as normalised words, longest first.
pub fn phrases(list: &[String]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = list
        .iter()
        .map(|p| arabic::normalize(p).split(' ').map(str::to_owned).collect())
        .collect();
    out.sort_by(|a, b| {
        b.len()
            .cmp(&a.len())
            .then_with(|| b.concat().len().cmp(&a.concat().len()))
    });
    out.dedup();
    out
}

/// The longest phrase of `list` at token `t`: (end token, proclitic chars).
pub fn longest_at(doc: &Doc, t: usize, list: &[Vec<String>]) -> Option<(usize, usize)> {
    list.iter().find_map(|p| doc.phrase_at(t, p))
}

/// As [`longest_at`], and whether the phrase found ends in a proclitic
/// glued to the token returned («طالب ب» in «طالب بمحاسبة»).
pub fn longest_glued_at(doc: &Doc, t: usize, list: &[Vec<String>]) -> Option<(usize, usize, bool)> {
    list.iter().find_map(|p| {
        let glued = p.len() > 1 && p.last().is_some_and(|w| text::glued_letter(w).is_some());
        doc.phrase_at(t, p)
            .map(|(end, clitic)| (end, clitic, glued))
    })
}

/// Drafts the facts of an article. `date` is the article's own date
/// (`YYYY-MM-DD`), against which relative dates are read; without it the
/// draft looks for a dateline.
pub fn extract(article: &str, date: Option<&str>) -> FactsFile {
    let doc = Doc::new(article);
    let tables = Tables::get();
    let date = date.map(str::to_owned).or_else(|| dates::dateline(&doc));
    let mut found = Vec::new();
    dates::find(&doc, date.as_deref(), &mut found);
    people::find(&doc, tables, &mut found);
    places::find(&doc, tables, &mut found);
    sources::find(&doc, tables, &mut found);
    things::find(&doc, tables, &mut found);
    events::find(&doc, tables, &mut found);
    // A headline says again, without its context, what the body says.
    found.retain(|f| f.needed.start >= doc.body_start);
    join_weekdays(&mut found);
    // Before the overlaps: what says nothing must not push out what does.
    // (A quoted term is asked as it was said.)
    for f in found
        .iter_mut()
        .filter(|f| f.kind == Kind::Event && f.answer_type != "term")
    {
        let end = clause_end(&doc, f.answer.clone());
        if f.needed.end == f.answer.end {
            f.needed.end = end;
        }
        f.answer.end = end;
    }
    for f in found
        .iter_mut()
        .filter(|f| f.kind == Kind::Role && f.answer_type == "role")
    {
        let end = post_end(&doc, f.answer.clone());
        if f.needed.end == f.answer.end {
            f.needed.end = end;
        }
        f.answer.end = end;
    }
    found.retain(|f| !says_nothing(&doc, f));
    drop_short_names_of_sources(&doc, &mut found);
    drop_overlaps(&mut found);
    drop_repeated_sources(&doc, &mut found);
    drop_places_named_by_documents(&doc, &mut found);
    let facts = to_facts(&doc, found);
    FactsFile {
        article: ArticleMeta {
            title: title(&doc),
            title_en: None,
            label: None,
            label_en: None,
            lang: "ar".to_owned(),
            date,
            source: None,
        },
        facts,
    }
}

/// «الاثنين 19 جوان 2017»: a weekday right before the date it names is one
/// answer with it, not a fact of its own.
fn join_weekdays(found: &mut Vec<Found>) {
    let weekdays: Vec<usize> = (0..found.len())
        .filter(|&i| found[i].kind == Kind::Date && found[i].rule == "weekday")
        .collect();
    let mut joined = Vec::new();
    for w in weekdays {
        let end = found[w].answer.end;
        if let Some(d) = (0..found.len())
            .find(|&d| d != w && found[d].kind == Kind::Date && found[d].answer.start == end)
        {
            let (start, clitic, note) = (
                found[w].answer.start,
                found[w].clitic,
                found[w].note.clone(),
            );
            let date = &mut found[d];
            date.answer.start = start;
            date.needed.start = date.needed.start.min(start);
            date.clitic = clitic;
            if let Some(n) = note {
                date.note = Some(date.note.take().map_or(n.clone(), |m| format!("{m}; {n}")));
            }
            joined.push(w);
        }
    }
    drop_marked(found, |k| joined.contains(&k));
}

/// Drops the items whose index `marked` says, keeping the others in order.
pub(super) fn drop_marked<T>(items: &mut Vec<T>, marked: impl Fn(usize) -> bool) {
    let mut k = 0;
    items.retain(|_| {
        k += 1;
        !marked(k - 1)
    });
}

/// Two findings whose answers share words would ask the same thing twice,
/// or one would show part of the other's answer: one is kept. A
/// nationality with a name after it stays beside the title it qualifies:
/// it is asked by the title and the name («ما جنسية الشاعر محمد بنيس؟»).
fn drop_overlaps(found: &mut Vec<Found>) {
    let mut dropped = vec![false; found.len()];
    for i in 0..found.len() {
        for j in i + 1..found.len() {
            let (a, b) = (&found[i], &found[j]);
            if dropped[i]
                || dropped[j]
                || a.answer.start >= b.answer.end
                || b.answer.start >= a.answer.end
                || named_nationality(a)
                || named_nationality(b)
            {
                continue;
            }
            dropped[if keeps_first(a, b) { j } else { i }] = true;
        }
    }
    drop_marked(found, |k| dropped[k]);
}

/// A nationality whose quote runs on to the name of the person it is of.
fn named_nationality(f: &Found) -> bool {
    f.answer_type == "nationality" && f.needed.end > f.answer.end
}

/// Of two findings whose answers overlap, whether the first is the one to
/// keep:
/// - anything but an event (a date, number, name, place, document,
///   source) over the event around it
///   («ستنشر نحو 3800 جندي» asks less sharply than «3800 جندي»);
/// - of two events, one inside the other, the inner one if the outer only
///   leads into it («مواصلة دعم تصدير الحليب», «الاتفاق على إحداث …»),
///   else the longer, since the shorter stops short («تطوير حجم
///   [استثماراتهم]»);
/// - of two of the rest, the longer («مدينة الحسيمة المغربية» over
///   «الحسيمة», «الصحفي المغربي» over «المغربي»), or the first found.
fn keeps_first(a: &Found, b: &Found) -> bool {
    match (a.kind == Kind::Event, b.kind == Kind::Event) {
        (true, false) => return false,
        (false, true) => return true,
        _ => {}
    }
    let (len_a, len_b) = (a.answer.len(), b.answer.len());
    if a.kind == Kind::Event && a.answer.end == b.answer.end && len_a != len_b {
        return len_a < len_b;
    }
    len_a >= len_b
}

/// Returns true if and only if `s` is a calendar date `YYYY-MM-DD`.
pub fn valid_date(s: &str) -> bool {
    dates::days_from_iso(s).is_some_and(|d| dates::iso_from_days(d) == s)
}

/// What a question about each type asks.
fn lead(answer_type: &str) -> &'static str {
    match answer_type.split('.').next().unwrap_or_default() {
        "date" => "متى؟",
        "person" => "من؟",
        "role" => "ما المنصب؟",
        "city" | "country" | "region" => "أين؟",
        "venue" => "أي مكان؟",
        "agency" | "newspaper" | "outlet" => "ما المصدر؟",
        "source" => "من؟",
        "title" => "ما العنوان؟",
        "treaty" => "ما الوثيقة؟",
        "number" | "count" => "كم؟",
        "organisation" => "أي جهة؟",
        _ => "ماذا؟",
    }
}

/// Turns findings into facts: one per answer and quote, in text order.
fn to_facts(doc: &Doc, mut found: Vec<Found>) -> Vec<RawFact> {
    found.sort_by_key(|f| (f.answer.start, f.answer.end));
    let mut seen: HashSet<(String, usize, usize)> = HashSet::new();
    let mut asked: HashSet<String> = HashSet::new();
    let mut once: HashSet<String> = HashSet::new();
    // Words only: «بريطانيا:» is «بريطانيا».
    let headline = doc.tokens[..doc.body_start]
        .iter()
        .filter(|t| t.kind != TokenKind::Punct)
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let mut dates_asked: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut counters: std::collections::HashMap<&'static str, usize> =
        std::collections::HashMap::new();
    let mut facts = Vec::new();
    for mut f in found {
        if f.clitic == text::MERGED {
            // «للأمم المتحدة»: no verbatim «الأمم المتحدة» to cut.
            f.clitic = 0;
            f.review = true;
            let why = "the answer keeps the «ل» glued to it: trim it in the question";
            f.note = Some(f.note.map_or(why.to_owned(), |n| format!("{n}; {why}")));
        }
        let answer_norm = f.answer_span(doc);
        let answer = f.answer_text(doc);
        let mut min_words = 3;
        if f.kind == Kind::Source {
            // «وقالت ____ إنها تتعامل»: what was said or reported tells
            // which source is asked: eight tokens after it (unless it came
            // before: «…، حسب ما أعلن عنه ____»), and at least eight words
            // of the sentence.
            if f.rule != "according to" {
                let sentence = doc.sentence_of(f.answer.start);
                f.needed.end = f.needed.end.max((f.answer.end + 8).min(sentence.end));
            }
            min_words = 8;
        }
        let mut quote_tokens = doc.quote_tokens(f.needed.clone(), f.answer.clone(), min_words);
        // «في السداسي الأول من سنة ____»: words the article says again
        // around another answer leave the blank open; more of the sentence
        // may close it.
        for min_words in [8, 14] {
            if !ambiguous(doc, f.answer.clone(), quote_tokens.clone()) {
                break;
            }
            quote_tokens = doc.quote_tokens(f.needed.clone(), f.answer.clone(), min_words);
        }
        let quote_norm = doc.token_span(quote_tokens.clone());
        let quote_src = doc.source_range(quote_norm.clone());
        let key = (arabic::normalize(&answer), quote_src.start, quote_src.end);
        if answer.trim().is_empty() || !seen.insert(key) {
            continue;
        }
        let quote = doc.source_text(quote_norm.clone());
        if gives_away(doc, &f, quote_tokens.clone()) {
            continue;
        }
        // The claim and the blank: the quote with the answer taken out.
        let answer_src = doc.source_range(answer_norm);
        let (before, after) = (
            doc.source_text_between(quote_src.start, answer_src.start),
            doc.source_text_between(answer_src.end, quote_src.end),
        );
        let mut note = format!("rule: {}", f.rule);
        if f.review {
            note.push_str("; unsure");
        }
        if let Some(n) = &f.note {
            note.push_str("; ");
            note.push_str(n);
        }
        let question = question::template(doc, &f, quote_tokens.clone())
            .filter(|q| q.chars().count() <= question::MAX_CHARS);
        // «من هي رئيسة الوزراء؟» asked at each mention: once.
        if question.as_ref().is_some_and(|q| !asked.insert(q.clone())) {
            continue;
        }
        // The country the headline names is what the article is about
        // («بريطانيا تنشر الجيش …»): the answer a player gives without
        // reading.
        if f.kind == Kind::Place
            && f.answer_type == "country"
            && words_in(&headline, &arabic::normalize(&answer))
        {
            continue;
        }
        // The same document is asked once: «وثيقة قرطاج» twice, or
        // «اتفاقية باريس للمناخ» after «اتفاقية باريس لمكافحة تغير المناخ»
        // (a kind and the same name after it).
        if f.kind == Kind::Document && !once.insert(document_key(&answer)) {
            continue;
        }
        // «2014» five times over, the year every figure is compared with:
        // twice at most.
        if f.kind == Kind::Date {
            let times = dates_asked.entry(arabic::normalize(&answer)).or_insert(0);
            *times += 1;
            if *times > 2 {
                continue;
            }
        }
        let counter = counters.entry(f.kind.as_str()).or_default();
        *counter += 1;
        let question = question.unwrap_or_else(|| {
            format!(
                "{} أكمل بحسب المقال: «{before}____{after}»",
                lead(&f.answer_type)
            )
        });
        facts.push(RawFact {
            id: format!("{}-{}", f.kind.as_str(), counter),
            kind: f.kind.as_str().to_owned(),
            answer_type: f.answer_type.clone(),
            answer,
            quote,
            question,
            claim: Some(format!("{before}{ANSWER_PLACEHOLDER}{after}")),
            review: true,
            note: Some(note),
            ..RawFact::default()
        });
    }
    facts
}

/// «وقدمت السلطات أولوياتها», «بخفض انبعاثاتها»: an answer of a word or
/// two whose last word ends on a pronoun says only what it points back
/// to, which the answer leaves out.
fn points_back(doc: &Doc, f: &Found) -> bool {
    if f.answer.is_empty() || f.answer.len() > 2 || doc.definite(f.answer.end - 1) {
        // A word with «ال» takes no pronoun: «الأهم», «الراهن».
        return false;
    }
    let last = doc.tokens[f.answer.end - 1].text.as_str();
    // «حصولنا», not «كورونا» or «مكانا».
    let ours = last.ends_with("نا") && !last.ends_with("ونا") && !last.ends_with("انا");
    last.chars().count() >= 5
        && (ours || ["ها", "هم", "هما", "هن"].iter().any(|p| last.ends_with(p)))
}

/// «وفي ما يتعلق بقطاع الحبوب، أوضح الوزير …», a topic that opens its
/// sentence or clause, frames what follows: a fact. «… فيما يتعلق بالملف
/// الليبي، مؤكدا …», «والتصريحات الصادرة عنه بخصوص …» at the end of a
/// clause only name what it was about: the topic of the article, or a
/// phrase cut from its sentence.
fn loose_topic(doc: &Doc, f: &Found) -> bool {
    let word = |k: usize| doc.tokens.get(k).map_or("", |t| t.text.as_str());
    let at = f.answer.start;
    // Where the phrase that leads in starts: «فيما يتعلق ب», «في ما يتعلق
    // ب», «بخصوص».
    let lead = if at >= 2 && matches!(word(at - 1), "يتعلق" | "تتعلق") {
        match word(at - 2) {
            "فيما" | "وفيما" => Some(at - 2),
            "ما" if at >= 3 && matches!(word(at - 3), "في" | "وفي") => Some(at - 3),
            _ => None,
        }
    } else if at >= 1 && matches!(word(at - 1), "بخصوص" | "وبخصوص") {
        Some(at - 1)
    } else {
        None
    };
    let Some(lead) = lead else {
        return false;
    };
    let opens = lead == doc.sentence_of(lead).start
        || doc.clauses[doc.clause_of(lead)].start == lead
        || word(lead).starts_with('و');
    f.answer_type == "topic" && !opens
}

/// «وافقت على الاتفاقية في ____» → «باريس», in an article that names
/// «اتفاقية باريس للمناخ»: a place the name of a document gives away, in a
/// sentence about that document.
fn drop_places_named_by_documents(doc: &Doc, found: &mut Vec<Found>) {
    let documents: Vec<String> = found
        .iter()
        .filter(|f| f.kind == Kind::Document)
        .map(|f| arabic::normalize(&f.answer_text(doc)))
        .collect();
    // Where the sentence speaks of that document («الاتفاقية»), not of
    // the place on its own («ثم التقى ماكرون في باريس»).
    let of_it = |f: &Found, document: &str| {
        let kind = document.split_whitespace().next().unwrap_or_default();
        let kind = kind.strip_prefix("ال").unwrap_or(kind);
        doc.sentence_of(f.answer.start).any(|t| {
            doc.bare(t)
                .iter()
                .any(|(b, _)| b.strip_prefix("ال").unwrap_or(b) == kind)
        })
    };
    found.retain(|f| {
        let place = arabic::normalize(&f.answer_text(doc));
        !(f.kind == Kind::Place && documents.iter().any(|d| words_in(d, &place) && of_it(f, d)))
    });
}

/// What tells one document from another: its kind and the place it is
/// named for («اتفاقية باريس», «وثيقة قرطاج»), or all of it («قانون
/// المالية الأصلي» and «قانون المالية التكميلي», «مذكرة تفاهم في مجال
/// النقل» and «… السياحة» are two each).
fn document_key(answer: &str) -> String {
    let answer = arabic::normalize(answer);
    let words: Vec<&str> = answer.split_whitespace().collect();
    match words.as_slice() {
        [kind, name, ..] if places::is_place(Tables::get(), name) => format!("{kind} {name}"),
        _ => answer.clone(),
    }
}

/// Whether `phrase` occurs in `text` as whole words.
fn words_in(text: &str, phrase: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let phrase: Vec<&str> = phrase.split_whitespace().collect();
    !phrase.is_empty() && words.windows(phrase.len()).any(|w| w == phrase.as_slice())
}

/// An answer no quiz would ask for: an unnamed source («أشارت مصادر»)
/// or an event that only points back («ذات الفترة», «نفس
/// الأسباب»).
fn says_nothing(doc: &Doc, f: &Found) -> bool {
    let first = doc.tokens[f.answer.start].text.as_str();
    match f.kind {
        Kind::Source => f.answer.len() == 1 && matches!(first, "مصادر" | "مصدر" | "اوساط" | "جهات"),
        // «اجتماع 5 زائد 5»: a name, not a count. «لقاء بين شخصيتين
        // مهمتين»: «بين» says there were two.
        Kind::Number => {
            doc.tokens[f.answer.end - 1].text == "زايد"
                || (f.answer_type == "count"
                    && f.answer.start > 0
                    && doc.tokens[f.answer.start - 1].text == "بين"
                    && doc.tokens[f.answer.start].text.ends_with("ين")
                    // «بين سنتين وثلاث سنوات»: a range.
                    && !doc
                        .tokens
                        .get(f.answer.end)
                        .is_some_and(|t| t.text.starts_with('و')))
        }
        Kind::Event => {
            matches!(first, "ذات" | "نفس" | "هذه" | "هذا" | "ذلك" | "تلك")
                // «وقع الاتفاق», «يمكن من بلوغ»: a light verb says only
                // that something happened.
                || (f.answer.len() <= 3
                    && matches!(first, "وقع" | "تم" | "تمت" | "يتم" | "سيتم" | "يمكن" | "تمكن"))
                || loose_topic(doc, f)
                || points_back(doc, f)
        }
        _ => false,
    }
}

/// Where an event's answer ends at the latest: before a word that opens
/// another clause inside it («رشوة فرفضها وقد», «فاسدة لا», «أبسط حقوقهم
/// مؤكدا»): a «ف» or «وقد» that goes on, a negation, or a reporting
/// participle. Its first word always stays.
fn clause_end(doc: &Doc, answer: Range<usize>) -> usize {
    if answer.is_empty() {
        return answer.end;
    }
    const BREAKS: [&str; 12] = [
        "لا",
        "ولا",
        "فلا",
        "وقد",
        "فقد",
        "ولم",
        "فلم",
        "والحال",
        "وكان",
        "فكان",
        // «… تراجع سعر صرف الدينار مقابل …»: what it is set against.
        "مقابل",
        "مثابل",
    ];
    const PARTICIPLES: [&str; 26] = [
        "موكدا",
        "موكده",
        "معتبرا",
        "معتبره",
        "مشيرا",
        "مشيره",
        "موضحا",
        "موضحه",
        "مضيفا",
        "مضيفه",
        "مبرزا",
        "مبرزه",
        "مبينا",
        "مبينه",
        "داعيا",
        "داعيه",
        "لافتا",
        "لافته",
        "منبها",
        "منبهه",
        "مشددا",
        "مشدده",
        "معربا",
        "معربه",
        "قايلا",
        "قايله",
    ];
    let breaks = |t: usize| {
        let w = doc.tokens[t].text.as_str();
        BREAKS.contains(&w)
            || PARTICIPLES.contains(&w)
            // «فرفضها»: a verb of three letters after «ف», with the object
            // pronoun («فعاليتها» is a noun).
            || (w.starts_with('ف') && w.chars().count() == 6 && w.ends_with("ها"))
            // «تغييرين اثنين يتمثل الاول»: a verb in «يت» after a noun
            // («من يتولى …» is a clause of its own; «تتويج» is a noun).
            || (w.starts_with("يت")
                && w.chars().count() >= 5
                && doc.tokens[t - 1].text.chars().count() > 2)
    };
    let mut end = answer.end;
    if let Some(at) = (answer.start + 1..answer.end).find(|&t| breaks(t)) {
        end = at;
        while end > answer.start + 1 && doc.tokens[end - 1].kind == TokenKind::Punct {
            end -= 1;
        }
    }
    // «اعادة توزيع موارد الاقتراض بالتقليص من …»: a last «بال» word whose
    // own object is left outside opens another phrase («قلقا بالغا من» is
    // an adjective).
    if end > answer.start + 1
        && end == answer.end
        && doc.tokens[end - 1].text.starts_with("بال")
        && !doc.tokens[end - 1].text.starts_with("بالغ")
        && doc
            .tokens
            .get(end)
            .is_some_and(|x| matches!(x.text.as_str(), "من" | "في" | "علي" | "الي"))
    {
        end -= 1;
    }
    end
}

/// Where a post ends at the latest: before a last «و» word whose own
/// complement is left outside («الناطق الرسمي باسم الحزب ونائب | أمينه
/// العام»).
fn post_end(doc: &Doc, answer: Range<usize>) -> usize {
    if answer.len() <= 2 {
        return answer.end;
    }
    let last = answer.end - 1;
    let word = doc.tokens[last].text.as_str();
    // («ولايتها» holds its own complement, and its «و» is no «and».)
    let joined = answer.len() > 2
        && word.starts_with('و')
        && !word.ends_with('ه')
        && !word.ends_with("ها")
        && !word.ends_with("هم")
        && !doc.definite(last)
        && doc
            .tokens
            .get(answer.end)
            .is_some_and(|x| x.kind == TokenKind::Word && !doc.tokens[last].line_end);
    if joined { last } else { answer.end }
}

/// «وأوضح المعهد»: a source named again by its first word only, after
/// «المعهد الوطني للإحصاء», is asked as the whole name, once.
fn drop_short_names_of_sources(doc: &Doc, found: &mut Vec<Found>) {
    let first = |f: &Found| doc.tokens[f.answer.start].text.clone();
    let whole: Vec<String> = found
        .iter()
        .filter(|f| f.kind == Kind::Source && f.answer.len() > 1)
        .map(first)
        .collect();
    found.retain(|f| !(f.kind == Kind::Source && f.answer.len() == 1 && whole.contains(&first(f))));
    // «حسب ____» → «الطيب», «سمير الطيب»: a person the article names with
    // a post is asked by that post; as a source, again, they add nothing.
    // The source is their name («… مية الجريبي»), or their surname alone.
    let words = |f: &Found| answer_words(doc, f);
    let people: Vec<Vec<String>> = found
        .iter()
        .filter(|f| f.kind == Kind::Role && f.answer_type == "person" && f.answer.len() >= 2)
        .map(words)
        .collect();
    found.retain(|f| {
        let source = words(f);
        !(f.kind == Kind::Source
            && people.iter().any(|name| {
                source.ends_with(name) || (source.len() == 1 && name.last() == source.last())
            }))
    });
}

/// The normalised words of a finding's answer.
fn answer_words(doc: &Doc, f: &Found) -> Vec<String> {
    f.answer
        .clone()
        .map(|t| doc.tokens[t].text.clone())
        .collect()
}

/// «وقالت مية الجريبي، إن …» and later «حسب ما أعلنت عنه الأمينة العامة
/// المتخلية، مية الجريبي»: the same source, asked where it first speaks.
/// (After the overlaps: the mention dropped still keeps an event off its
/// words.)
fn drop_repeated_sources(doc: &Doc, found: &mut Vec<Found>) {
    let words = |f: &Found| answer_words(doc, f);
    let sources: Vec<(usize, Vec<String>)> = found
        .iter()
        .filter(|f| f.kind == Kind::Source && f.answer.len() >= 2)
        .map(|f| (f.answer.start, words(f)))
        .collect();
    // The same source: the same words, or a title and, after a comma, the
    // name asked before («…، مية الجريبي»); not «الناطق باسم وزارة
    // الخارجية» after «وزارة الخارجية».
    let same = |source: &[String], name: &[String]| {
        source == name
            || (source.ends_with(name)
                && source.len() > name.len()
                && matches!(source[source.len() - name.len() - 1].as_str(), "،" | ","))
    };
    found.retain(|f| {
        let source = words(f);
        !(f.kind == Kind::Source
            && sources
                .iter()
                .any(|(at, name)| *at < f.answer.start && same(&source, name)))
    });
}

/// Whether the quote, without its answer, still shows the answer
/// («هيئة النقل في ____ بأن محطة لندن بريدج»: «لندن»).
fn gives_away(doc: &Doc, f: &Found, quote: Range<usize>) -> bool {
    let answer: Vec<&str> = f
        .answer
        .clone()
        .map(|k| doc.tokens[k].text.as_str())
        .collect();
    let rest = (quote.start..f.answer.start).chain(f.answer.end..quote.end);
    let rest: Vec<usize> = rest.collect();
    answer.iter().map(|w| w.chars().count()).sum::<usize>() >= 3
        && rest.windows(answer.len()).any(|w| {
            w.windows(2).all(|p| p[1] == p[0] + 1)
                && w.iter()
                    .zip(&answer)
                    .all(|(&k, a)| doc.tokens[k].text == *a)
        })
}

/// Whether the words of `quote` around `answer` stand elsewhere in the
/// article around something else, so that a reader could fill the blank
/// with that: the same words before, then (within a few words) the same
/// words after, and between them not the answer.
fn ambiguous(doc: &Doc, answer: Range<usize>, quote: Range<usize>) -> bool {
    let text = |k: usize| doc.tokens[k].text.as_str();
    // A preposition or a mark at the quote's start says nothing of which
    // («في السداسي الأول من سنة ____» is «خلال السداسي الأول من سنة 2015»
    // too).
    let mut from = quote.start;
    while from < answer.start
        && (doc.tokens[from].kind == TokenKind::Punct
            || matches!(
                text(from),
                "في" | "خلال" | "من" | "الي" | "علي" | "منذ" | "مع" | "و"
            ))
    {
        from += 1;
    }
    let before: Vec<&str> = (from..answer.start).map(text).collect();
    let after: Vec<&str> = (answer.end..quote.end).map(text).collect();
    let n = doc.tokens.len();
    let at = |p: usize, words: &[&str]| {
        p + words.len() <= n && words.iter().enumerate().all(|(i, w)| text(p + i) == *w)
    };
    let fills = |k: usize| matches!(doc.tokens[k].kind, TokenKind::Word | TokenKind::Number);
    let answer_words: Vec<&str> = answer.clone().map(text).collect();
    if before.is_empty() {
        // Only words after: another place they follow something else.
        return !after.is_empty()
            && (1..n).any(|q| {
                q != answer.end
                    && at(q, &after)
                    && fills(q - 1)
                    && answer_words.last() != Some(&text(q - 1))
            });
    }
    (before.len()..n).any(|p| {
        if p == answer.start || !at(p - before.len(), &before) {
            return false;
        }
        if after.is_empty() {
            return p < n && fills(p) && answer_words.first() != Some(&text(p));
        }
        (1..=6).any(|len| {
            at(p + len, &after)
                && (p..p + len).all(fills)
                && (p..p + len).map(text).ne(answer_words.iter().copied())
        })
    })
}

/// Renders a draft as TOML, with a header for the reviewer.
pub fn to_toml(file: &FactsFile) -> anyhow::Result<String> {
    let body = toml::to_string_pretty(file)?;
    let unsure = file
        .facts
        .iter()
        .filter(|f| f.note.as_deref().is_some_and(|n| n.contains("; unsure")))
        .count();
    Ok(format!(
        "# A draft made by `factquiz questions extract`: {} facts, each marked review = true\n\
         # ({unsure} noted unsure). None is served until a person clears its flag:\n\
         # read each fact against the article, rewrite the question, add the English\n\
         # gloss and also_true where needed, delete `review = true`, and run\n\
         # `factquiz questions check`, which lists the facts still awaiting review.\n\n{body}",
        file.facts.len()
    ))
}

/// What a web page puts above an article, copied with it: a player's
/// button («استمع إلى الملخص», the seed's first line), a share bar. Never
/// the title.
const PAGE_CHROME: &[&str] = &[
    "استمع إلى الملخص",
    "استمع إلى المقال",
    "استمع",
    "اقرأ أيضا",
    "شارك",
    "مشاركة",
    "طباعة",
];

/// The draft's title: the first sentence that is not a web page's
/// chrome, without a list's bullet, cut after a word to at most 120
/// characters.
fn title(doc: &Doc) -> String {
    const MAX: usize = 120;
    let chrome: Vec<String> = PAGE_CHROME
        .iter()
        .map(|c| crate::arabic::normalize(c))
        .collect();
    let first = doc
        .sentences
        .iter()
        .map(|s| doc.source_text(doc.token_span(s.clone())))
        .find(|text| {
            let bare = crate::arabic::normalize(text.trim_matches(|c: char| !c.is_alphanumeric()));
            !chrome.contains(&bare)
        })
        .unwrap_or_default();
    let first = first.trim_start_matches(|c: char| {
        matches!(c, '-' | '–' | '—' | '•' | '*') || c.is_whitespace()
    });
    if first.chars().count() <= MAX {
        return first.to_owned();
    }
    let cut: String = first.chars().take(MAX).collect();
    match cut.rfind(' ') {
        Some(space) => cut[..space].trim_end().to_owned(),
        None => cut,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_web_pages_button_above_the_article_is_not_its_title() {
        let draft = extract(
            "استمع إلى الملخص\nوصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء.\n",
            None,
        );
        assert!(
            draft.article.title.starts_with("وصل الرئيس الروسي"),
            "{}",
            draft.article.title
        );
        let plain = extract("زيارة بوتين إلى بيونغ يانغ\n\nوصل الرئيس الروسي.\n", None);
        assert_eq!(plain.article.title, "زيارة بوتين إلى بيونغ يانغ");
        // A list's bullet is not the title's; a long one is cut after a word.
        let long = format!("استمع إلى الملخص\n- {}\n", "كلمة ".repeat(40));
        let title = extract(&long, None).article.title;
        assert!(title.starts_with("كلمة"), "{title}");
        assert!(title.ends_with("كلمة"), "{title}");
        assert!(title.chars().count() <= 120, "{title}");
    }

    /// The answers of the facts of `kind` a draft holds, in its order.
    fn answers_of<'a>(draft: &'a FactsFile, kind: &str) -> Vec<&'a str> {
        draft
            .facts
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.answer.as_str())
            .collect()
    }

    /// Words and marks of real articles, to shuffle into texts no rule was
    /// written for.
    fn vocabulary() -> Vec<String> {
        let texts = [
            include_str!("../../tests/data/extract-dev/articles/ghannouchi-libya-interview.txt"),
            include_str!(
                "../../tests/data/extract-dev/articles/manchester-attack-army-deployed.txt"
            ),
            include_str!("../../tests/data/extract-dev/articles/imf-mission-tunisia-outlook.txt"),
        ];
        let mut words: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split_whitespace())
            .map(str::to_owned)
            .collect();
        words.extend(
            [
                "،", ".", "\"", "(", ")", "«", "»", "\n", "\n\n", "%", "و28", ":",
            ]
            .map(str::to_owned),
        );
        words.sort();
        words.dedup();
        words
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]
        /// Any text made of real words and marks, in any order: no rule
        /// panics, and every draft quote is verbatim and holds its answer.
        #[test]
        fn any_text_drafts_verbatim_quotes_and_never_panics(
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..120),
        ) {
            let words = vocabulary();
            let text: String = picks
                .iter()
                .map(|i| words[i.index(words.len())].as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let draft = extract(&text, Some("2017-05-24"));
            for fact in &draft.facts {
                prop_assert!(text.contains(&fact.quote), "{:?} not in the text", fact.quote);
                prop_assert!(
                    arabic::normalize(&fact.quote).contains(&arabic::normalize(&fact.answer)),
                    "{:?} not in {:?}", fact.answer, fact.quote
                );
            }
        }
    }

    #[test]
    fn of_two_findings_over_the_same_words_one_is_kept() {
        let f = |kind, answer: Range<usize>| Found::new(kind, "x", answer.clone(), answer, "test");
        let mut found = vec![
            // A number inside an event: the number.
            f(Kind::Event, 1..7),
            f(Kind::Number, 3..5),
            // An event that only leads into another: the inner one.
            f(Kind::Event, 10..14),
            f(Kind::Event, 11..14),
            // An event cut short: the longer.
            f(Kind::Event, 20..22),
            f(Kind::Event, 20..24),
            // A place inside a title: the title.
            f(Kind::Place, 30..31),
            f(Kind::Role, 29..31),
            // Apart from the rest: kept.
            f(Kind::Date, 40..41),
            f(Kind::Date, 41..43),
        ];
        drop_overlaps(&mut found);
        let kept: Vec<Range<usize>> = found.iter().map(|f| f.answer.clone()).collect();
        assert_eq!(kept, vec![3..5, 11..14, 20..24, 29..31, 40..41, 41..43]);
    }

    #[test]
    fn a_quote_that_would_fit_another_answer_takes_more_of_its_sentence() {
        let text = "عنوان\n\nارتفعت الصادرات خلال السداسي الأول من سنة 2015 بنسبة 8 بالمائة. \
                    وبلغت الواردات 50 مليون دينار مقابل 40 مليون دينار، في السداسي الأول من سنة 2014.";
        let draft = extract(text, Some("2017-05-06"));
        let year = |answer: &str| {
            draft
                .facts
                .iter()
                .find(|f| f.answer == answer)
                .unwrap_or_else(|| panic!("no fact {answer}"))
                .quote
                .clone()
        };
        // «في السداسي الأول من سنة ____» would fit 2015 too.
        assert!(
            year("2014").contains("مقابل 40 مليون دينار"),
            "{}",
            year("2014")
        );
        // Nothing else fits «ارتفعت الصادرات خلال …»: its clause alone.
        assert_eq!(
            year("2015"),
            "ارتفعت الصادرات خلال السداسي الأول من سنة 2015 بنسبة 8 بالمائة"
        );
    }

    #[test]
    fn no_draft_asks_for_an_unnamed_source_or_what_its_quote_shows() {
        let text = "عنوان\n\nوأشارت مصادر إلى أن الحادث إرهابي. \
                    وأعلنت هيئة النقل في لندن بأن محطة لندن بريدج قد أغلقت.";
        let draft = extract(text, Some("2017-06-04"));
        assert!(!draft.facts.iter().any(|f| f.answer == "مصادر"));
        for f in &draft.facts {
            let shown = f.question.replace("____", " ");
            assert!(
                !shown.split_whitespace().any(|w| w == f.answer),
                "{} shows {}",
                f.question,
                f.answer
            );
        }
        // What it found besides is still drafted.
        assert!(
            draft.facts.iter().any(|f| f.answer == "هيئة النقل"),
            "{:?}",
            draft.facts
        );
    }

    #[test]
    fn an_event_ends_where_another_clause_opens_inside_it() {
        let text = "عنوان\n\nوأضاف الصحفي أن بائع السمك طولب برشوة فرفضها وقد تعرض لمطاردة أمنية. \
                    وأوضحت الوزيرة أن المشروع يتضمن تغييرين اثنين يتمثل الاول في اضافة 35 مليون دينار. \
                    وقال إن الحادثة أبرزت الاستهتار بكرامة المواطنين الذين يطالبون بأبسط الحقوق الاجتماعية مؤكدا أن الاحتجاج سلمي.";
        let draft = extract(text, Some("2016-11-02"));
        let answers: Vec<&str> = draft.facts.iter().map(|f| f.answer.as_str()).collect();
        assert!(answers.contains(&"رشوة"), "{answers:?}");
        assert!(!answers.iter().any(|a| a.contains("يتمثل")), "{answers:?}");
        assert!(answers.contains(&"أبسط الحقوق الاجتماعية"), "{answers:?}");
        assert!(
            !answers
                .iter()
                .any(|a| a.contains("فرفضها") || a.contains("مؤكدا")),
            "{answers:?}"
        );
    }

    #[test]
    fn an_answer_gives_back_a_last_word_whose_complement_is_left_outside() {
        let text = "عنوان\n\nوارتفعت كلفة الاقتراض الخارجي باعتبار غياب مفعول تراجع سعر صرف الدينار مقابل الأورو.\n\
                    وقالت مصادر قيادية إن الناطق الرسمي باسم الحزب ونائب أمينه العام عصام الشابي هو المرشح الأوفر حظا.\n\
                    وتم ذلك باعادة توزيع موارد الاقتراض بالتقليص من الموارد الخارجية.\n\
                    وأكدت الأمينة العامة المنتهية ولايتها مية الجريبي أن المؤتمر سينجح.";
        let draft = extract(text, Some("2017-06-20"));
        let answers: Vec<&str> = draft.facts.iter().map(|f| f.answer.as_str()).collect();
        for expected in [
            "غياب مفعول تراجع سعر صرف الدينار",
            "الناطق الرسمي باسم الحزب",
            "اعادة توزيع موارد الاقتراض",
        ] {
            assert!(answers.contains(&expected), "{expected}: {answers:?}");
        }
        // «ولايتها» is a word of its own, not «and» and a word.
        assert!(
            answers.contains(&"الأمينة العامة المنتهية ولايتها"),
            "{answers:?}"
        );
    }

    #[test]
    fn nouns_that_look_like_a_clause_opening_stay_in_the_answer() {
        // (Each answer runs to the end of its sentence, the mark aside.)
        for text in [
            "ضعف فعاليتها في مواجهة الأزمة.",
            "حضور حفل تتويج الفريق الوطني.",
            "قلقا بالغا من تدهور الوضع.",
        ] {
            let doc = Doc::new(text);
            let answer = 0..doc.tokens.len() - 1;
            assert_eq!(clause_end(&doc, answer.clone()), answer.end, "{text}");
        }
    }

    #[test]
    fn a_quoted_document_ends_before_the_year_it_is_of() {
        let text = "عنوان\n\nواوضحت ان \"مشروع قانون المالية التكميلي لسنة 2016 يتضمن تغييرين\".";
        let draft = extract(text, None);
        let answers: Vec<&str> = draft.facts.iter().map(|f| f.answer.as_str()).collect();
        assert!(
            answers.contains(&"مشروع قانون المالية التكميلي"),
            "{answers:?}"
        );
        assert!(answers.contains(&"2016"), "{answers:?}");
    }

    #[test]
    fn a_year_every_figure_is_compared_with_is_asked_twice_at_most() {
        let text = "عنوان\n\nتراجع العجز التجاري خلال السداسي الأول من سنة 2015 مقارنة بسنة 2014. \
                    وارتفعت الصادرات بنسبة 3 بالمائة مقارنة بسنة 2014. \
                    وتراجعت الواردات بنسبة 2 بالمائة مقارنة بسنة 2014. \
                    وتحسنت نسبة التغطية بنقطتين مقارنة بسنة 2014.";
        let draft = extract(text, None);
        let years = draft.facts.iter().filter(|f| f.answer == "2014").count();
        assert!((1..=2).contains(&years), "{:?}", draft.facts);
    }

    #[test]
    fn a_light_verb_says_nothing() {
        let doc = Doc::new("عنوان\n\nوأفاد الوزير بأنه وقع الاتفاق على الترفيع في سعر الحليب.");
        let at = |word: &str| {
            let word = arabic::normalize(word);
            doc.tokens
                .iter()
                .position(|t| t.text == word)
                .expect("word")
        };
        let event = |from: usize, to: usize| {
            Found::new(Kind::Event, "statement", from..to, from..to, "test")
        };
        let agreed = at("وقع");
        assert!(says_nothing(&doc, &event(agreed, agreed + 2)));
        let raised = at("الترفيع");
        assert!(!says_nothing(&doc, &event(raised, raised + 4)));
        // Nor is «5 زائد 5» a count.
        let draft = extract("عنوان\n\nإثر اجتماع 5 زائد 5 المنعقد بتونس.", None);
        assert!(
            !draft.facts.iter().any(|f| f.answer.contains("زائد")),
            "{:?}",
            draft.facts
        );
    }

    #[test]
    fn a_question_is_asked_once_however_often_its_answer_is_mentioned() {
        let text = "عنوان\n\nوتقرر عقد اجتماع أمني برئاسة رئيسة الوزراء تيريزا ماي يوم غد. \
                    ولفتت الشرطة إلى أن رئيسة الوزراء تيريزا ماي على اتصال مع المسؤولين.";
        let draft = extract(text, Some("2017-06-03"));
        let questions: Vec<&str> = draft.facts.iter().map(|f| f.question.as_str()).collect();
        let asked = |q: &str| questions.iter().filter(|x| **x == q).count();
        assert_eq!(asked("من هي رئيسة الوزراء؟"), 1, "{questions:?}");
        let ids: HashSet<&str> = draft.facts.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), draft.facts.len());
    }

    #[test]
    fn a_source_named_again_by_its_first_word_is_not_asked_again() {
        let text = "عنوان\n\nارتفع التضخم إلى 3 بالمائة، وفق بيانات نشرها المعهد الوطني للإحصاء أمس. \
                    وأوضح المعهد من جهة أخرى أن أسعار الغذاء ارتفعت بنسبة 5 بالمائة.";
        let draft = extract(text, Some("2016-07-06"));
        let sources = answers_of(&draft, "source");
        assert_eq!(sources, ["المعهد الوطني للإحصاء"], "{:?}", draft.facts);
        // Nor is a person asked by their post asked again as a source.
        let text = "عنوان\n\nوأفاد وزير الفلاحة سمير الطيب بأن الأسعار سترتفع. \
                    وأقر الاجتماع، حسب سمير الطيب، عددا من الإجراءات في مجال الموارد المائية.";
        let draft = extract(text, Some("2017-06-20"));
        assert!(
            draft
                .facts
                .iter()
                .any(|f| f.answer == "سمير الطيب" && f.kind == "role")
        );
        assert!(
            !draft.facts.iter().any(|f| f.kind == "source"),
            "{:?}",
            draft.facts
        );
        // A source that only ends like a person's name is kept.
        let text = "عنوان\n\nوأفاد وزير المالية منصف التونسي بأن النمو تحسن. \
                    وتراجع الدينار، وفق المؤشرات النقدية والمالية للبنك المركزي التونسي.";
        let draft = extract(text, Some("2017-06-20"));
        assert!(
            draft.facts.iter().any(|f| f.kind == "source"),
            "{:?}",
            draft.facts
        );
    }

    #[test]
    fn what_the_quote_or_a_document_s_name_gives_away_is_not_asked() {
        let text = "عنوان\n\nوقال الغنوشي إنه كان هناك لقاء مهم في مكتبي بين شخصيتين مهمتين. \
                    وأعلن ترامب انسحاب بلاده من اتفاقية باريس للمناخ. وكانت الولايات المتحدة واحدة \
                    من 195 دولة وافقت على الاتفاقية في باريس في ديسمبر 2015.";
        let draft = extract(text, Some("2017-06-02"));
        let answers: Vec<&str> = draft.facts.iter().map(|f| f.answer.as_str()).collect();
        assert!(!answers.contains(&"شخصيتين مهمتين"), "{answers:?}");
        assert!(answers.contains(&"اتفاقية باريس للمناخ"), "{answers:?}");
        assert!(
            !draft
                .facts
                .iter()
                .any(|f| f.kind == "place" && f.answer == "باريس"),
            "{answers:?}"
        );
        assert!(answers.contains(&"195 دولة"), "{answers:?}");
        // Not a range after «بين», nor the place in a sentence of its own.
        let text = "عنوان\n\nوتتراوح مدة الإنجاز بين سنتين وثلاث سنوات. وأعلن ترامب انسحاب بلاده من \
                    اتفاقية باريس للمناخ. ثم التقى الرئيس الفرنسي في باريس بعد أسبوع.";
        let draft = extract(text, Some("2017-06-02"));
        let answers: Vec<&str> = draft.facts.iter().map(|f| f.answer.as_str()).collect();
        assert!(
            answers.iter().any(|a| a.starts_with("سنتين")),
            "{answers:?}"
        );
        assert!(
            draft
                .facts
                .iter()
                .any(|f| f.kind == "place" && f.answer == "باريس"),
            "{answers:?}"
        );
    }

    #[test]
    fn a_pronoun_is_told_from_a_word_that_only_ends_like_one() {
        let doc = Doc::new("وقدمت السلطات أولوياتها وواجهت جائحة كورونا ورأت الوضع الأهم");
        let at = |w: &str| doc.tokens.iter().position(|t| t.text == w).unwrap();
        let event = |range: Range<usize>| {
            Found::new(Kind::Event, "what happened", range.clone(), range, "test")
        };
        let t = at("اولوياتها");
        assert!(points_back(&doc, &event(t..t + 1)));
        let t = at("كورونا");
        assert!(!points_back(&doc, &event(t - 1..t + 1)), "a name");
        let t = at("الاهم");
        assert!(!points_back(&doc, &event(t - 1..t + 1)), "the article");
    }

    #[test]
    fn an_answer_of_two_words_that_ends_on_a_pronoun_says_nothing() {
        let text = "عنوان\n\nوقدمت السلطات التونسية أولوياتها على المدى القصير. والتزمت الولايات \
                    المتحدة بموجب الاتفاق بخفض انبعاثاتها ما بين 26 و28 في المائة عن مستويات 2005.";
        let draft = extract(text, Some("2017-06-02"));
        assert!(
            !draft.facts.iter().any(|f| f.kind == "event"
                && ["أولوياتها", "خفض انبعاثاتها"].contains(&f.answer.as_str())),
            "{:?}",
            draft.facts
        );
        assert!(
            draft.facts.iter().any(|f| f.answer.contains("26")),
            "{:?}",
            draft.facts
        );
    }

    #[test]
    fn a_topic_is_asked_only_where_it_frames_what_follows() {
        let text = "عنوان\n\nنفى الغنوشي قيامه بدبلوماسية موازية للدولة التونسية فيما يتعلق بالملف الليبي، \
                    مؤكدا أنها دبلوماسية شعبية. وانتقد الحزب التصريحات الصادرة عنه بخصوص عقد اجتماعات \
                    وزارية حول هذا الموضوع، دون أن يتم تكليفه بهذه المهمة رسميا. \
                    وفي ما يتعلق بقطاع الحبوب، أوضح وزير الفلاحة أنه سيقع الترفيع في الأسعار.";
        let draft = extract(text, Some("2017-06-20"));
        let topics: Vec<&str> = draft
            .facts
            .iter()
            .filter(|f| f.answer_type == "topic")
            .map(|f| f.answer.as_str())
            .collect();
        assert_eq!(topics, ["قطاع الحبوب"], "{:?}", draft.facts);
    }

    #[test]
    fn the_country_of_the_headline_is_not_asked_and_a_document_is_asked_once() {
        let text = "بريطانيا تنشر الجيش في الشوارع\n\nوقالت الشرطة إن رجلا ولد في بريطانيا نفذ الهجوم \
                    على قاعة الحفلات. وهجوم مانشستر هو الأعنف في بريطانيا منذ جويلية 2005. وذكرت \
                    الصحيفة أن المهاجم ربما عاد إلى بريطانيا من ليبيا. وانتقد الحزب التفاف الحكومة \
                    على بنود وثيقة قرطاج، وطالب الحكومة باحترام أولويات وثيقة قرطاج.";
        let draft = extract(text, Some("2017-05-24"));
        let places = answers_of(&draft, "place");
        assert!(!places.contains(&"بريطانيا"), "{places:?}");
        assert!(places.contains(&"ليبيا"), "{places:?}");
        assert_eq!(
            answers_of(&draft, "document"),
            ["وثيقة قرطاج"],
            "{:?}",
            draft.facts
        );
        // The same name after the same kind is the same document; another
        // common word after it is another.
        assert_eq!(
            document_key("اتفاقية باريس للمناخ"),
            document_key("اتفاقية باريس لمكافحة تغير المناخ")
        );
        assert_ne!(
            document_key("قانون المالية الأصلي"),
            document_key("قانون المالية التكميلي")
        );
        assert_ne!(
            document_key("مذكرة تفاهم في مجال النقل"),
            document_key("مذكرة تفاهم في مجال السياحة")
        );
    }

    #[test]
    fn a_source_after_what_it_made_known_is_asked_with_it() {
        let text = "عنوان\n\nوانطلقت أشغال المؤتمر لانتخاب قيادة جديدة للحزب وضبط المحاور الرئيسية \
                    لبرنامج عمله وإعادة تنظيم هياكله الداخلية بهدف تعزيز دوره في علاقته بحكومة \
                    الوحدة الوطنية والملفات المطروحة على مختلف الأحزاب، حسب ما أعلن عنه قياديون في الحزب.";
        let draft = extract(text, Some("2017-06-20"));
        let source = draft
            .facts
            .iter()
            .find(|f| f.kind == "source" && f.answer == "قياديون في الحزب")
            .unwrap_or_else(|| panic!("{:?}", draft.facts));
        // What was announced, from a phrase joined by «و», not the middle
        // of an idafa («لبرنامج عمله»).
        assert!(
            source.quote.starts_with("وإعادة تنظيم هياكله الداخلية"),
            "{}",
            source.quote
        );
        assert!(source.quote.chars().count() <= text::QUOTE_CHARS);
    }

    #[test]
    fn a_source_is_asked_where_it_first_speaks() {
        let text = "عنوان\n\nوقالت مية الجريبي، إن الحزب يعيش اليوم لحظة مفصلية خلال هذا المؤتمر. \
                    وسيعمل المؤتمر على تطبيق مبدإ التناصف في اللجنة المركزية الجديدة، حسب ما \
                    أعلنت عنه الأمينة العامة المتخلية، مية الجريبي، في كلمة افتتاح المؤتمر.";
        let draft = extract(text, Some("2017-06-20"));
        let sources = answers_of(&draft, "source");
        assert_eq!(sources, ["مية الجريبي"], "{:?}", draft.facts);
        // A source that only ends like one asked before is another.
        let text = "عنوان\n\nوقالت حركة النهضة إن الحكومة مطالبة بالإسراع في الإصلاحات الكبرى. \
                    وقال شباب حركة النهضة إن الحزب سيعقد مؤتمره الوطني في الصيف القادم.";
        let draft = extract(text, Some("2017-06-20"));
        let sources = answers_of(&draft, "source");
        assert_eq!(sources.len(), 2, "{sources:?}");
    }

    #[test]
    fn a_source_is_asked_with_what_it_said() {
        let text =
            "عنوان\n\nوقالت الشرطة البريطانية إنها تتعامل الآن مع حادث ثالث في منطقة فوكسهول.";
        let draft = extract(text, Some("2017-06-04"));
        let police = draft
            .facts
            .iter()
            .find(|f| f.kind == "source" && f.answer == "الشرطة البريطانية")
            .unwrap_or_else(|| panic!("{:?}", draft.facts));
        assert!(police.quote.contains("حادث ثالث"), "{}", police.quote);
        assert!(police.question.starts_with("من؟"), "{}", police.question);
    }

    #[test]
    fn a_quote_never_starts_inside_a_number() {
        // A sentence too long to quote whole: the quote is cut near the
        // answer, but not inside «4ر13» (13.4).
        let text = "عنوان\n\nوشهد مؤشر مجموعة السكن والطاقة المنزلية ارتفاعا بنسبة 5ر6 بالمائة \
                    مقارنة بنفس الشهر من السنة الماضية نتيجة الزيادة في أسعار الايجار ومواد البناء \
                    وصيانة المسكن والزيادة في أسعار ماء الشرب والتطهير والكهرباء والغاز والمحروقات \
                    المنزلية بنسبة 4ر13 بالمائة نتيجة التعديل الأخير.";
        let draft = extract(text, Some("2016-07-06"));
        let latest = draft
            .facts
            .iter()
            .find(|f| f.answer == "التعديل الأخير")
            .unwrap_or_else(|| panic!("{:?}", draft.facts));
        assert!(latest.quote.len() < text.len() / 2, "{}", latest.quote);
        assert!(!latest.quote.starts_with("13"), "{}", latest.quote);
        assert!(latest.quote.contains("4ر13"), "{}", latest.quote);
    }

    #[test]
    fn the_tables_parse() {
        let t = Tables::get();
        assert!(t.people.heads.len() > 10);
        assert!(t.places.cities.contains(&"هانوي".to_owned()));
    }
}
