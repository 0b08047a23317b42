//! Sources: who reported or published what. Agencies and papers named after
//! an attribution (بحسب "رويترز"، نقلتها "فرانس برس"), in an outlet's frame
//! (صحيفة "…"، وكالة …), official websites (الموقع الرسمي للكرملين), and
//! quoted titles (بعنوان "…").

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Doc, Found, Tables, TokenKind, longest_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/sources.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub agencies: Vec<String>,
    pub attributions: Vec<String>,
    pub outlets: Vec<Outlet>,
    pub websites: Vec<String>,
    pub titles: Vec<String>,
    pub organisations: Vec<String>,
    pub sites: Vec<String>,
    pub reporting: Vec<String>,
    pub unnamed: Vec<String>,
    pub data: Vec<String>,
    pub bodies: Vec<String>,
    pub saying: Vec<String>,
    pub statements: Vec<String>,
    pub published: Vec<String>,
    pub gazettes: Vec<String>,
    #[serde(default)]
    pub media: Vec<String>,
    #[serde(default)]
    pub platforms: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Outlet {
    pub head: String,
    #[serde(rename = "type")]
    pub answer_type: String,
}

struct Prepared {
    agencies: Vec<Vec<String>>,
    attributions: Vec<Vec<String>>,
    outlets: Vec<(String, String)>,
    websites: Vec<Vec<String>>,
    titles: Vec<Vec<String>>,
    stop: HashSet<String>,
    sites: HashSet<String>,
    reporting: Vec<Vec<String>>,
    unnamed: HashSet<String>,
    data: HashSet<String>,
    bodies: HashSet<String>,
    saying: HashSet<String>,
    statements: HashSet<String>,
    published: HashSet<String>,
    gazettes: Vec<Vec<String>>,
    media: HashSet<String>,
    platforms: Vec<Vec<String>>,
    /// people.rs's given names and title heads: a subject that starts with
    /// one is a person, people.rs's to read.
    given: HashSet<String>,
    heads: HashSet<String>,
    participles: HashSet<String>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let t = &tables.sources;
        let set = |l: &[String]| l.iter().map(|s| arabic::normalize(s)).collect();
        Prepared {
            agencies: phrases(&t.agencies),
            attributions: phrases(&t.attributions),
            outlets: t
                .outlets
                .iter()
                .map(|o| (arabic::normalize(&o.head), o.answer_type.clone()))
                .collect(),
            websites: phrases(&t.websites),
            titles: phrases(&t.titles),
            sites: set(&t.sites),
            reporting: phrases(&t.reporting),
            unnamed: set(&t.unnamed),
            data: set(&t.data),
            bodies: set(&t.bodies),
            saying: set(&t.saying),
            statements: set(&t.statements),
            published: set(&t.published),
            gazettes: phrases(&t.gazettes),
            media: set(&t.media),
            platforms: phrases(&t.platforms),
            given: set(&tables.people.given),
            heads: set(&tables.people.heads),
            participles: PARTICIPLES.iter().map(|w| arabic::normalize(w)).collect(),
            stop: tables
                .people
                .stop
                .iter()
                .map(|s| arabic::normalize(s))
                .collect(),
        }
    })
}

/// Where something was said or shown, on a platform: «في تغريدة على
/// تويتر», «في تسجيل مصور على تويتر», «عبر تدوينة على فيسبوك». The answer
/// runs from the medium to the platform.
fn medium_at(doc: &Doc, p: &Prepared, t: usize, limit: usize) -> Option<Found> {
    let before = t.checked_sub(1).map(|b| doc.tokens[b].text.as_str());
    if !matches!(before, Some("في" | "عبر" | "ضمن")) || !p.media.contains(&doc.tokens[t].text)
    {
        return None;
    }
    // The medium and up to two words describing it, then «على» or «عبر».
    let on = (t + 1..limit.min(t + 4))
        .find(|&k| matches!(doc.tokens[k].text.as_str(), "علي" | "عبر" | "في"))?;
    if (t + 1..on).any(|k| doc.tokens[k].kind != TokenKind::Word) {
        return None;
    }
    let (end, _) = longest_at(doc, on + 1, &p.platforms)?;
    Some(Found::new(
        Kind::Source,
        "medium",
        t..end,
        t - 1..end,
        "medium on a platform",
    ))
}

/// A person named right after an attribution, set off by punctuation:
/// «وأقر الاجتماع، حسب سمير الطيب، عددا …» (a known given name and one or
/// two words more), or «حسب الطيب،» (the family name of someone the
/// article names in full).
fn person_after(
    doc: &Doc,
    p: &Prepared,
    at: usize,
    limit: usize,
) -> Option<std::ops::Range<usize>> {
    let word = |k: usize| {
        doc.tokens
            .get(k)
            .filter(|x| k < limit && x.kind == TokenKind::Word && !p.stop.contains(&x.text))
    };
    let set_off = |k: usize| doc.tokens.get(k).is_none_or(|x| x.kind == TokenKind::Punct);
    let first = word(at)?;
    if p.given.contains(&first.text)
        && let Some(last) = (at + 1..at + 3).take_while(|&k| word(k).is_some()).last()
    {
        return set_off(last + 1).then_some(at..last + 1);
    }
    // A family name alone: the same word after a known given name elsewhere.
    let full_elsewhere = (1..doc.tokens.len()).any(|k| {
        k != at && doc.tokens[k].text == first.text && p.given.contains(&doc.tokens[k - 1].text)
    });
    (set_off(at + 1) && doc.definite(at) && full_elsewhere).then_some(at..at + 1)
}

