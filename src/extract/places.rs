//! Places: where travel goes (وصل … إلى، زيارة دولة إلى، يتوجه إلى، to a
//! list of places too), what a visit verb names (زار بيونغ يانغ، فيتنام التي
//! زارها), where something happens (في أنحاء بيونغ يانغ), and venues (كنيسة …،
//! مطار "…").

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Doc, Found, Tables, TokenKind, longest_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/places.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub countries: Vec<String>,
    pub cities: Vec<String>,
    pub regions: Vec<String>,
    pub continents: Vec<String>,
    pub travel: Vec<String>,
    pub visit: Vec<String>,
    pub venues: Vec<Venue>,
    pub born: Vec<String>,
    pub from: Vec<String>,
    pub returned: Vec<String>,
    pub speeches: Vec<String>,
    pub named_for: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Venue {
    pub head: String,
    #[serde(rename = "type")]
    pub answer_type: String,
}

struct Prepared {
    /// Every place, longest first, with its type.
    places: Vec<(Vec<String>, &'static str)>,
    travel: HashSet<String>,
    visit: HashSet<String>,
    venues: Vec<(String, String)>,
    stop: HashSet<String>,
    born: Vec<Vec<String>>,
    from: Vec<Vec<String>>,
    returned: HashSet<String>,
    speeches: HashSet<String>,
    named_for: HashSet<String>,
    /// The adjectives of the countries' people (normalised): «المغربي»,
    /// «التونسيه».
    nationalities: HashSet<String>,
    /// Titles and professions with the article: «الشاعر», «الرئيس».
    people: HashSet<String>,
}

/// Whether the normalised word `name` is a place of the tables on its own
/// («باريس», «قرطاج»).
pub fn is_place(tables: &Tables, name: &str) -> bool {
    prepared(tables)
        .places
        .iter()
        .any(|(words, _)| words.len() == 1 && words[0] == name)
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let t = &tables.places;
        let set = |l: &[String]| {
            l.iter()
                .map(|s| arabic::normalize(s))
                .collect::<HashSet<_>>()
        };
        let mut places = Vec::new();
        for (list, ty) in [
            (&t.cities, "city"),
            (&t.countries, "country"),
            (&t.regions, "region"),
            (&t.continents, "continent"),
        ] {
            places.extend(phrases(list).into_iter().map(|p| (p, ty)));
        }
        places.sort_by_key(|place| std::cmp::Reverse(place.0.len()));
        Prepared {
            places,
            travel: set(&t.travel),
            visit: set(&t.visit),
            venues: t
                .venues
                .iter()
                .map(|v| (arabic::normalize(&v.head), v.answer_type.clone()))
                .collect(),
            stop: set(&tables.people.stop),
            born: phrases(&t.born),
            from: phrases(&t.from),
            returned: set(&t.returned),
            speeches: set(&t.speeches),
            named_for: set(&t.named_for),
            nationalities: t
                .countries
                .iter()
                .filter(|c| !c.contains(' '))
                .flat_map(|c| nationality(&arabic::normalize(c)))
                .collect(),
            people: tables
                .people
                .heads
                .iter()
                .map(|h| arabic::normalize(h))
                .filter(|h| h.starts_with("ال") && !h.contains(' '))
                .collect(),
        }
    })
}

/// The adjective of a country's people, normalised, both genders:
/// «المغرب» → «المغربي», «المغربيه»; «فرنسا» → «الفرنسي»; «السعوديه» →
/// «السعودي».
fn nationality(country: &str) -> Vec<String> {
    let stem = country.strip_prefix("ال").unwrap_or(country);
    let stem = stem
        .strip_suffix("يا")
        .or_else(|| stem.strip_suffix("يه"))
        .or_else(|| stem.strip_suffix('ا'))
        .or_else(|| stem.strip_suffix('ه'))
        .unwrap_or(stem);
    if stem.chars().count() < 2 {
        return Vec::new();
    }
    vec![format!("ال{stem}ي"), format!("ال{stem}يه")]
}

/// The place at token `t`: (end, proclitic chars, type).
fn place_at(doc: &Doc, p: &Prepared, t: usize) -> Option<(usize, usize, &'static str)> {
    p.places.iter().find_map(|(phrase, ty)| {
        doc.phrase_at(t, phrase)
            .map(|(end, clitic)| (end, clitic, *ty))
    })
}

