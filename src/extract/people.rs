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
    pub stop: Vec<String>,
    pub nationality_suffix: bool,
    pub former: Vec<String>,
}

/// The table in normalised form, with the places that end a name.
struct Prepared {
    heads: Vec<Vec<String>>,
    chains: HashSet<String>,
    counterparts: HashSet<String>,
    connectors: Vec<Vec<String>>,
    institutions: HashSet<String>,
    honorifics: HashSet<String>,
    stop: HashSet<String>,
    former: HashSet<String>,
    places: Vec<Vec<String>>,
    name_starts: HashSet<String>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let set = |l: &[String]| {
            l.iter()
                .map(|s| arabic::normalize(s))
                .collect::<HashSet<_>>()
        };
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
            counterparts: set(&["نظيره".to_owned(), "نظيرته".to_owned(), "نظيرها".to_owned()]),
            connectors: phrases(&t.connectors),
            institutions: set(&t.institutions),
            honorifics: set(&t.honorifics),
            stop: set(&t.stop),
            former: set(&t.former),
            places: phrases(&places),
            name_starts: set(&["عبد".to_owned(), "أبو".to_owned(), "ابن".to_owned()]),
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

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    let mut titles_in_sentence: Vec<Title> = Vec::new();
    let mut sentence = 0..0;
    let mut people: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < doc.tokens.len() {
        if !sentence.contains(&i) {
            sentence = doc.sentence_of(i);
            titles_in_sentence.clear();
        }
        let bare: Vec<String> = doc.bare(i).into_iter().map(|b| b.0).collect();
        if let Some((head_end, clitic)) = longest_at(doc, i, &p.heads) {
            let title = title_from(doc, p, i, clitic, head_end);
            if let Some(name) = name_at(doc, p, title.end, sentence.end) {
                let title_text = without_clitic(doc, title.start..title.core_end, title.clitic);
                let found = Found::new(
                    Kind::Role,
                    "person",
                    name.clone(),
                    title.start..name.end,
                    "role title + name",
                )
                .note(format!("role: {title_text}"));
                people.push((out.len(), doc.source_text(doc.token_span(name.clone()))));
                out.push(found);
                // The role, asked the other way, when it says more than one word.
                if title.core_end - title.start >= 2 {
                    out.push(
                        Found::new(
                            Kind::Role,
                            "role",
                            title.start..title.core_end,
                            title.start..name.end,
                            "role title + name",
                        )
                        .clitic(title.clitic),
                    );
                }
                titles_in_sentence.push(title.clone());
                i = name.end;
                continue;
            }
            titles_in_sentence.push(title.clone());
            i = title.end.max(i + 1);
            continue;
        }
        if bare.iter().any(|b| p.chains.contains(b)) {
            let descriptor = title_from(doc, p, i, 0, i + 1);
            if let Some(name) = name_at(doc, p, descriptor.end, sentence.end) {
                let word = doc.source_text(doc.token_span(i..i + 1));
                let found = match titles_in_sentence.last() {
                    Some(previous) => {
                        let role =
                            without_clitic(doc, previous.start..previous.core_end, previous.clitic);
                        Found::new(
                            Kind::Role,
                            "person",
                            name.clone(),
                            previous.start..name.end,
                            "deputy chain",
                        )
                        .note(format!("«{word}»: of the {role} named before"))
                    }
                    None => Found::new(
                        Kind::Role,
                        "person",
                        name.clone(),
                        i..name.end,
                        "deputy chain",
                    )
                    .unsure(format!("«{word}»: of someone named in an earlier sentence")),
                };
                people.push((out.len(), doc.source_text(doc.token_span(name.clone()))));
                out.push(found);
                i = name.end;
                continue;
            }
        }
        if bare.iter().any(|b| p.counterparts.contains(b)) {
            let descriptor = title_from(doc, p, i, 0, i + 1);
            if let Some(name) = name_at(doc, p, descriptor.end, sentence.end) {
                let found = Found::new(
                    Kind::Role,
                    "person",
                    name.clone(),
                    i..name.end,
                    "counterpart",
                )
                .unsure("a counterpart: whose? read the sentence before");
                people.push((out.len(), doc.source_text(doc.token_span(name.clone()))));
                out.push(found);
                i = name.end;
                continue;
            }
        }
        i += 1;
    }
    link_names(doc, out, &people);
}

/// The source text of tokens `range`, without the proclitic of the first.
fn without_clitic(doc: &Doc, range: Range<usize>, clitic: usize) -> String {
    let span = doc.token_span(range);
    doc.source_text((span.start + clitic)..span.end)
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
        if tok.kind != TokenKind::Word {
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
        let bare: Vec<String> = doc.bare(j).into_iter().map(|b| b.0).collect();
        if doc.definite(j) && !p.stop.contains(&tok.text) {
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
        let construct = after_connector && next_definite && !p.name_starts.contains(&tok.text);
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
/// honorific), or `None`.
fn name_at(doc: &Doc, p: &Prepared, mut j: usize, limit: usize) -> Option<Range<usize>> {
    if doc
        .tokens
        .get(j)
        .is_some_and(|t| t.text == "،" || t.text == ",")
    {
        j += 1;
    }
    // An honorific, perhaps in quotation marks: «"الرفيق"».
    loop {
        let tok = doc.tokens.get(j)?;
        if tok.text == "\""
            && doc
                .tokens
                .get(j + 1)
                .is_some_and(|t| p.honorifics.contains(&t.text))
        {
            j += if doc.tokens.get(j + 2).is_some_and(|t| t.text == "\"") {
                3
            } else {
                2
            };
            if doc.tokens.get(j).is_some_and(|t| t.text == "،") {
                j += 1;
            }
            continue;
        }
        if p.honorifics.contains(&tok.text) {
            j += 1;
            continue;
        }
        break;
    }
    let start = j;
    let mut end = j;
    while end < limit && end - start < 4 {
        let tok = &doc.tokens[end];
        if tok.kind != TokenKind::Word || p.stop.contains(&tok.text) {
            break;
        }
        let after_abd = end > start && p.name_starts.contains(&doc.tokens[end - 1].text);
        // «كمال الهادي،»: a last name with the article, when the name ends there.
        let last_of_name = end > start
            && doc
                .tokens
                .get(end + 1)
                .is_none_or(|n| n.kind == TokenKind::Punct)
            && longest_at(doc, end, &p.heads).is_none();
        if doc.definite(end) && !after_abd && !last_of_name {
            break;
        }
        if longest_at(doc, end, &p.places).is_some() || longest_at(doc, end, &p.heads).is_some() {
            break;
        }
        // A name written with the conjunction «و» is the next item of a list.
        if end > start && tok.text.starts_with('و') && doc.tokens[end - 1].line_end {
            break;
        }
        end += 1;
        if doc.tokens[end - 1].line_end {
            break;
        }
    }
    // Names are two words or more; four only with a connecting word (بن, آل).
    let len = end - start;
    let joined =
        (start..end).any(|k| matches!(doc.tokens[k].text.as_str(), "بن" | "ال" | "عبد" | "ابو"));
    if len >= 2 && (len <= 3 || joined) {
        Some(start..end)
    } else {
        None
    }
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
            let bare: Vec<String> = doc.bare(t).into_iter().map(|b| b.0).collect();
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
}