/// A quoted run at `t` (the opening mark): the tokens inside and the token
/// after the closing mark.
pub(super) fn quoted(doc: &Doc, t: usize, max: usize) -> Option<(std::ops::Range<usize>, usize)> {
    let open = doc.tokens.get(t)?;
    let close = match open.text.as_str() {
        "\"" => "\"",
        "«" => "»",
        _ => return None,
    };
    let end = (t + 1..doc.tokens.len().min(t + 2 + max)).find(|k| doc.tokens[*k].text == close)?;
    // «"بالتعامل …، قائلا "ارفعوا …"»: a straight mark that plainly opens
    // the next quotation (a space before it, none after) closes nothing.
    let opens_next = close == "\""
        && doc.tokens[end - 1].range.end != doc.tokens[end].range.start
        && doc.tokens.get(end + 1).is_some_and(|n| {
            n.range.start == doc.tokens[end].range.end && n.kind != TokenKind::Punct
        });
    (end > t + 1 && !opens_next).then_some((t + 1..end, end + 1))
}

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    let mut taken: HashSet<usize> = HashSet::new();
    for t in 0..doc.tokens.len() {
        let sentence = doc.sentence_of(t);
        if let Some(found) = medium_at(doc, p, t, sentence.end) {
            if taken.insert(found.answer.start) {
                out.push(found);
            }
            continue;
        }
        // An attribution, then (within a few words) a quoted or known source.
        if let Some((after, _)) = longest_at(doc, t, &p.attributions) {
            if let Some(name) = person_after(doc, p, after, sentence.end) {
                if taken.insert(name.start) {
                    out.push(Found::new(
                        Kind::Source,
                        "person",
                        name.clone(),
                        t..name.end,
                        "attribution to a person",
                    ));
                }
                continue;
            }
            for k in after..sentence.end.min(after + 8) {
                // «وكالة تسنيم»: the name is what follows the frame.
                if outlet_type(doc, p, k).is_some() && longest_at(doc, k + 1, &p.agencies).is_some()
                {
                    continue;
                }
                if let Some((end, clitic)) = longest_at(doc, k, &p.agencies) {
                    if taken.insert(k) {
                        out.push(
                            Found::new(Kind::Source, "agency", k..end, t..end, "attribution")
                                .clitic(clitic),
                        );
                    }
                    break;
                }
                // «نشرت … تقريرا بعنوان "…"»: a title, not a source.
                if longest_at(doc, k, &p.titles).is_some() {
                    break;
                }
                if let Some((inside, end)) = quoted(doc, k, 4) {
                    let known = longest_at(doc, inside.start, &p.agencies)
                        .is_some_and(|(e, _)| e == inside.end);
                    let frame = k.checked_sub(1).and_then(|f| outlet_type(doc, p, f));
                    if taken.insert(inside.start) {
                        let ty = frame.unwrap_or("agency");
                        let mut f =
                            Found::new(Kind::Source, ty, inside.clone(), t..end, "attribution");
                        if !known && frame.is_none() {
                            f = f.unsure("a quoted source not in the table: an agency?");
                        }
                        out.push(f);
                    }
                    break;
                }
            }
        }
        // An agency credited in parentheses: «بكين 11 يناير 2024 (شينخوا)».
        if doc.tokens[t].text == "("
            && let Some((end, _)) = longest_at(doc, t + 1, &p.agencies)
            && doc.tokens.get(end).is_some_and(|x| x.text == ")")
            && taken.insert(t + 1)
        {
            out.push(Found::new(
                Kind::Source,
                "agency",
                t + 1..end,
                t..end + 1,
                "agency credit",
            ));
        }
        // An outlet's frame: «صحيفة "نودون سينمون"», «وكالة الأناضول»,
        // «صحيفة (التايمز)», «راديو هيئة الإذاعة البريطانية (بي.بي.سي)».
        let site = doc.bare(t).iter().any(|(b, _)| p.sites.contains(b));
        let reported = ends_at(doc, t, &p.reporting);
        let frame = outlet_type(doc, p, t).or_else(|| site.then_some("outlet"));
        if let Some(ty) = frame {
            if let Some((inside, end)) = quoted(doc, t + 1, 5) {
                if taken.insert(inside.start) {
                    out.push(Found::new(Kind::Source, ty, inside, t..end, "outlet"));
                }
            } else if let Some((end, clitic)) = longest_at(doc, t + 1, &p.agencies) {
                if taken.insert(t + 1) {
                    out.push(
                        Found::new(Kind::Source, "agency", t + 1..end, t..end, "outlet")
                            .clitic(clitic),
                    );
                }
            } else if doc.tokens.get(t + 1).is_some_and(|x| x.text == "(")
                && let Some(close) =
                    (t + 2..doc.tokens.len().min(t + 7)).find(|k| doc.tokens[*k].text == ")")
                && close > t + 2
            {
                if taken.insert(t + 2) {
                    out.push(Found::new(
                        Kind::Source,
                        ty,
                        t + 2..close,
                        t..close + 1,
                        "outlet",
                    ));
                }
            } else if !site || reported {
                let end = doc.noun_phrase(t, sentence.end, 7);
                let clitic = doc
                    .bare(t)
                    .iter()
                    .find(|(b, _)| p.outlets.iter().any(|(h, _)| h == b) || p.sites.contains(b))
                    .map_or(0, |b| b.1);
                if end > t + 1 && taken.insert(t) {
                    out.push(Found::new(Kind::Source, ty, t..end, t..end, "outlet").clitic(clitic));
                }
            }
        }
        // «وقال مسؤول في وزارة الخارجية إن …», «ذكرت وزارة الخارجية أن …»:
        // who said it, when it is no person named (people.rs reads those).
        if let Some(found) = who_said(doc, p, t, sentence.end)
            && !out.iter().any(|f| f.answer.start == found.answer.start)
            && taken.insert(found.answer.start)
        {
            out.push(found);
        }
        if let Some(found) = according_to(doc, p, t, sentence.end)
            && !out.iter().any(|f| f.answer.start == found.answer.start)
            && taken.insert(found.answer.start)
        {
            out.push(found);
        }
        if let Some(found) = who_did(doc, p, t, sentence.end)
            && !out.iter().any(|f| f.answer.start == found.answer.start)
            && taken.insert(found.answer.start)
        {
            // «أصدرت الإدارة الأمريكية استبيانا جديدا»: and what it did, the
            // object right after the body's name, without the article.
            let object = found.answer.end;
            let end = doc.noun_phrase(object, sentence.end, 6);
            let chars: usize = (object..end)
                .map(|k| doc.tokens[k].text.chars().count())
                .sum();
            if end > object
                && !doc.definite(object)
                && !ADVERBS.contains(&doc.tokens[object].text.as_str())
                && chars >= 5
                && doc.tokens[object].kind == TokenKind::Word
                && !p.stop.contains(&doc.tokens[object].text)
            {
                out.push(Found::new(
                    Kind::Event,
                    "what happened",
                    object..end,
                    t..end,
                    "what a body did",
                ));
            }
            out.push(found);
        }
        // «قالت مصادر أمنية أمريكية»: unnamed, but described.
        if doc.bare(t).iter().any(|(b, _)| p.unnamed.contains(b)) && reported {
            let end = doc.noun_phrase(t, sentence.end, 5);
            if end > t + 1 && taken.insert(t) {
                out.push(Found::new(
                    Kind::Source,
                    "source",
                    t..end,
                    t.saturating_sub(1)..end,
                    "unnamed source",
                ));
            }
        }
        // «تشير بيانات إدارة معلومات الطاقة الأمريكية»: whose figures.
        // «بيانات نشرها المعهد الوطني للإحصاء»: who published them.
        if doc.bare(t).iter().any(|(b, _)| p.data.contains(b)) && !doc.definite(t) {
            let from = t + 1 + usize::from(published(doc, t + 1));
            let end = doc.noun_phrase(from, sentence.end, 6);
            if end > from + 1 && doc.definite(end - 1) && taken.insert(from) {
                out.push(Found::new(
                    Kind::Source,
                    "source",
                    from..end,
                    t..end,
                    "figures from",
                ));
            }
        }
        // «وفق المؤشرات النقدية والمالية اليومية للبنك», «حسب الأرقام
        // الرسمية»: the figures themselves, after an attribution.
        if ends_at(doc, t, &p.attributions)
            && doc.definite(t)
            && doc.bare(t).iter().any(|(b, _)| {
                b.strip_prefix("ال")
                    .is_some_and(|noun| p.data.contains(noun))
            })
        {
            // «حسب الأرقام الرسمية» says too little: whose, or which.
            let end = doc.noun_phrase(t, sentence.end, 6);
            if end > t + 2 && taken.insert(t) {
                out.push(Found::new(
                    Kind::Source,
                    "source",
                    t..end,
                    t.saturating_sub(1)..end,
                    "figures from",
                ));
            }
        }
        // «وتقول شاهدة لرويترز إنها …»: the agency someone spoke to.
        if let Some((end, 1)) = longest_at(doc, t, &p.agencies)
            && doc.tokens[t].text.starts_with('ل')
            && (t.saturating_sub(3)..t)
                .any(|k| doc.bare(k).iter().any(|(b, _)| p.saying.contains(b)))
            && taken.insert(t)
        {
            out.push(Found::new(Kind::Source, "agency", t..end, t..end, "told to").clitic(1));
        }
        // «أما حزب القطب فقد دعا إلى …»: a body named before what it said
        // («أما الجيش فقد قصف …» is no source).
        if doc.tokens[t].text == "اما" && doc.bare(t + 1).iter().any(|(b, _)| p.bodies.contains(b))
        {
            let end = doc.noun_phrase(t + 1, sentence.end, 5);
            // («فقد دعا», «فدعا»: the «ف» is a proclitic.)
            let said = (end..sentence.end.min(end + 3))
                .any(|k| doc.bare(k).iter().any(|(b, _)| p.saying.contains(b)));
            if end > t + 1
                && said
                && doc.tokens.get(end).is_some_and(|x| x.text.starts_with('ف'))
                && taken.insert(t + 1)
            {
                out.push(Found::new(
                    Kind::Source,
                    "source",
                    t + 1..end,
                    t..end + 1,
                    "who did it",
                ));
            }
        }
        // «في تصريح للجوهرة أف أم»: whom a statement was given to.
        if doc
            .bare(t)
            .iter()
            .any(|(b, _)| matches!(b.as_str(), "تصريح" | "تصريحات" | "حديث" | "مقابله" | "حوار"))
            && let Some(next) = doc.tokens.get(t + 1)
            && next.kind == TokenKind::Word
            && next.text.starts_with('ل')
            && next.text.chars().count() > 3
        {
            let end = doc.noun_phrase(t + 1, sentence.end, 5);
            // «للجوهرة أف أم»: a name without the article runs on a word or two.
            let mut end = end.max(t + 2);
            while end < sentence.end.min(t + 4)
                && doc.tokens[end].kind == TokenKind::Word
                && !doc.definite(end)
                && !p.stop.contains(&doc.tokens[end].text)
                && !matches!(doc.tokens[end].text.as_str(), "ان" | "انه" | "انها")
            {
                end += 1;
            }
            if taken.insert(t + 1) {
                out.push(Found::new(
                    Kind::Source,
                    "outlet",
                    t + 1..end,
                    t..end,
                    "a statement to",
                ));
            }
        }
        // «في بيان نشره الصندوق»: a statement and who put it out.
        if doc.bare(t).iter().any(|(b, _)| p.statements.contains(b))
            && doc
                .tokens
                .get(t + 1)
                .is_some_and(|x| p.published.contains(&x.text))
        {
            let end = doc.noun_phrase(t + 2, sentence.end, 5);
            if end > t + 2 && taken.insert(t) {
                let clitic = doc
                    .bare(t)
                    .iter()
                    .find(|(b, _)| p.statements.contains(b))
                    .map_or(0, |b| b.1);
                out.push(
                    Found::new(Kind::Source, "source", t..end, t..end, "a statement")
                        .clitic(clitic),
                );
            }
        }
        // Official gazettes: «صدر بالعدد الأخير للرائد الرسمي».
        if let Some((end, clitic)) = longest_at(doc, t, &p.gazettes)
            && taken.insert(t)
        {
            let end = doc.noun_phrase(t, sentence.end, 5).max(end);
            out.push(
                Found::new(Kind::Source, "newspaper", t..end, t..end, "gazette").clitic(clitic),
            );
        }
        // Official websites: «بالموقع الرسمي للكرملين».
        if let Some((after, clitic)) = longest_at(doc, t, &p.websites) {
            let owner = doc.tokens.get(after).filter(|x| {
                (x.text.starts_with("ل") || x.text.starts_with("ال")) && !p.stop.contains(&x.text)
            });
            if owner.is_some() && taken.insert(t) {
                out.push(
                    Found::new(
                        Kind::Source,
                        "outlet",
                        t..after + 1,
                        t..after + 1,
                        "website",
                    )
                    .clitic(clitic),
                );
            }
        }
        // What was written or chanted: «وكتب عليها "ترحيب حار بالرئيس بوتين"».
        let wrote = doc
            .bare(t)
            .iter()
            .any(|(b, _)| matches!(b.as_str(), "كتب" | "كتبت" | "رفعت" | "ردد" | "هتف"));
        if wrote {
            let mut k = t + 1;
            if doc
                .tokens
                .get(k)
                .is_some_and(|x| matches!(x.text.as_str(), "عليها" | "عليه" | "فيها" | "فيه"))
            {
                k += 1;
            }
            if let Some((inside, end)) = quoted(doc, k, 12) {
                out.push(Found::new(
                    Kind::Event,
                    "slogan",
                    inside,
                    t..end,
                    "written words",
                ));
            }
        }
        // Whose work: «شريط "آخر واحد فينا" لعلاء الدين سليم», «فيلم "جسد
        // غريب" لرجاء العماري».
        if doc.bare(t).iter().any(|(b, _)| WORKS.contains(&b.as_str()))
            && let Some((_, after)) = quoted(doc, t + 1, 8)
            && let Some(by) = doc.tokens.get(after)
            && by.kind == TokenKind::Word
            && by.text.starts_with('ل')
            && !by.text.starts_with("لل")
            && by.text.chars().count() >= 4
            && !p.stop.contains(&by.text)
            // «لأول مرة», «لمدة ساعتين», «لدار الجنوب»: only a person's name.
            && doc.bare(after).iter().any(|(b, c)| *c == 1 && p.given.contains(b))
        {
            let mut end = after + 1;
            while end < sentence.end.min(after + 3)
                && doc.tokens[end].kind == TokenKind::Word
                && !doc.definite(end)
                && !p.stop.contains(&doc.tokens[end].text)
                && !doc.tokens[end - 1].line_end
            {
                end += 1;
            }
            if taken.insert(after) {
                out.push(
                    Found::new(Kind::Role, "person", after..end, t..end, "whose work").clitic(1),
                );
            }
        }
        // Quoted titles: «بعنوان "…"»: the part after a colon, when there is one.
        if let Some((after, _)) = longest_at(doc, t, &p.titles)
            && let Some((inside, end)) = quoted(doc, after, 30)
        {
            let colon = inside.clone().find(|k| doc.tokens[*k].text == ":");
            let answer = match colon {
                Some(c) if c + 1 < inside.end => c + 1..inside.end,
                _ => inside.clone(),
            };
            out.push(Found::new(
                Kind::Source,
                "title",
                answer,
                t..end,
                "quoted title",
            ));
        }
    }
}