/// Like [`place_at`], preferring type `like` for a name that is two kinds
/// of place (تونس, الجزائر: a country in a list of countries).
fn place_like(
    doc: &Doc,
    p: &Prepared,
    t: usize,
    like: Option<&'static str>,
) -> Option<(usize, usize, &'static str)> {
    let first = place_at(doc, p, t)?;
    let preferred = like.and_then(|ty| {
        p.places
            .iter()
            .filter(|(_, kind)| *kind == ty)
            .find_map(|(phrase, kind)| {
                doc.phrase_at(t, phrase)
                    .map(|(end, clitic)| (end, clitic, *kind))
            })
    });
    Some(
        preferred
            .filter(|found| found.0 == first.0)
            .unwrap_or(first),
    )
}

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    let mut taken: HashSet<usize> = HashSet::new();
    // (title, nationality) asked once: «الرئيس الأمريكي» twice is one fact.
    let mut nationals: HashSet<(String, String)> = HashSet::new();
    for t in 0..doc.tokens.len() {
        let bare: Vec<String> = doc.bare(t).iter().map(|b| b.0.clone()).collect();
        let clause = doc.clauses[doc.clause_of(t)].clone();
        let sentence = doc.sentence_of(t);
        // Travel to places: «… إلى هانوي», «إلى كل من إيطاليا، وصربيا».
        // The first «إلى» followed by a place: «إلى المنطقة، …، إلى بيروت».
        let to = (t + 1..sentence.end.min(t + 16))
            .filter(|k| doc.tokens[*k].text == "الي")
            .find(|k| {
                place_at(doc, p, k + 1).is_some()
                    || doc.tokens.get(k + 1).is_some_and(|x| x.text == "كل")
            });
        // «زيارة مصر وتونس»: the visit's places in a construct, without «إلى».
        let construct =
            bare.iter().any(|b| b == "زياره" || b == "زيارات") && place_at(doc, p, t + 1).is_some();
        let to = if construct { Some(t) } else { to };
        if bare.iter().any(|b| p.travel.contains(b))
            && let Some(to) = to
        {
            let mut k = to + 1;
            if doc.tokens.get(k).is_some_and(|x| x.text == "كل")
                && doc.tokens.get(k + 1).is_some_and(|x| x.text == "من")
            {
                k += 2;
            }
            place_list(doc, p, k, t, "travel destination", &mut taken, out);
        }
        // A visit verb and its object: «زار … بيونغ يانغ».
        if bare.iter().any(|b| p.visit.contains(b)) {
            let before = t >= 2 && matches!(doc.tokens[t - 1].text.as_str(), "التي" | "الذي");
            if before
                && let Some((start, _, ty)) = (clause.start..t - 1).rev().find_map(|k| {
                    place_at(doc, p, k)
                        .filter(|(end, _, _)| *end == t - 1)
                        .map(|(_, c, ty)| (k, c, ty))
                })
            {
                if taken.insert(start) {
                    out.push(Found::new(
                        Kind::Place,
                        ty,
                        start..t - 1,
                        start..t + 1,
                        "place visited",
                    ));
                }
            } else if let Some(k) =
                (t + 1..sentence.end.min(t + 9)).find(|k| place_at(doc, p, *k).is_some())
            {
                // One place, or a list: «شملت عمان ودمشق».
                place_list(doc, p, k, t, "place visited", &mut taken, out);
            }
        }
        // Where: «في أنحاء بيونغ يانغ», «في فيتنام».
        if doc.tokens[t].text == "في" {
            let mut k = t + 1;
            if doc
                .tokens
                .get(k)
                .is_some_and(|x| matches!(x.text.as_str(), "انحاء" | "مدينه" | "العاصمه"))
            {
                k += 1;
            }
            // Any place: «في ليبيا» in «كانوا يشتغلون في ليبيا» is where.
            if let Some((end, clitic, ty)) = place_at(doc, p, k)
                && taken.insert(k)
            {
                out.push(
                    Found::new(Kind::Place, ty, k..end, t..end, "place of an event").clitic(clitic),
                );
            }
        }
        // The same with «ب» glued: «انعقدت الأربعاء بتونس», «وبصفاقس»;
        // not where «ب» is what a word governs (مقارنة بتونس، اعترفت
        // بفلسطين، أشاد بالجزائر).
        let governs_b = t > 0
            && doc.bare(t - 1).iter().any(|(b, _)| {
                GOVERN_B
                    .iter()
                    .any(|g| b == g || b.strip_suffix('ت') == Some(*g))
            });
        if !governs_b
            && let Some((end, clitic, ty)) = place_at(doc, p, t)
            && (1..=2).contains(&clitic)
            && doc.tokens[t]
                .text
                .chars()
                .take(clitic)
                .last()
                .is_some_and(|c| c == 'ب')
            && taken.insert(t)
        {
            out.push(
                Found::new(Kind::Place, ty, t..end, t..end, "place of an event").clitic(clitic),
            );
        }
        // Where someone was born or comes from: «ولد في مانشستر»,
        // «انطلاقا من ليبيا», «عاد إلى بريطانيا من ليبيا».
        let origin = longest_at(doc, t, &p.born)
            .or_else(|| longest_at(doc, t, &p.from))
            .map(|(end, _)| end)
            .or_else(|| {
                bare.iter().any(|b| p.returned.contains(b)).then(|| {
                    (t + 1..clause.end.min(t + 6))
                        .find(|k| doc.tokens[*k].text == "من")
                        .map(|k| k + 1)
                })?
            });
        if let Some(k) = origin {
            let place = place_at(doc, p, k);
            let place = place.or_else(|| {
                // A place the table does not know, by the shape of a name.
                let end = doc.noun_phrase(k, clause.end, 3);
                (end > k && !doc.definite(k) && bare.iter().all(|b| !p.returned.contains(b)))
                    .then_some((end, 0, "city"))
            });
            if let Some((end, clitic, ty)) = place
                && taken.insert(k)
            {
                out.push(Found::new(Kind::Place, ty, k..end, t..end, "where from").clitic(clitic));
            }
        }
        // «الشاعر المغربي محمد بنيس»: a person's country, by the adjective
        // after their title.
        if let Some(title) = bare.iter().find(|b| p.people.contains(*b))
            && let Some(adjective) = doc
                .tokens
                .get(t + 1)
                .filter(|x| p.nationalities.contains(&x.text))
            && nationals.insert((title.clone(), adjective.text.clone()))
            && taken.insert(t + 1)
        {
            // The quote runs on to the person's name, if one follows (the
            // question asks after them by it).
            let end = name_after(doc, t + 2, sentence.end).map_or(t + 2, |name| name.end);
            out.push(Found::new(
                Kind::Place,
                "nationality",
                t + 1..t + 2,
                t..end,
                "a nationality",
            ));
        }
        // «كما أقر ذلك مؤتمر سوسة»: where a meeting named for its place
        // was held.
        if bare.iter().any(|b| p.named_for.contains(b))
            && let Some((end, 0, ty)) = place_at(doc, p, t + 1)
            && taken.insert(t + 1)
        {
            out.push(Found::new(
                Kind::Place,
                ty,
                t + 1..end,
                t..end,
                "named for its place",
            ));
        }
        // «بروين حبيب (من البحرين)»: where someone comes from, in brackets.
        if doc.tokens[t].text == "("
            && doc.tokens.get(t + 1).is_some_and(|x| x.text == "من")
            && let Some((end, clitic, ty)) = place_at(doc, p, t + 2)
            && doc.tokens.get(end).is_some_and(|x| x.text == ")")
            && taken.insert(t + 2)
        {
            let start = t.saturating_sub(3).max(sentence.start);
            out.push(
                Found::new(Kind::Place, ty, t + 2..end, start..end + 1, "where from")
                    .clitic(clitic),
            );
        }
        // «(تونس، المغرب، الجزائر …)»: the places a list in brackets names.
        if doc.tokens[t].text == "("
            && let Some(close) =
                (t + 1..sentence.end.min(t + 40)).find(|k| doc.tokens[*k].text == ")")
            && let Some(found) = bracketed_places(doc, p, t + 1..close, &taken)
        {
            out.push(found);
        }
        // «من أصل ليبي»: an origin.
        if doc.tokens[t].text == "اصل"
            && t > 0
            && doc.tokens[t - 1].text == "من"
            && doc.tokens.get(t + 1).is_some_and(|x| {
                x.kind == TokenKind::Word && x.text.ends_with('ي') && !doc.definite(t + 1)
            })
        {
            out.push(Found::new(
                Kind::Place,
                "origin",
                t + 1..t + 2,
                t - 1..t + 2,
                "an origin",
            ));
        }
        // «في كلمة له أمام مجلس الشيوخ الإيطالي»: before whom.
        if bare.iter().any(|b| p.speeches.contains(b))
            && let Some(k) =
                (t + 1..sentence.end.min(t + 6)).find(|k| doc.tokens[*k].text == "امام")
        {
            let end = doc.noun_phrase(k + 1, sentence.end, 5);
            if end > k + 1 && taken.insert(k + 1) {
                out.push(Found::new(
                    Kind::Place,
                    "venue",
                    k + 1..end,
                    t..end,
                    "before whom",
                ));
            }
        }
        // The kind of a visit: «زيارة دولة», «زيارة رسمية».
        // (Singular only: «زيارات عمل» beside a «زيارة عمل» option would be
        // the same answer.)
        if bare.iter().any(|b| b == "زياره")
            && doc
                .tokens
                .get(t + 1)
                .is_some_and(|x| matches!(x.text.as_str(), "دوله" | "رسميه" | "عمل" | "خاصه"))
        {
            let clitic = doc
                .bare(t)
                .iter()
                .find(|(b, _)| b == "زياره")
                .map_or(0, |b| b.1);
            out.push(
                Found::new(Kind::Event, "visit", t..t + 2, t..t + 2, "kind of visit")
                    .clitic(clitic)
                    .unsure("a state visit is also an official one: add to also_true what the article makes true"),
            );
        }
        // Regions named anywhere: «ومقاطعتي زابوريجيا وخيرسون».
        if let Some((end, clitic, "region")) = place_at(doc, p, t)
            && taken.insert(t)
        {
            out.push(
                Found::new(Kind::Place, "region", t..end, t..end, "region named").clitic(clitic),
            );
        }
        // Venues: «كنيسة ثالوث واهب الحياة», «مطار "فوستوتشني"».
        if let Some((_, ty)) = p.venues.iter().find(|(head, _)| bare.contains(head))
            && let Some(f) = venue(doc, p, t, ty)
        {
            out.push(f);
        }
    }
}

