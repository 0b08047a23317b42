//! People and their roles: a role title (a gazetteer of head words, then
//! modifiers), then a name. «نائبه …» chains to the role named before it in
//! the sentence; «نظيره …» is a counterpart. The same person written two
//! ways, or by surname alone, is linked in the fact's note.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Doc, Found, Tables, TokenKind, longest_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/people.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub heads: Vec<String>,
    pub chains: Vec<String>,
    pub connectors: Vec<String>,
    pub institutions: Vec<String>,
    pub honorifics: Vec<String>,
    pub called: Vec<String>,
    pub stop: Vec<String>,
    pub nationality_suffix: bool,
    pub former: Vec<String>,
    pub given: Vec<String>,
    pub ambiguous: Vec<String>,
    pub acts: Vec<String>,
}

/// The table in normalised form, with the places that end a name.
struct Prepared {
    heads: Vec<Vec<String>>,
    chains: HashSet<String>,
    counterparts: HashSet<String>,
    connectors: Vec<Vec<String>>,
    institutions: HashSet<String>,
    honorifics: HashSet<String>,
    called: HashSet<String>,
    stop: HashSet<String>,
    former: HashSet<String>,
    places: Vec<Vec<String>>,
    name_starts: HashSet<String>,
    given: Vec<Vec<String>>,
    ambiguous: HashSet<String>,
    speech: HashSet<String>,
    acts: HashSet<String>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let set = |l: &[String]| {
            l.iter()
                .map(|s| arabic::normalize(s))
                .collect::<HashSet<_>>()
        };
        let words = |l: &[&str]| l.iter().map(|s| arabic::normalize(s)).collect();
        let t = &tables.people;
        let p = &tables.places;
        let places: Vec<String> = p
            .countries
            .iter()
            .chain(&p.cities)
            .chain(&p.regions)
            .cloned()
            .collect();
        Prepared {
            heads: phrases(&t.heads),
            chains: set(&t.chains),
            counterparts: words(&["نظيره", "نظيرته", "نظيرها"]),
            connectors: phrases(&t.connectors),
            institutions: set(&t.institutions),
            honorifics: set(&t.honorifics),
            called: set(&t.called),
            stop: set(&t.stop),
            former: set(&t.former),
            places: phrases(&places),
            name_starts: words(&["عبد", "أبو", "ابن"]),
            given: phrases(&t.given),
            ambiguous: set(&t.ambiguous),
            acts: set(&t.acts),
            speech: words(&[
                "قال",
                "قالت",
                "أكد",
                "أكدت",
                "أعلن",
                "أعلنت",
                "أوضح",
                "أوضحت",
                "أضاف",
                "أضافت",
                "صرح",
                "صرحت",
                "ذكر",
                "ذكرت",
                "أشار",
                "أشارت",
                "اعتبر",
                "اعتبرت",
                "أفاد",
                "أفادت",
                "كشف",
                "كشفت",
                "شدد",
                "شددت",
                "نفى",
                "نفت",
            ]),
        }
    })
}

/// A title found: the tokens of its head and core (the role itself), and
/// where the title ends.
#[derive(Debug, Clone)]
struct Title {
    start: usize,
    clitic: usize,
    core_end: usize,
    end: usize,
}