/// The subject of a verb of saying at `t`, with what was said after it:
/// «يقول محامون ومدافعون عن المهاجرين إن …».
fn who_said(doc: &Doc, p: &Prepared, t: usize, limit: usize) -> Option<Found> {
    let said = doc.bare(t).iter().any(|(b, _)| p.saying.contains(b));
    if !said {
        return None;
    }
    let start = t + 1;
    // Named people and titles are people.rs's; outlets and unnamed sources
    // have their own rules here.
    let first = doc.bare(start);
    let named = first
        .iter()
        .any(|(b, _)| p.given.contains(b) || p.outlets.iter().any(|(o, _)| o == b));
    // «وأضاف قائلا»: a participle of saying, no subject; «وأكدت الأمينة
    // العامة …»: a title, people.rs's.
    let titled = first.iter().any(|(b, _)| p.heads.contains(b));
    let unnamed = first.iter().any(|(b, _)| p.unnamed.contains(b));
    if named || (titled && !unnamed) || first.iter().any(|(b, _)| p.participles.contains(b)) {
        return None;
    }
    // «وأوضح بن تنفوس، خلال ندوة صحفية …، أن»: a family name alone, the
    // second time a person is named.
    if doc
        .tokens
        .get(start)
        .is_some_and(|x| matches!(x.text.as_str(), "بن" | "ابن" | "ابو"))
        && let Some(name) = doc.tokens.get(start + 1)
        && name.kind == TokenKind::Word
        && !doc.definite(start + 1)
        && !p.stop.contains(&name.text)
        && doc
            .tokens
            .get(start + 2)
            .is_some_and(|x| matches!(x.text.as_str(), "،" | "ان" | "انه" | "انها" | ":"))
    {
        return Some(Found::new(
            Kind::Source,
            "person",
            start..start + 2,
            t..start + 2,
            "who said it",
        ));
    }
    let body = doc
        .tokens
        .get(start)
        .is_some_and(|x| p.bodies.contains(&x.text));
    let end = speaker_end(doc, p, start, limit);
    // «ومدافعون عن المهاجرين»: a second group joined by «و».
    let chars: usize = (start..end)
        .map(|k| doc.tokens[k].text.chars().count())
        .sum();
    let then = (end..limit.min(end + 6)).any(|k| {
        matches!(
            doc.tokens[k].text.as_str(),
            "ان" | "انه" | "انها" | "انهم" | ":"
        )
    });
    (end > start && chars >= 5 && (then || (body && end > start + 1)))
        .then(|| Found::new(Kind::Source, "source", start..end, t..end, "who said it"))
}