/// Three places or more between brackets, with at most one word in four
/// the tables do not know (a spelling of their own: «موريطانيا»): one
/// finding, the whole list (a question asks which countries took part).
fn bracketed_places(
    doc: &Doc,
    p: &Prepared,
    inside: std::ops::Range<usize>,
    taken: &HashSet<usize>,
) -> Option<Found> {
    let (mut known, mut unknown) = (0, 0);
    let mut k = inside.start;
    while k < inside.end {
        if let Some((end, _, _)) = place_at(doc, p, k) {
            if taken.contains(&k) {
                return None;
            }
            known += 1;
            k = end;
        } else if doc.tokens[k].kind == TokenKind::Word {
            unknown += 1;
            k += 1;
        } else {
            return None;
        }
        while k < inside.end && matches!(doc.tokens[k].text.as_str(), "،" | ",") {
            k += 1;
        }
    }
    // Quoted from the start of its clause: the brackets alone say nothing
    // of what the places are a list of.
    let start = doc.clauses[doc.clause_of(inside.start)]
        .start
        .min(inside.start - 1);
    (known >= 3 && unknown * 4 <= known).then(|| {
        Found::new(
            Kind::Place,
            "list",
            inside.clone(),
            start..inside.end + 1,
            "places in brackets",
        )
    })
}