/// A person's name: its tokens and the proclitic on the first.
#[derive(Debug, Clone)]
struct Name {
    tokens: Range<usize>,
    clitic: usize,
}

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    let first = out.len();
    let mut titles_in_sentence: Vec<Title> = Vec::new();
    let mut sentence = 0..0;
    let mut people: Vec<(usize, String)> = Vec::new();
    // The tokens of the last person's name, for a title right after it.
    let mut last_name: Option<Range<usize>> = None;
    let mut i = doc.body_start;
    while i < doc.tokens.len() {
        if !sentence.contains(&i) {
            sentence = doc.sentence_of(i);
            titles_in_sentence.clear();
        }
        if let Some(&(index, _)) = people.last() {
            last_name = Some(out[index].answer.clone());
        }
        let bare: Vec<String> = doc.bare(i).iter().map(|b| b.0.clone()).collect();
        // «كاتب دولة لدى وزير الخارجية …: رضا عيارة»: a title after «لدى»
        // is part of the one before it, whose holder the name is.
        let inner = i > 0 && doc.tokens[i - 1].text == "لدي";
        if !inner && let Some((head_end, clitic)) = longest_at(doc, i, &p.heads) {
            let mut title = title_from(doc, p, i, clitic, head_end);
            // The title runs on to a name that starts within a few words
            // («رئيس كتلة حركة مشروع تونس الحرة عبد الرؤوف الشريف»).
            let named = match name_ahead(doc, p, head_end, sentence.end) {
                Some((at, name)) => {
                    title.end = at;
                    title.core_end = if doc.tokens[at].text == ":" {
                        // «وزير الدفاع الوطني: …»: in a list, the post is
                        // everything before the colon.
                        at
                    } else {
                        title.core_end.clamp(head_end, at)
                    };
                    Some(name)
                }
                None => name_at(doc, p, title.end, sentence.end, true),
            };
            if let Some(name) = named {
                let title_text = without_clitic(doc, title.start..title.end, title.clitic);
                let found = Found::new(
                    Kind::Role,
                    "person",
                    name.tokens.clone(),
                    title.start..name.tokens.end,
                    "role title + name",
                )
                .clitic(name.clitic)
                .note(format!("role: {}", title_text.trim_end_matches(['،', ','])));
                push_person(doc, &mut people, out, found, &name);
                // The role, asked the other way, when it says more than one word.
                if title.core_end - title.start >= 2 {
                    out.push(
                        Found::new(
                            Kind::Role,
                            "role",
                            title.start..title.core_end,
                            title.start..name.tokens.end,
                            "role title + name",
                        )
                        .clitic(title.clitic),
                    );
                }
                titles_in_sentence.push(title.clone());
                i = name.tokens.end;
                continue;
            }
            // A title right after a name, what that person is: «الصحفي علي
            // بن مزين مدير تحرير موقع …», «… ، رئيس نقابة المحامين».
            let after_name = last_name.clone().filter(|name| {
                name.end == i
                    || (name.end + 1 == i
                        && matches!(
                            doc.tokens[name.end].text.as_str(),
                            "،" | "," | "وهو" | "وهي"
                        ))
            });
            if let Some(name) = after_name
                && title.end - title.start >= 2
            {
                out.push(
                    Found::new(
                        Kind::Role,
                        "role",
                        title.start..title.end,
                        name.start..title.end,
                        "a name, then its role",
                    )
                    .clitic(title.clitic),
                );
                titles_in_sentence.push(title.clone());
                i = title.end.max(i + 1);
                continue;
            }
            // A title with no name, who said something: «وقال وزير الخارجية
            // البولوني إن …». The title is the answer.
            let said = i > 0
                && doc
                    .bare(i - 1)
                    .iter()
                    .any(|(b, _)| p.speech.contains(b) || p.acts.contains(b));
            // «قال قايد السبسي»: the end of a name found («الباجي قايد
            // السبسي»), whose first word looks like a title.
            let title_text =
                arabic::normalize(&without_clitic(doc, title.start..title.end, title.clitic));
            let a_name = people
                .iter()
                .any(|(_, n)| arabic::normalize(n).ends_with(&title_text));
            // A title as the one something is addressed to or done
            // before: «إلى وزير الداخلية», «أمام رئيس المحكمة الدستورية»,
            // «بصفته رئيس الوفد التونسي», «إلى كل من وزيري …».
            let before = |k: usize| i.checked_sub(k).map(|j| doc.tokens[j].text.as_str());
            let addressed = matches!(
                before(1),
                Some("الي" | "امام" | "مع" | "بصفته" | "بصفتها" | "لدي")
            ) || (before(1) == Some("من") && before(2) == Some("كل"));
            // «(وهو رئيس المجلس الوطني للثقافة)»: what someone named
            // before is.
            let is_one = matches!(before(1), Some("وهو" | "وهي" | "هو" | "هي"));
            let rule = if said {
                "a title that speaks"
            } else if is_one {
                "what someone is"
            } else {
                "a title addressed"
            };
            let said = said || addressed || is_one;
            if said && !a_name && title.end - title.start >= 2 {
                out.push(
                    Found::new(
                        Kind::Role,
                        "role",
                        title.start..title.end,
                        i - 1..title.end,
                        rule,
                    )
                    .clitic(title.clitic),
                );
            }
            titles_in_sentence.push(title.clone());
            i = title.end.max(i + 1);
            continue;
        }
        if bare.iter().any(|b| p.chains.contains(b)) {
            let descriptor = title_from(doc, p, i, 0, i + 1);
            let name = name_ahead(doc, p, i + 1, sentence.end)
                .map(|(_, n)| n)
                .or_else(|| name_at(doc, p, descriptor.end, sentence.end, true));
            if let Some(name) = name {
                let word = doc.source_text(doc.token_span(i..i + 1));
                let found = match titles_in_sentence.last() {
                    Some(previous) => {
                        let role =
                            without_clitic(doc, previous.start..previous.core_end, previous.clitic);
                        Found::new(
                            Kind::Role,
                            "person",
                            name.tokens.clone(),
                            previous.start..name.tokens.end,
                            "deputy chain",
                        )
                        .note(format!("«{word}»: of the {role} named before"))
                    }
                    None => Found::new(
                        Kind::Role,
                        "person",
                        name.tokens.clone(),
                        i..name.tokens.end,
                        "deputy chain",
                    )
                    .unsure(format!("«{word}»: of someone named in an earlier sentence")),
                };
                let end = name.tokens.end;
                push_person(doc, &mut people, out, found.clitic(name.clitic), &name);
                i = end;
                continue;
            }
        }
        if bare.iter().any(|b| p.counterparts.contains(b)) {
            let descriptor = title_from(doc, p, i, 0, i + 1);
            let name = name_ahead(doc, p, i + 1, sentence.end)
                .map(|(_, n)| n)
                .or_else(|| name_at(doc, p, descriptor.end, sentence.end, true));
            if let Some(name) = name {
                let found = Found::new(
                    Kind::Role,
                    "person",
                    name.tokens.clone(),
                    i..name.tokens.end,
                    "counterpart",
                )
                .clitic(name.clitic)
                .unsure("a counterpart: whose? read the sentence before");
                let end = name.tokens.end;
                push_person(doc, &mut people, out, found, &name);
                i = end;
                continue;
            }
        }
        // «رجلا يدعى سلمان عبيدي»: a name said to be one.
        if bare.iter().any(|b| p.called.contains(b))
            && let Some(name) = name_at(doc, p, i + 1, sentence.end, true)
        {
            let found = Found::new(
                Kind::Role,
                "person",
                name.tokens.clone(),
                i..name.tokens.end,
                "a name given",
            )
            .clitic(name.clitic);
            let end = name.tokens.end;
            push_person(doc, &mut people, out, found, &name);
            i = end;
            continue;
        }
        // A name with no title before it (a given name, or an honorific):
        // «والشيخ علي الصلابي»، «وقالت جين كونورز قائدة عمليات الشرطة».
        if (given_at(doc, p, i).is_some() || honorific_at(doc, p, i).is_some())
            && let Some(name) = name_at(doc, p, i, sentence.end, false)
        {
            let mut needed = i..name.tokens.end;
            // «الوزير المكلف بالعلاقة مع الهيئات الدستورية …: مهدي بن
            // غربية»: an item of a list of posts, too long for the title's
            // own reach; its quote shows the post before the colon.
            if i > 0 && doc.tokens[i - 1].text == ":" {
                // The first head of the post, not one inside it («… لدى
                // وزير الخارجية …»).
                let post = (i.saturating_sub(20).max(sentence.start)..i - 1)
                    .rev()
                    .take_while(|&k| doc.tokens[k].text != ":")
                    .filter(|&k| longest_at(doc, k, &p.heads).is_some())
                    .last();
                if let Some(k) = post {
                    needed.start = k;
                }
            }
            let mut found_note = None;
            // A title after it, perhaps after a comma: what the person is.
            let mut k = name.tokens.end;
            if doc
                .tokens
                .get(k)
                .is_some_and(|t| t.text == "،" || t.text == ",")
            {
                k += 1;
            }
            if let Some((_, clitic)) = longest_at(doc, k, &p.heads) {
                let end = descriptor_end(doc, p, k, sentence.end);
                needed.end = end;
                found_note = Some(format!("role: {}", without_clitic(doc, k..end, clitic)));
            }
            let end = name.tokens.end;
            // A name alone is asked about once: where it first comes.
            let text = arabic::normalize(&doc.source_text(name_span(doc, &name)));
            if people.iter().any(|(_, n)| arabic::normalize(n) == text) {
                i = end;
                continue;
            }
            let mut found = Found::new(Kind::Role, "person", name.tokens.clone(), needed, "a name")
                .clitic(name.clitic);
            if let Some(n) = found_note {
                found = found.note(n);
            }
            push_person(doc, &mut people, out, found, &name);
            i = end;
            continue;
        }
        i += 1;
    }
    link_names(doc, out, &people);
    drop_ambiguous_posts(doc, p, out, first);
}

/// The post a person was found with («role: وزير العدل» in its note).
pub(super) fn post_of(f: &Found) -> Option<&str> {
    let post = f
        .note
        .as_deref()?
        .strip_prefix("role: ")?
        .split(';')
        .next()?;
    Some(post.trim().trim_end_matches(['،', ',']).trim())
}