/// Where the one who speaks, starting at `start`, ends: a body's name
/// («حركة مشروع تونس»), or a noun phrase; one word with where it works or
/// belongs («مسؤول في وزارة الخارجية», «قياديون في الحزب»).
fn speaker_end(doc: &Doc, p: &Prepared, start: usize, limit: usize) -> usize {
    let body = doc
        .tokens
        .get(start)
        .is_some_and(|x| p.bodies.contains(&x.text));
    let end = if body {
        body_name(doc, p, start, limit)
    } else {
        doc.noun_phrase(start, limit, 6)
    };
    if end == start + 1
        && !doc.definite(start)
        && doc.tokens.get(end).is_some_and(|x| x.text == "في")
    {
        let more = doc.noun_phrase(end + 1, limit, 4);
        if more > end + 1 {
            return more;
        }
    }
    end
}

/// Who made something known, after «حسب ما» and a verb: «حسب ما أعلن عنه
/// قياديون في الحزب», «وفق ما أكدته الأمينة العامة، مية الجريبي».
fn according_to(doc: &Doc, p: &Prepared, t: usize, limit: usize) -> Option<Found> {
    let word = |k: usize| doc.tokens.get(k).map_or("", |x| x.text.as_str());
    let frame = doc
        .bare(t)
        .iter()
        .any(|(b, _)| matches!(b.as_str(), "حسب" | "وفق"));
    let verb = if frame && word(t + 1) == "ما" {
        t + 2
    } else if doc
        .bare(t)
        .iter()
        .any(|(b, _)| matches!(b.as_str(), "حسبما" | "وفقما"))
    {
        t + 1
    } else {
        return None;
    };
    // The verb, with its object pronoun or not: «أعلن», «أكدته», «أوردته».
    let saying = doc.bare(verb).iter().any(|(b, _)| {
        p.saying.contains(b)
            || p.reporting.iter().any(|r| r.len() == 1 && r[0] == *b)
            || ["ه", "ها"].iter().any(|s| {
                b.strip_suffix(s)
                    .is_some_and(|v| p.saying.contains(v) || p.saying.contains(&format!("{v}ت")))
            })
    });
    if !saying {
        return None;
    }
    let mut start = verb + 1;
    if matches!(word(start), "عنه" | "عنها" | "به" | "بها" | "فيه" | "فيها") {
        start += 1;
    }
    let head = doc.tokens.get(start)?;
    if head.kind != TokenKind::Word || p.stop.contains(&head.text) || start >= limit {
        return None;
    }
    let mut end = speaker_end(doc, p, start, limit);
    // «الأمينة العامة المتخلية، مية الجريبي»: a title and, after a comma,
    // the name it belongs to.
    let participle = |k: usize| {
        doc.tokens.get(k).is_some_and(|x| {
            p.participles.contains(&x.text)
                || x.text
                    .strip_suffix('ه')
                    .is_some_and(|m| p.participles.contains(&format!("{m}ا")))
        })
    };
    if word(end) == "،"
        && doc.definite(start)
        && !participle(end + 1)
        && let Some(name_end) = (end + 2..limit.min(end + 5)).find(|k| {
            matches!(word(*k), "،" | "في" | "خلال" | "ان" | ".")
                && !doc.definite(end + 1)
                && (end + 1..*k).all(|n| {
                    doc.tokens[n].kind == TokenKind::Word && !p.stop.contains(&doc.tokens[n].text)
                })
        })
    {
        end = name_end;
    }
    let chars: usize = (start..end)
        .map(|k| doc.tokens[k].text.chars().count())
        .sum();
    let said = said_before(doc, t, end);
    (end > start && chars >= 5).then(|| {
        Found::new(
            Kind::Source,
            "source",
            start..end,
            said..end,
            "according to",
        )
    })
}