/// A person's name from token `k` on, before `limit`, past adjectives with
/// the article and quotation marks: «الكبير "محمد بنيس"» → «محمد بنيس»; one
/// to three words without the article, none of them a word that cannot be
/// part of a name (`people.toml`'s `stop`: «أن», «يوم», «أمس» …).
pub(super) fn name_after(doc: &Doc, mut k: usize, limit: usize) -> Option<std::ops::Range<usize>> {
    let stop = &prepared(Tables::get()).stop;
    let quote_mark = |k: usize| matches!(doc.tokens[k].text.as_str(), "\"" | "«" | "»");
    while k < limit && (quote_mark(k) || (doc.tokens[k].kind == TokenKind::Word && doc.definite(k)))
    {
        k += 1;
    }
    let start = k;
    while k < limit
        && k < start + 3
        && doc.tokens[k].kind == TokenKind::Word
        && !doc.definite(k)
        && !stop.contains(&doc.tokens[k].text)
        // «وفنانين مغاربة»: what «و» joins is someone else (a name that
        // starts with the letter, «وليد», is missed: the draft then asks to
        // fill in the blank).
        && !doc.tokens[k].text.starts_with('و')
    {
        k += 1;
    }
    (k > start).then_some(start..k)
}

/// Words that govern «ب» (the verb also with «ت»): a place after them is
/// what they take, not where something happens.
const GOVERN_B: [&str; 14] = [
    "مقارنه",
    "اعترف",
    "اشاد",
    "رحب",
    "ندد",
    "علاقه",
    "اتصل",
    "التحق",
    "تمسك",
    "نوه",
    "التقي",
    "احتفل",
    "تعلق",
    "اهتم",
];