/// Mends the «who is» questions (a post of two words or more) two names
/// would answer, among the findings from `first` on:
/// - a person listed twice under two forms of one post (the words of the
///   one all in the other):
///   «وزير مكلف لدى رئيس الحكومة: إياد الدهماني» … «وزير لدى رئيس
///   الحكومة مكلف بالعلاقة بمجلس نواب الشعب : إياد الدهماني». Each post
///   fits the other's blank and the name would be asked twice: the longer
///   post is kept, with its name; the other goes both ways;
/// - a post that opens the longer post of someone else: «كاتب الدولة لدى
///   وزير الخارجية» is also what «كاتب دولة لدى وزير الخارجية مكلف
///   بالهجرة» is: its holder is asked by the quote, with the blank after
///   the post, not by the post alone. A post that goes on with «السابق» is
///   another post.
fn drop_ambiguous_posts(doc: &Doc, p: &Prepared, out: &mut Vec<Found>, first: usize) {
    // A post's words, without the article («الدولة» and «دولة» alike).
    let people: Vec<(usize, String, Vec<String>)> = (first..out.len())
        .filter(|&i| out[i].kind == Kind::Role && out[i].answer_type == "person")
        .filter_map(|i| {
            let post = arabic::normalize(post_of(&out[i])?);
            let words = post
                .split_whitespace()
                .map(|w| w.strip_prefix("ال").unwrap_or(w).to_owned())
                .collect();
            Some((i, arabic::normalize(&out[i].answer_text(doc)), words))
        })
        .collect();
    let mut dropped = HashSet::new();
    let mut shared = Vec::new();
    for (i, name, post) in &people {
        for (j, other, longer) in &people {
            let longer_first = longer.len() > post.len() || (longer.len() == post.len() && j < i);
            // A one-word post («الرئيس») is asked by its quote, not alone.
            if i == j || post.len() < 2 || post == longer || !longer_first {
                continue;
            }
            // Two forms of one post: every word of the shorter is in the
            // longer («رئيس البرلمان» and «رئيس حركة النهضة» are two).
            if name == other && post.iter().all(|w| longer.contains(w)) {
                dropped.insert(*i);
                dropped.extend(
                    (first..out.len()).filter(|&k| {
                        out[k].answer_type == "role" && out[k].needed == out[*i].needed
                    }),
                );
            } else if name != other
                && longer.starts_with(post)
                && !p.former.contains(&format!("ال{}", longer[post.len()]))
                && !p.former.contains(&longer[post.len()])
            {
                shared.push((*i, *j));
            }
        }
    }
    for (i, j) in shared {
        let (Some(post), Some(longer)) = (post_of(&out[i]), post_of(&out[j])) else {
            continue;
        };
        let mut note = format!("post: {post}; not asked by it alone: «{longer}» opens alike");
        // What else the note said («same person as …?») stays.
        if let Some((_, rest)) = out[i].note.as_deref().and_then(|n| n.split_once("; ")) {
            note.push_str("; ");
            note.push_str(rest);
        }
        out[i].note = Some(note);
    }
    super::drop_marked(out, |k| dropped.contains(&k));
}

/// Records a person found, for the notes that link their mentions.
fn push_person(
    doc: &Doc,
    people: &mut Vec<(usize, String)>,
    out: &mut Vec<Found>,
    found: Found,
    name: &Name,
) {
    people.push((out.len(), doc.source_text(name_span(doc, name))));
    out.push(found);
}

/// The normalised chars of a name, without its proclitic.
fn name_span(doc: &Doc, name: &Name) -> Range<usize> {
    let span = doc.token_span(name.tokens.clone());
    (span.start + name.clitic).min(span.end)..span.end
}

/// The source text of tokens `range`, without the proclitic of the first.
/// A merged proclitic («للرئيس», ل + الرئيس) stays on: it cannot be cut.
fn without_clitic(doc: &Doc, range: Range<usize>, clitic: usize) -> String {
    let span = doc.token_span(range);
    let clitic = if clitic == super::text::MERGED {
        0
    } else {
        clitic
    };
    doc.source_text((span.start + clitic).min(span.end)..span.end)
}

/// The proclitic's length if a given name starts at token `t` («وعبد»,
/// «بخليفة»); never the preposition «على», which normalises like «علي».
fn given_at(doc: &Doc, p: &Prepared, t: usize) -> Option<usize> {
    let tok = doc.tokens.get(t)?;
    if tok.kind != TokenKind::Word || tok.plain.ends_with('ى') && tok.text.ends_with("علي") {
        return None;
    }
    // «الناطق باسم الحزب»: «in the name of», not the given name Basim;
    // «ونائب أمينه العام»: «its secretary-general», not Amina.
    let next = doc.tokens.get(t + 1).map(|n| n.text.as_str());
    if (tok.text == "باسم" && doc.definite(t + 1)) || matches!(next, Some("العام" | "العامه"))
    {
        return None;
    }
    if p.name_starts.contains(&tok.text)
        && doc
            .tokens
            .get(t + 1)
            .is_some_and(|n| n.kind == TokenKind::Word)
    {
        return Some(0);
    }
    if let Some((b, clitic)) = doc
        .bare(t)
        .iter()
        .find(|(b, c)| *c != super::text::MERGED && p.name_starts.contains(b))
        && !b.is_empty()
        && doc
            .tokens
            .get(t + 1)
            .is_some_and(|n| n.kind == TokenKind::Word)
    {
        return Some(*clitic);
    }
    longest_at(doc, t, &p.given)
        .filter(|(_, clitic)| *clitic != super::text::MERGED)
        .map(|(_, clitic)| clitic)
}

/// The token after an honorific at `t` («الشيخ», «اللواء», «"الرفيق"»),
/// and the honorific's proclitic.
fn honorific_at(doc: &Doc, p: &Prepared, t: usize) -> Option<(usize, usize)> {
    let tok = doc.tokens.get(t)?;
    if tok.text == "\""
        && doc
            .tokens
            .get(t + 1)
            .is_some_and(|n| p.honorifics.contains(&n.text))
    {
        let after = if doc.tokens.get(t + 2).is_some_and(|n| n.text == "\"") {
            t + 3
        } else {
            t + 2
        };
        return Some((after, 0));
    }
    doc.bare(t)
        .iter()
        .find(|(b, c)| *c != super::text::MERGED && p.honorifics.contains(b))
        .map(|(_, clitic)| (t + 1, *clitic))
}

/// A name that starts within a few words after a title's head, with only
/// the title's own words between: (where the title ends, the name).
fn name_ahead(doc: &Doc, p: &Prepared, from: usize, limit: usize) -> Option<(usize, Name)> {
    let mut k = from;
    while k < limit.min(from + 10) {
        let tok = &doc.tokens[k];
        let given = given_at(doc, p, k);
        let honorific = honorific_at(doc, p, k);
        if given.is_some() || honorific.is_some() {
            // «… بوتفليقة والشيخ علي الصلابي»: «و» starts the next person;
            // this title had its name, unread, before it.
            let and = tok.text.starts_with('و')
                && (given == Some(1) || honorific.is_some_and(|h| h.1 == 1));
            if and && k > from {
                return None;
            }
            let name = name_at(doc, p, k, limit, false)?;
            return Some((k, name));
        }
        match tok.text.as_str() {
            "(" => {
                k = (k..limit.min(k + 8)).find(|x| doc.tokens[*x].text == ")")? + 1;
                continue;
            }
            ":" => {
                // A list of posts, «وزير الداخلية: الهادي المجدوب»: what
                // follows the colon is the holder's name, known or not.
                let name = name_at(doc, p, k + 1, limit, true)?;
                return Some((k, name));
            }
            "،" | "," => {
                // Only right before the name.
                let next = k + 1;
                if given_at(doc, p, next).is_some() || honorific_at(doc, p, next).is_some() {
                    let name = name_at(doc, p, next, limit, false)?;
                    return Some((k, name));
                }
                return None;
            }
            _ => {}
        }
        if tok.kind != TokenKind::Word || tok.line_end {
            return None;
        }
        // «الحالة الصحية للأمينة العامة ومغادرة أحمد نجيب الشابي»: after
        // a title that ended (a word with the article), «و» and a noun
        // that is no title starts the next thing, whose name this is.
        let conjunct = k > from
            && doc.definite(k - 1)
            && !doc.definite(k)
            && tok.text.chars().count() >= 5
            && doc.bare(k).iter().any(|(b, c)| {
                *c == 1
                    && tok.text.starts_with('و')
                    && !p.heads.iter().any(|h| h.first() == Some(b))
            });
        if conjunct {
            return None;
        }
        if let Some((end, _)) = longest_at(doc, k, &p.connectors) {
            k = end;
            continue;
        }
        if p.stop.contains(&tok.text) || doc.bare(k).iter().any(|(b, _)| p.speech.contains(b)) {
            return None;
        }
        k += 1;
    }
    None
}