/// Where what was made known starts, before «حسب ما …» at token `t`
/// (whose source ends at `end`): the clause before it, or as much of its
/// end as a quote holds, from a word that opens a phrase («وإعادة»,
/// «بهدف», «لانتخاب»). «… المطروحة على مختلف الأحزاب، حسب ما أعلن عنه
/// ____» alone says nothing of what was announced.
fn said_before(doc: &Doc, t: usize, end: usize) -> usize {
    let Some(before) = t.checked_sub(1) else {
        return t;
    };
    let clause = doc.clauses[doc.clause_of(before)].clone();
    if clause.start < doc.sentence_of(t).start {
        return t;
    }
    let opens = |k: usize| {
        k == clause.start
            || doc.tokens[k].text.starts_with(['و', 'ب', 'ل'])
                && doc.tokens[k].kind == TokenKind::Word
    };
    let fits = |k: usize| doc.chars(k..end) <= super::text::QUOTE_CHARS;
    // A phrase joined by «و» first: «بـ» and «لـ» words may be inside an
    // idafa («المحاور الرئيسية لبرنامج عمله»).
    let joined = |k: usize| k == clause.start || doc.tokens[k].text.starts_with('و');
    (clause.start..before)
        .find(|&k| joined(k) && fits(k))
        .or_else(|| (clause.start..before).find(|&k| opens(k) && fits(k)))
        .unwrap_or(t)
}