/// The places from token `k` on, one or a list joined by «،» and «و»: each
/// a finding of `rule`, proved from the trigger at `t`. A name that is two
/// kinds of place takes the kind of the list's first (تونس among countries).
fn place_list(
    doc: &Doc,
    p: &Prepared,
    mut k: usize,
    t: usize,
    rule: &'static str,
    taken: &mut HashSet<usize>,
    out: &mut Vec<Found>,
) {
    let mut like = None;
    while let Some((end, clitic, ty)) = place_like(doc, p, k, like) {
        like = like.or(Some(ty));
        if taken.insert(k) {
            out.push(Found::new(Kind::Place, ty, k..end, t..end, rule).clitic(clitic));
        }
        k = end;
        while doc
            .tokens
            .get(k)
            .is_some_and(|x| x.text == "،" || x.text == "و")
        {
            k += 1;
        }
    }
}

fn venue(doc: &Doc, p: &Prepared, t: usize, ty: &str) -> Option<Found> {
    let tok = |k: usize| doc.tokens.get(k);
    let clitic = doc
        .bare(t)
        .iter()
        .find(|(b, _)| p.venues.iter().any(|(h, _)| h == b))?
        .1;
    // A quoted name right after the head is the venue's name.
    if tok(t + 1).is_some_and(|x| x.text == "\"") && tok(t + 3).is_some_and(|x| x.text == "\"") {
        let spaceport =
            (t + 3..doc.tokens.len().min(t + 12)).any(|k| doc.tokens[k].text == "الفضايي");
        let ty = if spaceport { "venue.spaceport" } else { ty };
        return Some(Found::new(
            Kind::Place,
            ty,
            t + 2..t + 3,
            t..t + 4,
            "venue name",
        ));
    }
    let limit = doc.sentence_of(t).end;
    let mut end = doc.noun_phrase(t, limit, 6);
    // «للمشاركة»: a word with a preposition and the article starts what
    // the place is for, not its name.
    let joined = |k: usize| {
        tok(k).is_some_and(|x| {
            ["لل", "بال", "وال", "فال", "كال"]
                .iter()
                .any(|c| x.plain.starts_with(c))
        })
    };
    while end > t + 1 && joined(end - 1) {
        end -= 1;
    }
    // «قاعة حفلات مانشستر أرينا», «ولاية سيدي بوزيد»: a name without the
    // article runs on.
    if end == t + 1 || !doc.definite(end - 1) {
        while end < limit.min(t + 4)
            && tok(end).is_some_and(|x| {
                x.kind == TokenKind::Word
                    && !p.stop.contains(&x.text)
                    && !doc.definite(end)
                    && !x.text.starts_with('و')
                    && !joined(end)
            })
        {
            end += 1;
        }
    }
    (end > t + 1).then(|| {
        Found::new(Kind::Place, ty, t..end, t..end, "venue")
            .clitic(clitic)
            .unsure("where the venue's name ends is a guess")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(text: &str) -> Vec<(String, String)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        out.iter()
            .map(|f| (f.answer_text(&doc), f.answer_type.clone()))
            .collect()
    }

    #[test]
    fn nationalities_origins_lists_in_brackets_and_meetings_named_for_a_place() {
        let found = places("وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية.");
        assert!(
            found.contains(&("الروسي".to_owned(), "nationality".to_owned())),
            "{found:?}"
        );
        // Once per title and country.
        let found = places("قال الرئيس الأمريكي إن … وأضاف الرئيس الأمريكي أن …");
        assert_eq!(found.iter().filter(|f| f.1 == "nationality").count(), 1);
        // Not after a word that is no person: «البنك المركزي التونسي».
        assert!(
            places("وقال البنك المركزي التونسي إن النمو ضعيف.")
                .iter()
                .all(|f| f.1 != "nationality")
        );
        assert_eq!(
            places("وصفت الناقدة بروين حبيب (من البحرين) المهرجان."),
            [("البحرين".to_owned(), "country".to_owned())]
        );
        let found = places("بمشاركة شعراء من (تونس، المغرب، الجزائر، موريطانيا، لبنان والعراق).");
        assert!(
            found.contains(&(
                "تونس، المغرب، الجزائر، موريطانيا، لبنان والعراق".to_owned(),
                "list".to_owned()
            )),
            "{found:?}"
        );
        // Two places are no list, and brackets of words are none at all.
        assert!(places("(تونس والمغرب)").iter().all(|f| f.1 != "list"));
        assert!(places("(في إطار الدورة الأولى للمهرجان)").is_empty());
        assert_eq!(
            places("كما أقر ذلك مؤتمر سوسة."),
            [("سوسة".to_owned(), "city".to_owned())]
        );
        // An agreement's name says nothing of where it was signed.
        assert!(places("ستنسحب الولايات المتحدة من اتفاقية باريس للمناخ.").is_empty());
    }

    #[test]
    fn travel_visits_and_events() {
        assert_eq!(
            places(
                "وفي ساعة متأخرة من مساء يوم غد، سيبدأ بوتين زيارة دولة إلى هانوي، حيث سيعقد محادثات."
            ),
            [
                ("هانوي".to_owned(), "city".to_owned()),
                ("زيارة دولة".to_owned(), "visit".to_owned())
            ]
        );
        assert_eq!(
            places("وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء."),
            [
                ("كوريا الشمالية".to_owned(), "country".to_owned()),
                ("الروسي".to_owned(), "nationality".to_owned())
            ]
        );
        assert_eq!(
            places("يشرع الوزير في زيارات عمل إلى كل من إيطاليا، وصربيا، وألمانيا."),
            [
                ("إيطاليا".to_owned(), "country".to_owned()),
                ("صربيا".to_owned(), "country".to_owned()),
                ("ألمانيا".to_owned(), "country".to_owned())
            ]
        );
        assert_eq!(
            places("يعتزم الوزير زيارة مصر وتونس في الفترة من 13 يناير."),
            [
                ("مصر".to_owned(), "country".to_owned()),
                ("تونس".to_owned(), "country".to_owned())
            ]
        );
        assert_eq!(
            places("بعد جولة قام بها مولر شملت عمان ودمشق، وهي الثالثة."),
            [
                ("عمان".to_owned(), "city".to_owned()),
                ("دمشق".to_owned(), "city".to_owned())
            ]
        );
        assert_eq!(
            places("وصل المبعوث الخاص إلى المنطقة، فرانك مولر، إلى بيروت مساء أمس."),
            [("بيروت".to_owned(), "city".to_owned())]
        );
        assert_eq!(
            places("زار وزير الخارجية الروسي سيرغي لافروف هو الآخر بيونغ يانغ."),
            [("بيونغ يانغ".to_owned(), "city".to_owned())]
        );
        assert_eq!(
            places("محادثات مع أعلى المسؤولين السياسيين في فيتنام التي زارها لآخر في عام 2017."),
            [("فيتنام".to_owned(), "country".to_owned())]
        );
        assert_eq!(
            places("عُلّقت لافتات ضخمة على أعمدة إنارة في أنحاء بيونغ يانغ تحمل صورة"),
            [("بيونغ يانغ".to_owned(), "city".to_owned())]
        );
    }

    #[test]
    fn venues_by_head_word() {
        // The towns of the region's press, and a venue of culture news.
        assert_eq!(
            places("وانتظمت التظاهرة في صفاقس، ثم تنقلت إلى دار الثقافة ابن رشيق."),
            [
                ("صفاقس".to_owned(), "city".to_owned()),
                ("دار الثقافة".to_owned(), "venue".to_owned())
            ]
        );
        assert_eq!(
            places(
                "وفي طريق العودة إلى المطار، سيزور بوتين كنيسة ثالوث واهب الحياة، وهي الكنيسة الأرثوذكسية."
            ),
            [(
                "كنيسة ثالوث واهب الحياة".to_owned(),
                "venue.church".to_owned()
            )]
        );
        assert_eq!(
            places(
                "وحينها اصطحبه بوتين إلى مطار \"فوستوتشني\" (\"الشرقي\") الفضائي الواقع في أقصى شرق البلاد."
            ),
            [("فوستوتشني".to_owned(), "venue.spaceport".to_owned())]
        );
        let answers =
            |text: &str| -> Vec<String> { places(text).into_iter().map(|p| p.0).collect() };
        assert_eq!(
            answers("في ندوة صحفية عقدها اليوم بمقر مجلس نواب الشعب بباردو، أن"),
            ["مقر مجلس نواب الشعب بباردو"]
        );
        assert_eq!(
            answers("هو منفذ التفجير في قاعة حفلات مانشستر أرينا عقب انتهاء حفل"),
            ["قاعة حفلات مانشستر أرينا"]
        );
        // Units of a country and built places: their name without the
        // article runs on; what the place is for is no part of it.
        assert_eq!(
            answers("وكشف الطبيب اصيل معتمدية الرقاب من ولاية سيدي بوزيد أن"),
            ["معتمدية الرقاب", "ولاية سيدي بوزيد"]
        );
        assert_eq!(
            answers("ثم ينتقل بسيارة إلى مبنى الكابيتول للمشاركة في مراسم التنصيب"),
            ["مبنى الكابيتول"]
        );
    }

    #[test]
    fn where_someone_comes_from_and_before_whom_they_spoke() {
        let answers =
            |text: &str| -> Vec<String> { places(text).into_iter().map(|p| p.0).collect() };
        assert_eq!(
            answers("إن عبيدي ولد في مانشستر عام 1994 لأبوين من أصل ليبي"),
            ["مانشستر", "ليبي"]
        );
        assert_eq!(
            answers("أن العبيدي ربما عاد إلى بريطانيا من ليبيا في الآونة الأخيرة"),
            ["بريطانيا", "ليبيا"]
        );
        assert_eq!(
            answers("العمليات التي حدثت تم التخطيط لها إنطلاقا من ليبيا"),
            ["ليبيا"]
        );
        assert_eq!(
            answers("وفي كلمة له الاربعاء، أمام مجلس الشيوخ الإيطالي قال"),
            ["مجلس الشيوخ الإيطالي"]
        );
        // A country after «في» is where, and so is a continent.
        assert_eq!(
            answers("أكثر من نصف مليون تونسي كانوا يشتغلون في ليبيا"),
            ["ليبيا"]
        );
        assert_eq!(answers("وتنتشر الظاهرة في أفريقيا"), ["أفريقيا"]);
    }

    #[test]
    fn a_town_with_the_preposition_glued() {
        assert_eq!(
            places("وانعقدت الندوة الأربعاء بصفاقس بحضور الوالي."),
            [("صفاقس".to_owned(), "city".to_owned())]
        );
        assert_eq!(
            places("وانعقدت الندوة ببريطانيا."),
            [("بريطانيا".to_owned(), "country".to_owned())]
        );
        assert!(places("ونما الاقتصاد مقارنة بتونس.").is_empty());
        // «لتونس» is no «in».
        assert!(places("وقدم البنك العربي لتونس نتائجه.").is_empty());
    }
}