/// Where a title written after a name ends («أحمد أويحيى مدير ديوان
/// الرئيس بوتفليقة»): at punctuation, a stop word, or the next person of a
/// list («والشيخ …»), six words at most.
fn descriptor_end(doc: &Doc, p: &Prepared, head: usize, limit: usize) -> usize {
    let mut k = head + 1;
    while k < limit.min(head + 6) {
        let tok = &doc.tokens[k];
        let next_person = tok.text.starts_with('و')
            && (given_at(doc, p, k) == Some(1)
                || honorific_at(doc, p, k).is_some_and(|h| h.1 == 1));
        if tok.kind != TokenKind::Word || p.stop.contains(&tok.text) || next_person {
            break;
        }
        k += 1;
        if tok.line_end {
            break;
        }
    }
    k
}

/// Reads a title's modifiers after its head (tokens `head_end..`).
fn title_from(doc: &Doc, p: &Prepared, start: usize, clitic: usize, head_end: usize) -> Title {
    let mut j = head_end;
    let mut core_end = head_end;
    let mut after_connector = false;
    while j < doc.tokens.len() {
        let tok = &doc.tokens[j];
        if tok.line_end && j > head_end {
            break;
        }
        if tok.text == "(" {
            // «(روس كوسموس)»: part of the title.
            match (j..doc.tokens.len().min(j + 8)).find(|k| doc.tokens[*k].text == ")") {
                Some(close) => {
                    j = close + 1;
                    core_end = j;
                    continue;
                }
                None => break,
            }
        }
        if tok.kind != TokenKind::Word || given_at(doc, p, j).is_some() {
            break;
        }
        if let Some((end, _)) = longest_at(doc, j, &p.connectors) {
            j = end;
            after_connector = true;
            continue;
        }
        if p.former.contains(&tok.text) {
            j += 1;
            continue;
        }
        if let Some((end, _)) = longest_at(doc, j, &p.places) {
            j = end;
            core_end = j;
            continue;
        }
        let bare: Vec<String> = doc.bare(j).iter().map(|b| b.0.clone()).collect();
        if doc.definite(j) && !p.stop.contains(&tok.text) && !p.honorifics.contains(&tok.text) {
            j += 1;
            // A nationality adjective (الروسي) is not part of the role.
            let nationality = tok.text.ends_with('ي') && !tok.text.ends_with("يي");
            if !nationality || core_end == head_end && after_connector {
                core_end = j;
            }
            after_connector = false;
            continue;
        }
        let next_definite = j + 1 < doc.tokens.len() && doc.definite(j + 1);
        let institution = bare.iter().any(|b| p.institutions.contains(b));
        let head_inside = bare
            .iter()
            .any(|b| p.heads.iter().any(|h| h.len() == 1 && h[0] == *b));
        // «مدير تحرير موقع …»: a verbal noun in a construct with an
        // institution is part of the title.
        let before_institution = j == head_end
            && doc
                .bare(j + 1)
                .iter()
                .any(|(b, c)| *c == 0 && p.institutions.contains(b));
        let construct = (after_connector && next_definite || before_institution)
            && !p.name_starts.contains(&tok.text);
        if institution || head_inside || construct {
            j += 1;
            core_end = j;
            after_connector = false;
            continue;
        }
        break;
    }
    Title {
        start,
        clitic,
        core_end,
        end: j,
    }
}