/// Where the name of a body that starts at `start` ends: «الإدارة
/// الأمريكية», «حركة مشروع تونس» (a name without the article runs on a
/// few words), «حركة النهضة».
fn body_name(doc: &Doc, p: &Prepared, start: usize, limit: usize) -> usize {
    let mut end = doc.noun_phrase(start, limit, 6);
    // Only a head without the article takes a name after it: «الهيئة اثر
    // انقضاء …» is a body and what follows.
    if end == start + 1 && !doc.definite(start) {
        while end < limit.min(start + 4)
            && doc.tokens[end].kind == TokenKind::Word
            && !doc.definite(end)
            && !p.stop.contains(&doc.tokens[end].text)
            && !matches!(
                doc.tokens[end].text.as_str(),
                "ان" | "انه" | "انها" | "بيان"
            )
            && !doc.tokens[end - 1].line_end
        {
            end += 1;
        }
        if end == start + 1
            && doc.definite(end)
            && doc
                .tokens
                .get(end + 1)
                .is_none_or(|x| x.kind == TokenKind::Punct || p.stop.contains(&x.text))
        {
            end += 1;
        }
    }
    end
}

/// Who did something, when it is a body: the subject right after the
/// clause's first word, a verb («أصدرت الإدارة الأمريكية استبيانا»,
/// «ووافق مكتب الإدارة والميزانية يوم 23 ماي على …»).
fn who_did(doc: &Doc, p: &Prepared, t: usize, limit: usize) -> Option<Found> {
    let clause = &doc.clauses[doc.clause_of(t)];
    let tok = doc.tokens.get(t)?;
    // The verb: a clause's first word, without the article, no body or
    // stop word itself, and not a verb of saying (who_said reads those).
    if clause.start != t
        || tok.kind != TokenKind::Word
        || doc.definite(t)
        || p.bodies.contains(&tok.text)
        || doc
            .bare(t)
            .iter()
            .any(|(b, _)| p.stop.contains(b) || p.saying.contains(b))
        || tok.text.chars().count() < 3
        || matches!(tok.text.as_str(), "اما" | "وكانت" | "وكان" | "كانت" | "كان")
        || doc.bare(t).iter().any(|(b, _)| b == "ان")
    {
        return None;
    }
    // «وترشيد كتلة الأجور»: a verbal noun (تفعيل, or ending in «ة») heads a
    // phrase, no clause.
    let verbal_noun = doc.bare(t).iter().any(|(b, _)| {
        let c: Vec<char> = b.chars().collect();
        (c.len() == 5 && c[0] == 'ت' && c[3] == 'ي') || b.ends_with('ه') || b.ends_with("ات")
    });
    if verbal_noun {
        return None;
    }
    let start = t + 1;
    let head = doc.tokens.get(start)?;
    if !p.bodies.contains(&head.text) {
        return None;
    }
    let end = body_name(doc, p, start, limit);
    // A body alone («الحكومة») says too little: a name of two words or more.
    (end >= start + 2)
        .then(|| Found::new(Kind::Role, "organisation", start..end, t..end, "who did it"))
}

/// Whether a phrase of `list` ends right before token `t` (it starts one or
/// two tokens back): «نقله موقع …», «وفق المؤشرات …».
fn ends_at(doc: &Doc, t: usize, list: &[Vec<String>]) -> bool {
    (t.saturating_sub(2)..t).any(|k| longest_at(doc, k, list).is_some_and(|(e, _)| e == t))
}

/// Adverbs in the accusative, no object: «وأغلقت السلطات مؤقتا …».
pub(super) const ADVERBS: [&str; 18] = [
    "موقتا",
    "موخرا",
    "نهاييا",
    "فورا",
    "رسميا",
    "مجددا",
    "ايضا",
    "سابقا",
    "حاليا",
    "جزييا",
    "كليا",
    "تدريجيا",
    "علنيا",
    "مبدييا",
    "فعليا",
    "اليوم",
    "دايما",
    "كذلك",
];

/// Works of art and letters, named with their author after «ل».
const WORKS: [&str; 14] = [
    "فيلم",
    "الفيلم",
    "شريط",
    "الشريط",
    "روايه",
    "الروايه",
    "كتاب",
    "الكتاب",
    "مسرحيه",
    "المسرحيه",
    "البوم",
    "الالبوم",
    "اغنيه",
    "الاغنيه",
];