/// A name of two or three words at token `j` (after an optional comma and
/// honorific), or `None`. A name whose first word is not a known given
/// name needs other evidence when `title_before` allows it at all: set off
/// by commas, or a last word that the article uses alone elsewhere.
fn name_at(
    doc: &Doc,
    p: &Prepared,
    mut j: usize,
    limit: usize,
    title_before: bool,
) -> Option<Name> {
    // «وزير الداخلية: الهادي المجدوب السيرة الذاتية وزير العدل: …»: an
    // item of a list of posts, whose name ends where the item's next words
    // start: the next post, or a word with the article that is no name (a
    // feminine noun) with the next post a word or two after it. («قال وزير
    // التجارة: ارتفاع الأسعار المحلية …» is no list.)
    let listed = j > 0 && doc.tokens[j - 1].text == ":";
    let post_at = |k: usize| {
        doc.tokens
            .get(k)
            .is_some_and(|t| t.kind == TokenKind::Word && longest_at(doc, k, &p.heads).is_some())
    };
    let item_ends = |k: usize| {
        listed
            && (post_at(k)
                || (doc.tokens.get(k).is_some_and(|t| {
                    t.kind == TokenKind::Word && doc.definite(k) && t.text.ends_with('ه')
                }) && (k + 1..k + 3).any(post_at)))
    };
    let comma = doc
        .tokens
        .get(j)
        .is_some_and(|t| t.text == "،" || t.text == ",");
    if comma {
        j += 1;
    }
    // Honorifics, perhaps in quotation marks: «"الرفيق"».
    let mut honoured = false;
    while let Some((after, _)) = honorific_at(doc, p, j) {
        honoured = true;
        j = after;
        if doc.tokens.get(j).is_some_and(|t| t.text == "،") {
            j += 1;
        }
    }
    let start = j;
    let given = given_at(doc, p, start);
    let clitic = given.unwrap_or(0);
    let mut end = j;
    while end < limit && end - start < 4 {
        let tok = &doc.tokens[end];
        // «علي» is a name where «على» is not: the stop words are normalised.
        // «أحمد بن علي»: after «بن», a word is the father's name.
        let after_bin =
            end > start && matches!(doc.tokens[end - 1].text.as_str(), "بن" | "ابن" | "بنت");
        let stop = p.stop.contains(&tok.text) && !(end == start && given.is_some()) && !after_bin;
        if tok.kind != TokenKind::Word || stop || (end >= start + 2 && time_after_name(doc, end)) {
            break;
        }
        let after_abd = end > start
            && (doc
                .bare(end - 1)
                .iter()
                .any(|(b, _)| p.name_starts.contains(b))
                || COMPOUND_ENDS.contains(&tok.text.as_str()));
        // «كمال الهادي،», «علي الصلابي وهو»: a last name with the article,
        // when the name ends there.
        let next = doc.tokens.get(end + 1);
        let last_of_name = end > start
            && next.is_none_or(|n| {
                n.kind == TokenKind::Punct
                    || p.stop.contains(&n.text)
                    || glued_article(&n.plain)
                    || (given.is_some() && (n.text.starts_with('و') || !doc.definite(end + 1)))
                    || item_ends(end + 1)
            })
            && longest_at(doc, end, &p.heads).is_none();
        // «الباجي», «الحبيب»: a given name with the article.
        let given_here = given_at(doc, p, end).is_some() && (end > start || given.is_some());
        if doc.definite(end) && !after_abd && !last_of_name && !given_here {
            break;
        }
        // «سان جون القريبة»: a feminine adjective is no family name.
        if end > start
            && doc.definite(end)
            && tok.text.ends_with('ه')
            && !COMPOUND_ENDS.contains(&tok.text.as_str())
        {
            break;
        }
        // A head word inside a name only where the name ends right after
        // the next word: «الباجي قائد السبسي وعبد العزيز …».
        let head_in_name = given.is_some()
            && end == start + 1
            && doc.tokens.get(end + 2).is_none_or(|n| {
                n.kind == TokenKind::Punct || n.text.starts_with('و') || p.stop.contains(&n.text)
            });
        // «وقدم أحمد الحشاني عرضا»: after a family name with the article,
        // a word in the accusative is the verb's object.
        if end > start
            && doc.definite(end - 1)
            && !doc.definite(end)
            && tok.text.ends_with('ا')
            && tok.text.chars().count() >= 4
        {
            break;
        }
        // «تحرير موقع»: an institution's noun is no part of a name.
        if p.institutions.contains(&tok.text)
            || longest_at(doc, end, &p.places).is_some()
            || (end > start
                && longest_at(doc, end, &p.heads).is_some()
                && !after_abd
                && !head_in_name)
        {
            break;
        }
        // A word with the conjunction «و» ends the name: the next item of a
        // list («وعبد العزيز …»), or no name at all («عادل وناجع»).
        if end > start && tok.text.starts_with('و') && given_at(doc, p, end).is_none_or(|c| c == 1)
        {
            break;
        }
        // «بالمبادرة», «والشيخ»: a word with a proclitic and the article, or an
        // honorific, is never inside a name.
        if end > start && (glued_article(&tok.plain) || honorific_at(doc, p, end).is_some()) {
            break;
        }
        end += 1;
        if doc.tokens[end - 1].line_end {
            break;
        }
    }
    // A third word after a known given name only where the name plainly
    // ends there («الباجي قائد السبسي وعبد …»), or where it is a given name
    // too or the article uses it alone: «باراك أوباما دور رئيسي» is two.
    if given.is_some() && end - start >= 3 {
        let third = start + 2;
        let ends = item_ends(third + 1)
            || doc.tokens.get(third + 1).is_none_or(|n| {
                n.kind == TokenKind::Punct || p.stop.contains(&n.text) || n.text.starts_with('و')
            });
        let joined = (start..third)
            .any(|k| p.name_starts.contains(&doc.tokens[k].text) || doc.tokens[k].text == "بن");
        // A third word with the article only as a family name: «السبسي».
        // «محمد زين العابدين»: or the end of a compound given name.
        let family = !doc.definite(third)
            || doc.tokens[third].text.ends_with('ي')
            || COMPOUND_ENDS.contains(&doc.tokens[third].text.as_str());
        if !(joined
            || (end - start == 3 && ends && family)
            || given_at(doc, p, start + 1).is_some()
            || recurs(doc, third..third + 1))
        {
            end = start + 2;
        }
    }
    // Names are two words or more; four only with a connecting word (بن, آل).
    let len = end - start;
    let joined =
        (start..end).any(|k| matches!(doc.tokens[k].text.as_str(), "بن" | "ال" | "عبد" | "ابو"));
    if len < 2 || (len > 3 && !joined) {
        return None;
    }
    // Without a known given name, a name has no word with the article; a
    // given name that is also a word («حسن الجوار») needs a title, an
    // honorific, or a family name without the article.
    let whole_item = item_ends(end);
    if given.is_none()
        && !honoured
        && !whole_item
        && (start..end)
            .any(|k| doc.definite(k) && !COMPOUND_ENDS.contains(&doc.tokens[k].text.as_str()))
    {
        return None;
    }
    let word_too = doc
        .bare(start)
        .iter()
        .any(|(b, c)| *c != super::text::MERGED && p.ambiguous.contains(b));
    if word_too && !honoured && !title_before && doc.definite(start + 1) {
        return None;
    }
    let set_off = comma
        && doc
            .tokens
            .get(end)
            .is_none_or(|t| t.kind == TokenKind::Punct);
    // «زين العابدين بن علي»: a compound given name or «بن» between names
    // marks a name as a known given name does.
    let shaped = (start..end).any(|k| {
        let w = doc.tokens[k].text.as_str();
        COMPOUND_ENDS.contains(&w) || (w == "بن" && k > start && k + 1 < end)
    });
    // «وأكدت مديرة المهرجان بية ساسي أن …»: after a title, the words
    // before what the person said are their name; not a phrase with a
    // preposition («لفرانس برس»، «بنبرة حادة»), the next item («وجميع
    // لاعبيه») or a time («مرة أخرى»).
    let before_speech = title_before
        && doc.tokens.get(end).is_some_and(|t| {
            matches!(
                t.text.as_str(),
                "ان" | "بان" | "انه" | "انها" | "بانه" | "بانها" | ":"
            )
        })
        && (start..end).all(|k| {
            // (A short word may be a name that starts with these letters:
            // «بية», «لطفي».)
            let w = doc.tokens[k].text.as_str();
            let glued = w.starts_with(['ل', 'ب', 'و', 'ك', 'ف']) && w.chars().count() >= 5;
            !glued && !matches!(w, "مره" | "اخري" | "ثانيه")
        });
    // «الرئيس فرانكلين روزفلت عام 1933», «الرئيس جيمي كارتر أول من …»:
    // after a title, a name ends at a year or an ordinal.
    let before_time = title_before && end - start >= 2 && time_after_name(doc, end);
    let evidence = given.is_some()
        || honoured
        || whole_item
        || set_off
        || before_speech
        || before_time
        || shaped
        || recurs(doc, start..end);
    if !evidence || (given.is_none() && !honoured && !title_before) {
        return None;
    }
    Some(Name {
        tokens: start..end,
        clitic,
    })
}

/// Whether a year («عام 1933», «سنة 1877») or «أول» with what it ranks
/// («أول من», «أول رئيس») starts at `k`: what follows a name, never in it.
fn time_after_name(doc: &Doc, k: usize) -> bool {
    let next = doc.tokens.get(k + 1).map(|t| t.kind);
    match doc.tokens.get(k).map(|t| t.text.as_str()) {
        Some("عام" | "سنه") => next == Some(TokenKind::Number),
        Some("اول") => next == Some(TokenKind::Word),
        _ => false,
    }
}

/// A word with a proclitic and the article («بالأطراف», «للحكومة»,
/// «والشيخ»): never a part of a name, so a name ends before it («عقده
/// رئيس الحكومة يوسف الشاهد بالأطراف الموقعة»).
fn glued_article(plain: &str) -> bool {
    ["بال", "لل", "كال", "فال", "وال"]
        .iter()
        .any(|c| plain.starts_with(c))
}

/// The second words of compound given names (normalised): «زين العابدين»,
/// «نور الدين», «سيف الإسلام», «عبد الله»; a word with the article that a
/// name goes on with.
const COMPOUND_ENDS: [&str; 5] = ["الدين", "العابدين", "الاسلام", "الله", "الرحمن"];

/// Whether the last word of a name stands alone elsewhere in the article
/// («وشدد روذر»): a surname.
fn recurs(doc: &Doc, name: Range<usize>) -> bool {
    let last = &doc.tokens[name.end - 1].text;
    if last.chars().count() < 3 {
        return false;
    }
    // «منجي كدوسي» … «الكدوسي»: a surname may take the article alone.
    let with_article = format!("ال{last}");
    (0..doc.tokens.len())
        .filter(|k| !name.contains(k))
        .any(|k| {
            doc.bare(k)
                .iter()
                .any(|(b, _)| *b == *last || *b == with_article)
        })
}