/// Participles of saying: «وأضاف قائلا» has no subject after.
const PARTICIPLES: [&str; 6] = ["قائلا", "مضيفا", "مؤكدا", "موضحا", "مشيرا", "معتبرا"];

/// The type of the outlet whose head word is at `t`, if any.
fn outlet_type(doc: &Doc, p: &Prepared, t: usize) -> Option<&'static str> {
    let bare = doc.bare(t);
    let (_, ty) = p
        .outlets
        .iter()
        .find(|(head, _)| bare.iter().any(|(b, _)| b == head))?;
    Some(match ty.as_str() {
        "newspaper" => "newspaper",
        "agency" => "agency",
        _ => "outlet",
    })
}

/// Whether token `t` is a verb that says who published what came before
/// («بيانات نشرها المعهد», «أرقام أصدرتها الوزارة»): a verb of
/// publishing with the pronoun that points back.
fn published(doc: &Doc, t: usize) -> bool {
    let Some(token) = doc.tokens.get(t) else {
        return false;
    };
    let Some(verb) = token
        .text
        .strip_suffix("ها")
        .or_else(|| token.text.strip_suffix('ه'))
    else {
        return false;
    };
    matches!(
        verb,
        "نشر"
            | "نشرت"
            | "اصدر"
            | "اصدرت"
            | "اعد"
            | "اعدت"
            | "اجري"
            | "اجرت"
            | "قدم"
            | "قدمت"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(text: &str) -> Vec<(String, String)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        out.iter()
            .map(|f| (f.answer_text(&doc), f.answer_type.clone()))
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn a_medium_on_a_platform_and_a_person_after_an_attribution() {
        assert_eq!(
            sources("ونشرت الشبكة القرار في تغريدة على تويتر."),
            [pair("تغريدة على تويتر", "medium")]
        );
        assert_eq!(
            sources("واعتذرت في تسجيل مصور على تويتر مساء أمس."),
            [pair("تسجيل مصور على تويتر", "medium")]
        );
        // The one who speaks ends before where he was: «بالقرب من …».
        assert_eq!(
            sources("وأشار مراسل رويترز بالقرب من الحادث إلى إنه شاهد سيارات شرطة."),
            [pair("مراسل رويترز", "source")]
        );
        // A medium with no platform is no source.
        assert!(sources("وجاء ذلك في رسالة إلى الوزير.").is_empty());
        // A person named in full, set off; then by the family name alone.
        assert_eq!(
            sources("وأقر الاجتماع، حسب سمير الطيب، عددا من الإجراءات. واتفق، حسب الطيب، على ذلك."),
            [pair("سمير الطيب", "person"), pair("الطيب", "person")]
        );
        // A family name no one in the article bears is not taken for one.
        assert!(
            !sources("وارتفعت الأسعار، حسب الخبراء، بنسبة كبيرة.")
                .iter()
                .any(|s| s.1 == "person")
        );
    }

    #[test]
    fn agencies_papers_websites_and_titles() {
        assert_eq!(
            sources("وفق ما أظهرت مشاهد نقلتها \"فرانس برس\" عن وسائل إعلام روسية رسمية."),
            [pair("فرانس برس", "agency")]
        );
        assert_eq!(
            sources("أن المعاهدة ستشمل التعاون الأمني، بحسب \"رويترز\"."),
            [pair("رويترز", "agency")]
        );
        assert_eq!(
            sources(
                "واستبق بوتين زيارته بنشر مقال في صحيفة \"نودون سينمون\" الكورية الشمالية بعنوان \"روسيا وجمهورية كوريا الديمقراطية الشعبية: آفاق الصداقة والتعاون عبر سنوات\"، تناول فيه"
            ),
            [
                pair("نودون سينمون", "newspaper"),
                pair("آفاق الصداقة والتعاون عبر سنوات", "title")
            ]
        );
        assert_eq!(
            sources("في مقاله الذي نشر نصه بالموقع الرسمي للكرملين الليلة الماضية."),
            [pair("الموقع الرسمي للكرملين", "outlet")]
        );
        assert_eq!(
            sources("ونقلت وكالة تسنيم الإيرانية للأنباء عن المتحدث باسم الخارجية."),
            [pair("تسنيم", "agency")]
        );
    }

    #[test]
    fn outlets_without_quotes_unnamed_sources_figures_and_statements() {
        assert_eq!(
            sources("وذكرت صحيفة (التايمز) أن العبيدي ربما عاد."),
            [pair("التايمز", "newspaper")]
        );
        assert_eq!(
            sources("وأضافت لراديو هيئة الإذاعة البريطانية (بي.بي.سي) أن"),
            [pair("راديو هيئة الإذاعة البريطانية (بي.بي.سي)", "outlet")]
        );
        // «موقع» is a place too: an outlet only after a verb of reporting.
        assert_eq!(
            sources("ونقله موقع القدس العربي عن الغنوشي."),
            [pair("موقع القدس العربي", "outlet")]
        );
        assert!(sources("وصلت الشرطة إلى موقع الحادث.").is_empty());
        assert_eq!(
            sources("وقالت مصادر أمنية أمريكية نقلا عن مسؤولين"),
            [pair("مصادر أمنية أمريكية", "source")]
        );
        assert_eq!(
            sources("وتشير بيانات إدارة معلومات الطاقة الأمريكية إلى"),
            [pair("إدارة معلومات الطاقة الأمريكية", "source")]
        );
        assert_eq!(
            sources("في بيان نشره الصندوق مساء الثلاثاء"),
            [pair("بيان نشره الصندوق", "source")]
        );
    }

    #[test]
    fn who_said_it_when_no_person_is_named() {
        assert_eq!(
            sources("وقال مسؤول في وزارة الخارجية أمس الأربعاء إن المسؤولين يحق لهم"),
            [pair("مسؤول في وزارة الخارجية", "source")]
        );
        assert_eq!(
            sources("وفي وقت سابق ذكرت وزارة الخارجية أن تشديد الفحص سيسري"),
            [pair("وزارة الخارجية", "source")]
        );
        // A body speaks for itself, with or without «أن» after.
        assert_eq!(
            sources("فقد أكدت حركة مشروع تونس في بيان دعمها للحكومة"),
            [pair("حركة مشروع تونس", "source")]
        );
        assert_eq!(
            sources("من جانبها اعتبرت الجبهة الشعبية، في بيان، أن الحرب ضرورية"),
            [pair("الجبهة الشعبية", "source")]
        );
        // A body that did something, right after the clause's verb.
        assert_eq!(
            sources("ووافق مكتب الإدارة والميزانية يوم 23 ماي على الأسئلة."),
            [pair("مكتب الإدارة والميزانية", "organisation")]
        );
        // «عبر» is also «via», and «وعلى» a preposition: no verb of saying
        // or doing before a body.
        assert!(sources("ويتم ذلك عبر وزارة الخارجية التونسية.").is_empty());
        assert!(sources("وعلى الحكومة التونسية أن تتحمل مسؤوليتها.").is_empty());
        // Not after a verbal noun, a particle or «أما».
        assert!(sources("وترشيد كتلة الأجور. فان الشركة التونسية للبنك حققت نموا.").is_empty());
        // A participle has no subject; a title is people.rs's.
        assert!(sources("وأضاف قائلا إن الحرب ضرورية").is_empty());
        assert!(sources("وأكدت الأمينة العامة للحزب أن الحرب ضرورية").is_empty());
        // Not without what was said, and not a person (people.rs's).
        assert!(sources("وقال مسؤول في الوزارة.").is_empty());
        assert!(sources("وقال دونالد ترامب إن بلاده ستنسحب").is_empty());
    }

    #[test]
    fn according_to_a_family_name_and_whose_work() {
        assert_eq!(
            sources("وستتواصل الأشغال يومين، حسب ما أعلن عنه قياديون في الحزب."),
            [pair("قياديون في الحزب", "source")]
        );
        assert_eq!(
            sources("وذلك وفق ما أكدته الأمينة العامة، مية الجريبي، في كلمتها."),
            [pair("الأمينة العامة، مية الجريبي", "source")]
        );
        // «حسب ما» and no verb of saying: no one made it known.
        assert!(sources("وزعت المساعدات حسب ما توفر من موارد.").is_empty());
        assert_eq!(
            sources("وأوضح بن سالم، خلال ندوة صحفية، أن البنك حقق أرباحا."),
            [pair("بن سالم", "person")]
        );
        assert_eq!(
            sources("وعرض شريط \"السفراء\" لسلمى بكار في الافتتاح."),
            [pair("سلمى بكار", "person")]
        );
        // A body that acted, and what it did.
        assert_eq!(
            sources("وأصدرت الإدارة الأمريكية استبيانا جديدا للمسافرين."),
            [
                pair("استبيانا جديدا للمسافرين", "what happened"),
                pair("الإدارة الأمريكية", "organisation")
            ]
        );
        assert!(sources("وعرض فيلم \"جسد غريب\" لأول مرة في تونس.").is_empty());
        assert!(
            sources("وذلك وفق ما أكدته الجمعية، موضحة أن الوضع صعب.")
                .iter()
                .all(|(a, _)| !a.contains("موضحة"))
        );
        // «للسينما» is «ل» and the article: no author.
        assert!(sources("وقدم فيلم \"نحبك هادي\" للسينما التونسية جائزة.").is_empty());
    }

    #[test]
    fn figures_bulletins_reports_and_whom_it_was_told_to() {
        assert_eq!(
            sources("وذلك وفق المؤشرات النقدية والمالية اليومية للبنك."),
            [pair("المؤشرات النقدية والمالية اليومية للبنك", "source")]
        );
        assert_eq!(
            sources("ارتفع التضخم، وفق بيانات نشرها المعهد الوطني للإحصاء أمس."),
            [pair("المعهد الوطني للإحصاء", "source")]
        );
        assert_eq!(
            sources("وفق نشرية أصدرها البنك المركزي التونسي، الثلاثاء."),
            [pair("نشرية أصدرها البنك المركزي التونسي", "source")]
        );
        assert_eq!(
            sources("وأفادت تقارير إخبارية متطابقة بأن ثلاث عمليات وقعت."),
            [pair("تقارير إخبارية متطابقة", "source")]
        );
        assert!(
            sources("وتقول شاهدة لرويترز إنها رأت ثلاثة أشخاص.").contains(&pair("رويترز", "agency"))
        );
        // «لرويترز» with no verb of saying before it is no one's source.
        assert!(sources("ووجهت الدعوة لرويترز وغيرها.").is_empty());
        assert_eq!(
            sources("أما حزب القطب فقد دعا إلى اتخاذ إجراءات."),
            [pair("حزب القطب", "source")]
        );
    }

    #[test]
    fn what_sources_are_not() {
        assert!(sources("أما الجيش فقد قصف مواقع المسلحين.").is_empty());
        assert!(sources("وذلك حسب الأرقام الرسمية.").is_empty());
        assert_eq!(
            sources("وقالت تقارير إعلامية فإن الانفجار وقع صباحا."),
            [pair("تقارير إعلامية", "source")]
        );
    }
}