/// Notes on the person facts: surnames used alone, and the same name
/// spelt differently («بيلاوسوف» / «بيلوسوف»).
fn link_names(doc: &Doc, out: &mut [Found], people: &[(usize, String)]) {
    for (index, name) in people {
        let norm = arabic::normalize(name);
        let words: Vec<&str> = norm.split(' ').collect();
        let Some(surname) = words.last() else {
            continue;
        };
        let mut alone = 0;
        for (t, tok) in doc.tokens.iter().enumerate() {
            let previous = t.checked_sub(1).map(|k| doc.tokens[k].text.as_str());
            let bare: Vec<String> = doc.bare(t).iter().map(|b| b.0.clone()).collect();
            if bare.iter().any(|b| b == surname)
                && previous != words.get(words.len().wrapping_sub(2)).copied()
            {
                alone += 1;
            }
            let _ = tok;
        }
        let mut notes = Vec::new();
        if alone > 0 {
            notes.push(format!("also called «{surname}» alone ({alone}×)"));
        }
        for (other_index, other) in people {
            if other_index == index {
                continue;
            }
            let other_norm = arabic::normalize(other);
            if other_norm != norm && edit_distance(&skeleton(&norm), &skeleton(&other_norm)) <= 1 {
                notes.push(format!("same person as «{other}»?"));
            }
        }
        if !notes.is_empty() {
            let f = &mut out[*index];
            let joined = notes.join("; ");
            f.note = Some(match &f.note {
                Some(n) => format!("{n}; {joined}"),
                None => joined,
            });
        }
    }
}

/// A name without its long vowels, which transliterations disagree on.
fn skeleton(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, 'ا' | 'و' | 'ي'))
        .collect()
}

/// Levenshtein distance in chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn people(text: &str) -> Vec<(String, String, String)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        out.iter()
            .map(|f| {
                let answer = f.answer_text(&doc);
                (
                    f.answer_type.clone(),
                    answer,
                    f.note.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    fn persons(text: &str) -> Vec<String> {
        people(text)
            .into_iter()
            .filter(|p| p.0 == "person")
            .map(|p| p.1)
            .collect()
    }

    #[test]
    fn a_name_ends_before_a_word_with_a_proclitic_and_the_article() {
        assert_eq!(
            persons("خلال الاجتماع الذي عقده رئيس الحكومة يوسف الشاهد بالأطراف الموقعة على الوثيقة."),
            ["يوسف الشاهد"]
        );
        // And never takes that word in.
        assert_eq!(
            persons("والتقى وزير الخارجية خميس الجهيناوي بالسفير الفرنسي."),
            ["خميس الجهيناوي"]
        );
    }

    #[test]
    fn a_title_after_he_is_says_what_someone_is() {
        let found = people("واتهم النائب الوزير (وهو رئيس المجلس الوطني للثقافة والفنون والآداب).");
        assert!(
            found
                .iter()
                .any(|f| f.0 == "role" && f.1 == "رئيس المجلس الوطني للثقافة والفنون والآداب"),
            "{found:?}"
        );
    }

    #[test]
    fn a_role_after_a_name_compound_names_and_what_no_name_holds() {
        // A title right after a name says what the person is; «تحرير
        // موقع» is part of the title, not a name.
        let found = people("وكتب الصحفي علي بن مزين مدير تحرير موقع \"حوار الريف\" مقالا.");
        let roles: Vec<&str> = found
            .iter()
            .filter(|f| f.0 == "role")
            .map(|f| f.1.as_str())
            .collect();
        assert_eq!(roles, ["مدير تحرير موقع"]);
        assert_eq!(
            persons("وكتب الصحفي علي بن مزين مدير تحرير موقع \"حوار الريف\" مقالا."),
            ["علي بن مزين"]
        );
        // A compound given name, and «بن», mark a name without a known
        // given name; «ولايته» belongs to the title.
        assert_eq!(
            persons("وحكم بالسجن ضد الرئيس الأسبق زين العابدين بن علي، في القضية ذاتها."),
            ["زين العابدين بن علي"]
        );
        assert!(persons("ثم يغادر الرئيس المنتهية ولايته مبنى الكابيتول.").is_empty());
        // «قايد» looks like «قائد» (a leader), but «قايد السبسي» is the end
        // of a name found: no title that speaks.
        let found = people(
            "أكد رئيس الجمهورية، الباجي قايد السبسي، ذلك. وقال قايد السبسي إن الهجرة معقدة.",
        );
        assert!(
            !found.iter().any(|f| f.0 == "role" && f.1 == "قايد السبسي"),
            "{found:?}"
        );
        // A title something is addressed to is a role too.
        let found = people("ووجهت الكتلة سؤالا إلى وزير الداخلية بصفته رئيس الوفد التونسي.");
        let roles: Vec<&str> = found
            .iter()
            .filter(|f| f.0 == "role")
            .map(|f| f.1.as_str())
            .collect();
        assert_eq!(roles, ["وزير الداخلية", "رئيس الوفد التونسي"]);
        // A verb's object is no part of a title before an institution.
        let found = people("واستقبل وزير الخارجية وفد منظمة العفو الدولية.");
        assert!(!found.iter().any(|f| f.1.contains("وفد")), "{found:?}");
        // A feminine adjective is no family name.
        assert!(persons("يحضر قداسا في كنيسة سان جون القريبة من البيت الأبيض.").is_empty());
    }

    #[test]
    fn a_post_two_names_would_answer_is_not_asked_alone() {
        let text = "عنوان\n\nعبيد البريكي السيرة الذاتية وزير مكلف لدى رئيس الحكومة: اياد \
                    الدهماني السيرة الذاتية وزير العلاقة مع الهيئات الدستورية: مهدي بن غربية \
                    السيرة الذاتية وزير لدى رئيس الحكومة مكلف بالعلاقة بمجلس نواب الشعب : إياد \
                    الدهماني السيرة الذاتية كاتب الدولة لدى وزير الخارجية : صبري بشطبجي السيرة \
                    الذاتية كاتب دولة لدى وزير الخارجية مكلف بالهجرة : رضا عيارة السيرة الذاتية";
        let draft = super::super::extract(text, Some("2016-08-20"));
        let asked = |answer: &str| {
            draft
                .facts
                .iter()
                .filter(|f| arabic::normalize(&f.answer) == arabic::normalize(answer))
                .map(|f| f.question.clone())
                .collect::<Vec<_>>()
        };
        // Listed twice: asked once, by the longer post, and that post's
        // shorter form is not asked.
        assert_eq!(
            asked("إياد الدهماني"),
            ["من هو وزير لدى رئيس الحكومة مكلف بالعلاقة بمجلس نواب الشعب؟"]
        );
        assert!(asked("وزير مكلف لدى رئيس الحكومة").is_empty());
        // Both secretaries of state are «كاتب دولة لدى وزير الخارجية»: the
        // first is asked by the quote, the second by the whole post.
        let first = asked("صبري بشطبجي");
        assert_eq!(first.len(), 1);
        assert!(first[0].starts_with("من؟ أكمل"), "{first:?}");
        assert_eq!(
            asked("رضا عيارة"),
            ["من هو كاتب دولة لدى وزير الخارجية مكلف بالهجرة؟"]
        );
        // Two posts, not two forms of one: both asked.
        let text = "عنوان\n\nوقال رئيس البرلمان راشد الغنوشي إن الجلسة ستعقد غدا. وأكد رئيس حركة \
                    النهضة راشد الغنوشي أن الحركة تدعم الحكومة.";
        let draft = super::super::extract(text, Some("2020-01-10"));
        let questions: Vec<&str> = draft.facts.iter().map(|f| f.question.as_str()).collect();
        assert!(questions.contains(&"من هو رئيس البرلمان؟"), "{questions:?}");
        assert!(
            questions.contains(&"من هو رئيس حركة النهضة؟"),
            "{questions:?}"
        );
    }

    /// The people found and the notes that say what they are.
    fn holders(text: &str) -> Vec<(String, String)> {
        people(text)
            .into_iter()
            .filter(|p| p.0 == "person")
            .map(|p| (p.1, p.2))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn a_list_of_posts_gives_each_name_after_its_colon_to_its_own_post() {
        // Not the name before a comma, which is the post before's.
        assert_eq!(
            holders(
                "وضمت الحكومة كلا من: وزير الداخلية: الهادي المجدوب، وزير العدل: غازي الجريبي، وزيرة المالية: لمياء الزريبي."
            ),
            pairs(&[
                ("الهادي المجدوب", "role: وزير الداخلية"),
                ("غازي الجريبي", "role: وزير العدل"),
                ("لمياء الزريبي", "role: وزيرة المالية"),
            ])
        );
    }

    #[test]
    fn a_list_of_posts_without_commas_ends_each_name_where_the_item_goes_on() {
        // «السيرة الذاتية» (a link to the minister's biography) after each
        // name, then the next post: the names are whole, from the first.
        assert_eq!(
            holders(
                "الوزراء: وزير الداخلية: الهادي المجدوب السيرة الذاتية وزير الدفاع الوطني: فرحات الحرشاني السيرة الذاتية وزير التجهيز والاسكان: محمد صالح العرفاوي السيرة الذاتية وزير الطاقة: هالة شيخ روحو السيرة الذاتية وزير النقل"
            ),
            pairs(&[
                ("الهادي المجدوب", "role: وزير الداخلية"),
                ("فرحات الحرشاني", "role: وزير الدفاع الوطني"),
                ("محمد صالح العرفاوي", "role: وزير التجهيز والاسكان"),
                ("هالة شيخ روحو", "role: وزير الطاقة"),
            ])
        );
        // After one post and a colon, no list: what follows is no name.
        assert_eq!(
            holders("وقال وزير التجارة: ارتفاع الأسعار المحلية سببه الاحتكار."),
            pairs(&[])
        );
        // The post is asked whole, up to its colon.
        assert!(
            people("وزير الداخلية: الهادي المجدوب السيرة الذاتية وزير الدفاع الوطني: فرحات الحرشاني السيرة الذاتية وزير النقل")
                .iter()
                .any(|p| p.0 == "role" && p.1 == "وزير الدفاع الوطني")
        );
    }

    #[test]
    fn a_title_inside_a_larger_one_and_in_the_name_of() {
        let text = "كاتب دولة لدى وزير الخارجية مكلف بالهجرة : رضا عيارة. وقال الناطق الرسمي باسم الحزب ونائب أمينه العام عصام الشابي إن المؤتمر سينجح.";
        // The secretary of state's post, not the minister's.
        assert_eq!(
            holders(text),
            pairs(&[
                (
                    "رضا عيارة",
                    "role: كاتب دولة لدى وزير الخارجية مكلف بالهجرة"
                ),
                (
                    "عصام الشابي",
                    "role: الناطق الرسمي باسم الحزب ونائب أمينه العام"
                ),
            ])
        );
        // A conjoined noun after a title starts the next thing: its name is
        // not the title's holder's.
        let found = people("بسبب الحالة الصحية للأمينة العامة ومغادرة أحمد نجيب الشابي له.");
        assert!(
            found.iter().all(|p| !p.2.contains("الأمينة العامة")),
            "{found:?}"
        );
        let found = people(text);
        // «باسم الحزب» and «أمينه العام» are no names.
        assert!(
            found
                .iter()
                .all(|p| p.0 != "person" || !(p.1.contains("باسم") || p.1.contains("أمينه"))),
            "{found:?}"
        );
    }

    #[test]
    fn a_name_after_a_title_ends_at_a_year_or_an_ordinal() {
        assert_eq!(
            persons("وقد بدأ هذا التقليد في عهد الرئيس فرانكلين روزفلت عام 1933."),
            ["فرانكلين روزفلت"]
        );
        assert_eq!(
            persons("وكان الرئيس جيمي كارتر أول من سار على قدميه."),
            ["جيمي كارتر"]
        );
    }

    #[test]
    fn a_delegation_list_of_roles_and_names() {
        let text = "ويضم الوفد الروسي وزير الخارجية سيرغي لافروف، والنائب الأول لرئيس الوزراء دينيس مانتوروف، ونائب رئيس الوزراء ألكسندر نوفاك، ووزير الدفاع أندريه بيلاوسوف، ونائبه المعني بشؤون شراء الأسلحة أليكسي كريفوروتشكو، ومدير مؤسسة الفضاء الروسية (روس كوسموس)، يوري بوريسوف، وهو ما يعزز الترجيحات.";
        assert_eq!(
            persons(text),
            [
                "سيرغي لافروف",
                "دينيس مانتوروف",
                "ألكسندر نوفاك",
                "أندريه بيلاوسوف",
                "أليكسي كريفوروتشكو",
                "يوري بوريسوف"
            ]
        );
        let roles: Vec<String> = people(text)
            .into_iter()
            .filter(|p| p.0 == "role")
            .map(|p| p.1)
            .collect();
        assert!(roles.contains(&"وزير الخارجية".to_owned()), "{roles:?}");
        assert!(
            roles.contains(&"النائب الأول لرئيس الوزراء".to_owned()),
            "{roles:?}"
        );
        assert!(roles.contains(&"نائب رئيس الوزراء".to_owned()), "{roles:?}");
        assert!(
            roles.contains(&"مدير مؤسسة الفضاء الروسية (روس كوسموس)".to_owned()),
            "{roles:?}"
        );
        let chain = people(text)
            .into_iter()
            .find(|p| p.1 == "أليكسي كريفوروتشكو")
            .expect("the deputy");
        assert!(chain.2.contains("وزير الدفاع"), "{}", chain.2);
    }

    #[test]
    fn titles_with_nationality_former_descriptor_and_honorific() {
        assert_eq!(
            persons("وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء."),
            ["فلاديمير بوتين"]
        );
        assert_eq!(
            persons("زار وزير الدفاع الروسي آنذاك سيرغي شويغو بيونغ يانغ لحضور المراسم."),
            ["سيرغي شويغو"]
        );
        assert_eq!(
            persons(
                "فيما أوضح مساعده في مجال السياسة الخارجية يوري أوشاكوف أن المعاهدة ستشمل التعاون الأمني."
            ),
            ["يوري أوشاكوف"]
        );
        assert_eq!(
            persons("فيما قام مؤسس الجمهورية، \"الرفيق\" كيم إل سونغ، بزيارة إلى موسكو."),
            ["كيم إل سونغ"]
        );
        assert_eq!(
            persons("والتقى حينها مع زعيم كوريا الشمالية آنذاك كيم جونغ إل."),
            ["كيم جونغ إل"]
        );
        assert_eq!(
            persons(
                "بتكليف من رئيس الجمهورية، السيد عبد المجيد تبون، يشرع وزير الشؤون الخارجية والجالية الوطنية بالخارج، أحمد عطاف، في زيارات عمل."
            ),
            ["عبد المجيد تبون", "أحمد عطاف"]
        );
        assert_eq!(
            persons("ويلتقي المقداد في طهران نظيره الإيراني محمد جواد ظريف."),
            ["محمد جواد ظريف"]
        );
        assert_eq!(
            persons("أن يستقبل رئيس الحكومة، كمال الهادي، الوزير الضيف"),
            ["كمال الهادي"]
        );
        assert_eq!(
            persons("وصل المبعوث الخاص للأمم المتحدة إلى المنطقة، فرانك مولر، إلى بيروت"),
            ["فرانك مولر"]
        );
    }

    #[test]
    fn names_known_by_their_given_name_with_or_without_a_title() {
        // After a title, however long, and after a merged «للرئيس».
        assert_eq!(
            persons("أعلن رئيس كتلة حركة مشروع تونس الحرة عبد الرؤوف الشريف، اليوم"),
            ["عبد الرؤوف الشريف"]
        );
        assert_eq!(
            persons("وهي اتفاقية كان للرئيس السابق باراك أوباما دور رئيسي في إبرامها."),
            ["باراك أوباما"]
        );
        // Before their title, or with an honorific, or said to be one.
        let found = people("وقالت جين كونورز قائدة عمليات الشرطة في لندن إن العمل مستمر.");
        assert_eq!(found[0].1, "جين كونورز");
        assert!(
            found[0].2.contains("role: قائدة عمليات الشرطة"),
            "{found:?}"
        );
        assert_eq!(
            persons(
                "حضر أحمد أويحيى مدير ديوان الرئيس بوتفليقة والشيخ علي الصلابي وهو شخصية مرموقة."
            ),
            ["أحمد أويحيى", "علي الصلابي"]
        );
        assert_eq!(
            persons("إن رجلا ولد في بريطانيا يدعى سلمان عبيدي (22 عاما) هو منفذ التفجير"),
            ["سلمان عبيدي"]
        );
        // A name alone is asked about once.
        assert_eq!(
            persons("التقى خليفة حفتر بالوفد. ثم غادر خليفة حفتر القاعة."),
            ["خليفة حفتر"]
        );
        // Not after a title, a name unknown needs commas or a recurring
        // surname: «روذر».
        assert_eq!(
            persons(
                "ذلك ما اكده رئيس بعثة الصندوق الى تونس، بيورن روذر، في بيان. وشدد روذر على ذلك."
            ),
            ["بيورن روذر"]
        );
        // The preposition «على» is no «علي», and adjectives are no names.
        assert!(persons("وأكد رئيس الحكومة على أهمية الإصلاح بشكل عادل وناجع.").is_empty());
        // After «بن», «علي» is the father's name.
        assert_eq!(
            persons("وأكد المدير العام للبنك أحمد بن علي ذلك."),
            ["أحمد بن علي"]
        );
    }

    #[test]
    fn a_title_that_speaks_without_a_name_is_the_answer() {
        let found = people("وقال وزير الخارجية البولوني إن بولونيا وزوجته قتلا.");
        assert_eq!(
            found,
            [(
                "role".to_owned(),
                "وزير الخارجية البولوني".to_owned(),
                String::new()
            )]
        );
    }

    #[test]
    fn no_name_no_fact() {
        assert!(
            persons("تحمل صورة الرئيس الروسي مبتسماً، وكتب عليها ترحيب حار بالرئيس بوتين.")
                .is_empty()
        );
        assert!(persons("قال وزير الخارجية إن الزيارة مهمة.").is_empty());
    }

    #[test]
    fn the_same_person_written_twice_is_linked() {
        let text = "وقال وزير الدفاع أندريه بيلاوسوف إن. وأكد وزير الدفاع أندريه بيلوسوف لاحقا. وأوضح بيلاوسوف أمس.";
        let found = people(text);
        let first = found
            .iter()
            .find(|p| p.1 == "أندريه بيلاوسوف")
            .expect("first spelling");
        assert!(
            first.2.contains("same person as «أندريه بيلوسوف»"),
            "{}",
            first.2
        );
        assert!(
            first.2.contains("also called «بيلاوسوف» alone"),
            "{}",
            first.2
        );
        assert_eq!(edit_distance("كتاب", "كتب"), 1);
    }

    #[test]
    fn a_name_ends_before_the_object_of_its_verb() {
        assert_eq!(
            persons("وقدم أحمد الحشاني عرضا حول الوضع الاقتصادي."),
            ["أحمد الحشاني"]
        );
    }

    #[test]
    fn a_name_unknown_after_a_title_and_before_what_was_said() {
        let found = people("وأكدت مديرة المهرجان بية ساسي أن الدورة ستكون مميزة.");
        assert!(
            found
                .iter()
                .any(|(ty, name, _)| ty == "person" && name == "بية ساسي"),
            "{found:?}"
        );
        // Without a title, two unknown words before «أن» are no name.
        assert!(
            people("وأكدت الدورة الجديدة أن المهرجان سينجح.")
                .iter()
                .all(|(ty, _, _)| ty != "person")
        );
        // «بأن» ends a name, and «كاتب الدولة» is a title.
        let found = people("وصرح وزير التجارة زكرياء حمد بأن المؤسسة ستتحصل على قرض.");
        assert!(
            found
                .iter()
                .any(|(ty, name, _)| ty == "person" && name == "زكرياء حمد"),
            "{found:?}"
        );
        let found = people("وأوضح كاتب الدولة للتجارة فيصل الحفيان أن الأسعار مستقرة.");
        assert!(
            found
                .iter()
                .any(|(ty, name, _)| ty == "role" && name == "كاتب الدولة للتجارة"),
            "{found:?}"
        );
        // «وإلى» folds to «والي»: no title.
        assert!(
            people("وأشار إلى الوضع الأمني وإلى قائد الجيش أحمد قايد صالح.")
                .iter()
                .all(|(_, name, _)| !name.starts_with("وإلى"))
        );
    }

    #[test]
    fn names_of_the_maghreb_press_and_words_that_look_like_names() {
        // Known given names from the Maghreb's press; not a common word
        // («حياة», «أسماء», «أمل» is hope, «العربي» Arab, «آن» is «أن»).
        assert_eq!(
            persons("وقال لزهر العكرمي إن القانون جاهز."),
            ["لزهر العكرمي"]
        );
        assert!(persons("في بلدان المغرب العربي الكبير، أن الأمل كبير.").is_empty());
        assert!(persons("يطالب المحتجون بحياة كريمة وأن يعيش حياة كريمة.").is_empty());
        assert!(persons("أعلنت الهيئة أسماء عدد من المترشحين.").is_empty());
        // Before «أن» after a title, only words that can be a name.
        for text in [
            "وقال الرئيس لفرانس برس إن الوضع صعب.",
            "وأكد الوزير مرة أخرى أن الحكومة ماضية.",
            "وقالت الوزيرة بنبرة حادة إن القانون جاهز.",
            "وأكد المدرب وجميع لاعبيه أن الفريق جاهز.",
        ] {
            assert!(persons(text).is_empty(), "{text}");
        }
        // A compound given name ends a name of three words.
        assert_eq!(
            persons("وأوضح المدير الفني للمهرجان محمد زين العابدين أن البرمجة جاهزة."),
            ["محمد زين العابدين"]
        );
    }
}
