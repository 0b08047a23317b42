//! Numbers with their units (70 عاما، سبعة عقود، مرة واحدة), documents
//! (معاهدة "…"، اتفاقية التعاون الاقتصادي والثقافي) and organisations from a
//! table (مجلس الأمن الدولي).

use std::collections::HashSet;
use std::sync::OnceLock;

use serde::Deserialize;

use super::{Doc, Found, Tables, TokenKind, longest_at, phrases};
use crate::arabic;
use crate::facts::Kind;

/// `tables/numbers.toml`.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub units: Vec<String>,
    pub words: Vec<String>,
    pub counts: Vec<String>,
    pub documents: Vec<String>,
    pub articles: Vec<String>,
    pub scales: Vec<String>,
    pub fractions: Vec<String>,
    pub ordinals: Vec<String>,
    pub parts_of_day: Vec<String>,
    pub ranks: Vec<String>,
    pub superlatives: Vec<String>,
    pub editions: Vec<String>,
    pub ordinal_words: Vec<String>,
    pub ordinal_tens: Vec<String>,
}

struct Prepared {
    units: Vec<Vec<String>>,
    words: HashSet<String>,
    counts: Vec<Vec<String>>,
    documents: Vec<Vec<String>>,
    articles: HashSet<String>,
    organisations: Vec<Vec<String>>,
    stop: HashSet<String>,
    scales: Vec<Vec<String>>,
    fractions: HashSet<String>,
    ordinals: Vec<Vec<String>>,
    parts_of_day: Vec<Vec<String>>,
    ranks: HashSet<String>,
    superlatives: HashSet<String>,
    editions: HashSet<String>,
    ordinal_words: HashSet<String>,
    ordinal_tens: HashSet<String>,
    /// Cities and countries: a document may be named after one.
    places: Vec<Vec<String>>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let t = &tables.things;
        let set =
            |l: &[String]| -> HashSet<String> { l.iter().map(|w| arabic::normalize(w)).collect() };
        Prepared {
            units: phrases(&t.units),
            words: set(&t.words),
            counts: phrases(&t.counts),
            documents: phrases(&t.documents),
            articles: set(&t.articles),
            organisations: phrases(&tables.sources.organisations),
            stop: set(&tables.people.stop),
            scales: phrases(&t.scales),
            fractions: set(&t.fractions),
            ordinals: phrases(&t.ordinals),
            parts_of_day: phrases(&t.parts_of_day),
            ranks: set(&t.ranks),
            superlatives: set(&t.superlatives),
            editions: set(&t.editions),
            ordinal_words: set(&t.ordinal_words),
            ordinal_tens: set(&t.ordinal_tens),
            places: phrases(
                &tables
                    .places
                    .cities
                    .iter()
                    .chain(&tables.places.countries)
                    .cloned()
                    .collect::<Vec<_>>(),
            ),
        }
    })
}

pub fn find(doc: &Doc, tables: &Tables, out: &mut Vec<Found>) {
    let p = prepared(tables);
    // Numbers that are part of a date are not quantities.
    let in_dates: HashSet<usize> = out
        .iter()
        .filter(|f| f.kind == Kind::Date)
        .flat_map(|f| f.answer.clone())
        .collect();
    let mut documents: Vec<std::ops::Range<usize>> = Vec::new();
    let mut t = 0;
    while t < doc.tokens.len() {
        if let Some(found) = quantity(doc, p, &in_dates, t) {
            t = found.answer.end.max(t + 1);
            out.push(found);
            continue;
        }
        if let Some(found) = time_or_age(doc, p, t) {
            t = found.answer.end.max(t + 1);
            out.push(found);
            continue;
        }
        t = things_at(doc, p, t, &mut documents, out);
    }
}

/// A number at `t`: digits with their decimal part («2.5», «1,3», and
/// «9ر3», the Tunisian agency's 3.9, read right to left), a number
/// word («أربعة»), or a fraction of a scale («نصف مليون»): (end, proclitic).
fn number_at(
    doc: &Doc,
    p: &Prepared,
    in_dates: &HashSet<usize>,
    t: usize,
) -> Option<(usize, usize)> {
    let tok = doc.tokens.get(t)?;
    if tok.kind == TokenKind::Number {
        if in_dates.contains(&t) || tok.text.len() > 6 {
            return None;
        }
        let mut end = t + 1;
        // A decimal or thousands part, written without spaces.
        if let (Some(mark), Some(next)) = (doc.tokens.get(end), doc.tokens.get(end + 1))
            && matches!(mark.text.as_str(), "." | "," | "ر")
            && next.kind == TokenKind::Number
            && mark.range.start == tok.range.end
            && next.range.start == mark.range.end
        {
            end += 2;
        }
        if let Some((scale_end, _)) = longest_at(doc, end, &p.scales) {
            end = scale_end;
        }
        return Some((end, 0));
    }
    // «أربعة», and «الخمس» in «الخمس سنوات الماضية».
    let word = doc.bare(t).iter().find(|(b, _)| {
        p.words.contains(b) || b.strip_prefix("ال").is_some_and(|w| p.words.contains(w))
    });
    if let Some((_, clitic)) = word {
        return Some((t + 1, *clitic));
    }
    // «حوالي ألف مهاجر»: a scale alone is a number.
    if let Some((end, 0)) = longest_at(doc, t, &p.scales)
        && t > 0
        && matches!(
            doc.tokens[t - 1].text.as_str(),
            "حوالي" | "نحو" | "قرابه" | "زهاء" | "اكثر" | "من"
        )
    {
        return Some((end, 0));
    }
    let (_, clitic) = doc.bare(t).iter().find(|(b, _)| p.fractions.contains(b))?;
    let (end, _) = longest_at(doc, t + 1, &p.scales)?;
    Some((end, *clitic))
}

/// A quantity at `t`: a number with its unit («70 عاما», «2.5%», «سبعة
/// عقود»), a range («ما بين 26 و28 في المائة»), what is counted («أربعة
/// انتحاريين», «نصف مليون تونسي»), or a rank («ثاني أكبر مصدر»).
fn quantity(doc: &Doc, p: &Prepared, in_dates: &HashSet<usize>, t: usize) -> Option<Found> {
    let before = |k: usize| {
        t.checked_sub(k)
            .map_or(String::new(), |i| doc.tokens[i].text.clone())
    };
    // «ثاني أكبر مصدر»
    if doc.bare(t).iter().any(|(b, _)| p.ranks.contains(b))
        && doc
            .tokens
            .get(t + 1)
            .is_some_and(|n| p.superlatives.contains(&n.text))
        && doc
            .tokens
            .get(t + 2)
            .is_some_and(|n| n.kind == TokenKind::Word && !p.stop.contains(&n.text))
    {
        return Some(Found::new(
            Kind::Number,
            "rank",
            t..t + 3,
            t..t + 3,
            "a rank",
        ));
    }
    // «بين 26 و28 في المائة»
    if doc.bare(t).iter().any(|(b, _)| b == "بين")
        && let Some((first, _)) = number_at(doc, p, in_dates, t + 1)
        && doc.tokens.get(first).is_some_and(|x| x.text == "و")
        && let Some((second, _)) = number_at(doc, p, in_dates, first + 1)
    {
        let start = if before(1) == "ما" { t - 1 } else { t };
        let end = longest_at(doc, second, &p.units).map_or(second, |(e, _)| e);
        return Some(Found::new(
            Kind::Number,
            "number",
            start..end,
            start..end,
            "a range",
        ));
    }
    // «خمسة إلى ستة أشخاص», «4 او 5ر4 بالمائة»: two values of one
    // quantity (not «من 3 إلى 5», which is a change).
    if before(1) != "من"
        && let Some((first_end, _)) = number_at(doc, p, in_dates, t)
        && doc
            .tokens
            .get(first_end)
            .is_some_and(|x| matches!(x.text.as_str(), "الي" | "او"))
        && let Some((second_end, _)) = number_at(doc, p, in_dates, first_end + 1)
    {
        let counted_end = longest_at(doc, second_end, &p.units)
            .map(|(e, _)| e)
            .or_else(|| {
                doc.tokens.get(second_end).and_then(|n| {
                    (n.kind == TokenKind::Word
                        && !p.stop.contains(&n.text)
                        && !doc.definite(second_end)
                        && n.text.chars().count() >= 3)
                        .then_some(second_end + 1)
                })
            });
        if let Some(end) = counted_end {
            return Some(Found::new(
                Kind::Number,
                "number",
                t..end,
                t..end,
                "two values of a quantity",
            ));
        }
    }
    let (end, clitic) = number_at(doc, p, in_dates, t)?;
    let word = doc.tokens[t].kind != TokenKind::Number;
    // «حوالي 2000 موطن شغل»: after a word of estimate, a number is a count
    // whatever the case of what it counts (hundreds and thousands take it
    // in the genitive).
    let estimate = matches!(before(1).as_str(), "نحو" | "حوالي" | "قرابه" | "زهاء");
    // «أكثر من 1000 موظف», «ما يزيد عن 300 شخص»: a bound.
    let bound = (before(1) == "من"
        && matches!(before(2).as_str(), "اكثر" | "لاكثر" | "اقل" | "لاقل"))
        || (matches!(before(1).as_str(), "عن" | "علي")
            && matches!(before(2).as_str(), "يزيد" | "يفوق" | "يقل"));
    // Hundreds and thousands count a singular in the genitive («1000
    // موظف», «300 شخص»).
    let hundreds = doc.tokens[t]
        .text
        .parse::<u32>()
        .is_ok_and(|v| v >= 100 && v % 100 == 0);
    let counted = if let Some((unit_end, _)) = longest_at(doc, end, &p.units) {
        Some((unit_end, "number and unit"))
    } else {
        // What is counted: an indefinite noun after a number word or a
        // scale («أربعة انتحاريين»); after digits, one in the accusative
        // («28 عاما»).
        doc.tokens.get(end).and_then(|n| {
            let noun = n.kind == TokenKind::Word
                && !p.stop.contains(&n.text)
                && !doc.definite(end)
                && n.text.chars().count() >= 3;
            // 3 to 10 count a plural («6 اتفاقيات»); 11 and more a singular
            // in the accusative («28 عاما», «30 مسيرة»).
            let small = doc.tokens[t]
                .text
                .parse::<u32>()
                .is_ok_and(|v| (3..=10).contains(&v));
            let accusative = n.text.ends_with('ا') || n.text.ends_with('ه');
            (noun && (word || end > t + 1 || accusative || small || estimate || bound || hundreds))
                .then_some((end + 1, "number and what it counts"))
        })
    };
    // «حوالي 2000 من صغار مربي الماشية»: an estimate of a part of those
    // named after «من»; the answer is the number.
    let counted = counted.or_else(|| {
        (estimate
            && doc.tokens.get(end).is_some_and(|x| x.text == "من")
            && (end + 1..doc.noun_phrase(end + 1, doc.tokens.len(), 4)).any(|k| doc.definite(k)))
        .then_some((end, "an estimate of a part"))
    });
    let (mut end, rule) = counted?;
    // «ثلاثة كيلومترات ونصف»: the fraction after is part of the quantity.
    if doc
        .tokens
        .get(end)
        .is_some_and(|x| matches!(x.text.as_str(), "ونصف" | "وربع" | "وثلث"))
    {
        end += 1;
    }
    let mut f = Found::new(Kind::Number, "number", t..end, t..end, rule).clitic(clitic);
    // «أكثر من سبعة عقود»: a bound, so the neighbouring values below (or
    // above) it are true too.
    if estimate || bound {
        f = f.unsure("a bound or an estimate: add the values it makes true to also_true");
    }
    Some(f)
}

/// An hour («الثامنة صباحا», «على الساعة السادسة مساء») or an age («في
/// الثامنة من العمر»).
fn time_or_age(doc: &Doc, p: &Prepared, t: usize) -> Option<Found> {
    let (end, clitic) = longest_at(doc, t, &p.ordinals)?;
    if let Some((day_end, _)) = longest_at(doc, end, &p.parts_of_day) {
        return Some(
            Found::new(Kind::Date, "time", t..day_end, t..day_end, "an hour").clitic(clitic),
        );
    }
    let after = |k: usize| doc.tokens.get(end + k).map(|x| x.text.as_str());
    if after(0) == Some("من") && matches!(after(1), Some("العمر" | "عمره" | "عمرها"))
    {
        let start = if t > 0 && doc.tokens[t - 1].text == "في" {
            t - 1
        } else {
            t
        };
        return Some(Found::new(
            Kind::Number,
            "age",
            start..end + 2,
            start..end + 2,
            "an age",
        ));
    }
    None
}

/// A feminine noun in the dual at `t` («واجهتين», «دولتان»), with an
/// adjective that agrees: the token after.
fn dual(doc: &Doc, p: &Prepared, t: usize) -> Option<usize> {
    let is_dual = |k: usize| {
        doc.tokens.get(k).is_some_and(|x| {
            x.kind == TokenKind::Word
                && !doc.definite(k)
                && !p.stop.contains(&x.text)
                && x.text.chars().count() >= 6
                && (x.text.ends_with("تين") || x.text.ends_with("تان"))
                // «أفغانستان», «بوتين»: a country or a name.
                && !x.text.ends_with("ستان")
                && !x.text.ends_with("وتين")
                && longest_at(doc, k, &p.places).is_none()
        })
    };
    if !is_dual(t)
        || doc
            .tokens
            .get(t + 1)
            .is_some_and(|x| doc.definite(t + 1) && x.kind == TokenKind::Word)
    {
        return None;
    }
    Some(if is_dual(t + 1) { t + 2 } else { t + 1 })
}

/// A name in Latin letters in parentheses at `t` («(ATB MOBILE)») after an
/// Arabic word: the closing parenthesis.
fn latin_name(doc: &Doc, t: usize) -> Option<usize> {
    if doc.tokens.get(t)?.text != "(" || t == 0 {
        return None;
    }
    let before = &doc.tokens[t - 1];
    if before.kind != TokenKind::Word || before.text.chars().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let close = (t + 2..doc.tokens.len().min(t + 6)).find(|k| doc.tokens[*k].text == ")")?;
    let latin = (t + 1..close).all(|k| {
        let x = &doc.tokens[k].text;
        // The tokenizer splits «.», «-» and «&» off: «(S.T.E.G)» is no name.
        x.chars().any(|c| c.is_ascii_alphabetic()) && x.chars().all(|c| c.is_ascii_alphanumeric())
    });
    latin.then_some(close)
}

/// An edition or session by its ordinal at `t`: «الدورة السبعين», «المؤتمر
/// الوطني السادس», «الدورة الحادية والعشرين», «الدورة 21»; the token after.
fn edition(doc: &Doc, p: &Prepared, t: usize) -> Option<usize> {
    if !doc.bare(t).iter().any(|(b, _)| p.editions.contains(b)) {
        return None;
    }
    let limit = doc.sentence_of(t).end;
    // A number is an ordinal only with nothing counted after it («البطولة
    // 16 فريقا» counts teams; «للدورة 16 لمهرجان موازين» is what it is an
    // edition of, with «ل»); «عشر» alone is a count («عشرة أيام»).
    let ordinal = |k: usize| {
        let counted = doc.tokens.get(k + 1).is_some_and(|n| {
            n.kind == TokenKind::Word
                && !doc.definite(k + 1)
                && !p.stop.contains(&n.text)
                && (!n.text.starts_with('ل') || n.text.ends_with('ا'))
        });
        doc.tokens.get(k).is_some_and(|x| {
            (x.kind == TokenKind::Number && x.text.len() <= 3 && !counted)
                || p.ordinal_words.contains(&x.text)
                || (p.ordinal_tens.contains(&x.text) && x.text.starts_with("ال"))
        })
    };
    // Up to two adjectives between: «الوطني», «الدولي».
    let k = (t + 1..limit.min(t + 4)).find(|k| ordinal(*k))?;
    if (t + 1..k).any(|a| !doc.definite(a) || p.stop.contains(&doc.tokens[a].text)) {
        return None;
    }
    let mut end = k + 1;
    // «الحادية عشرة», «الحادية والعشرين».
    if end < limit
        && doc.tokens[k].kind == TokenKind::Word
        && doc.bare(end).iter().any(|(b, c)| {
            p.ordinal_tens.contains(b) && (*c == 0 || doc.tokens[end].text.starts_with('و'))
        })
    {
        end += 1;
    }
    Some(end)
}

/// Counts, documents, fields and organisations at `t`; returns the next token.
fn things_at(
    doc: &Doc,
    p: &Prepared,
    t: usize,
    documents: &mut Vec<std::ops::Range<usize>>,
    out: &mut Vec<Found>,
) -> usize {
    // «مرة واحدة», «مرتين».
    if let Some((end, clitic)) = longest_at(doc, t, &p.counts) {
        out.push(Found::new(Kind::Number, "count", t..end, t..end, "count").clitic(clitic));
        return t + 1;
    }
    // «يشمل واجهتين», «بين دولتين جارتين»: a feminine noun in the dual
    // counts two (its adjective agrees).
    if let Some(end) = dual(doc, p, t) {
        // «ومراهقتان»: «و» is a conjunction when what is left is a long
        // word still («واجهتين» keeps its «و»).
        let clitic = usize::from(
            doc.tokens[t].text.starts_with('و') && doc.tokens[t].text.chars().count() >= 8,
        );
        out.push(Found::new(Kind::Number, "count", t..end, t..end, "a dual").clitic(clitic));
        return end;
    }
    // A name in Latin letters after the Arabic one: «خدمة البنك على الخط
    // (ATBNET)», «هيكل مصادقة معتمد (TUV)».
    if let Some(close) = latin_name(doc, t) {
        let start = doc.clauses[doc.clause_of(t)].start.max(t.saturating_sub(4));
        out.push(Found::new(
            Kind::Event,
            "name",
            t + 1..close,
            start..close + 1,
            "a name in Latin letters",
        ));
        return close + 1;
    }
    if let Some(end) = edition(doc, p, t) {
        let clitic = doc
            .bare(t)
            .iter()
            .find(|(b, _)| p.editions.contains(b))
            .map_or(0, |b| b.1);
        out.push(Found::new(Kind::Number, "edition", t..end, t..end, "an edition").clitic(clitic));
        return end;
    }
    // An article of a law: «الفصل السابع من قانون الأحزاب».
    if let Some((_, clitic)) = doc.bare(t).iter().find(|(b, _)| p.articles.contains(b))
        && doc
            .tokens
            .get(t + 1)
            .is_some_and(|x| x.kind == TokenKind::Number || doc.definite(t + 1))
        && doc.tokens.get(t + 2).is_some_and(|x| x.text == "من")
    {
        let limit = doc.sentence_of(t).end;
        let end = doc.noun_phrase(t + 3, limit, 5);
        if end > t + 3 {
            out.push(
                Found::new(Kind::Document, "law", t..end, t..end, "article of a law")
                    .clitic(*clitic),
            );
            return end;
        }
    }
    // Documents: «"معاهدة شراكة استراتيجية شاملة"», «اتفاقية التعاون …»,
    // «قرار الهيئة العليا المستقلة للانتخابات».
    if let Some((after, clitic)) = longest_at(doc, t, &p.documents) {
        // «مذكرة تفاهم في مجال النقل البحري»
        let field = doc.tokens.get(after).is_some_and(|x| x.text == "في")
            && doc.tokens.get(after + 1).is_some_and(|x| x.text == "مجال");
        let name_start = if field { after + 2 } else { after };
        let limit = doc.sentence_of(t).end;
        let quoted_name = t > 0 && doc.tokens[t - 1].text == "\"";
        // «اتفاقية باريس لمكافحة تغير المناخ»: named after a place.
        let place_name = longest_at(doc, after, &p.places).is_some();
        let end = if quoted_name || field || place_name {
            let mut end = name_start;
            while end < limit && end - name_start < 5 {
                let x = &doc.tokens[end];
                let future_verb = x.text.starts_with("سي") || x.text.starts_with("ست");
                // «… التكميلي لسنة 2016»: the year is a fact of its own.
                let of_year = matches!(x.text.as_str(), "لسنه" | "لعام" | "سنه" | "عام")
                    && doc
                        .tokens
                        .get(end + 1)
                        .is_some_and(|y| y.kind == TokenKind::Number);
                if x.kind != TokenKind::Word || p.stop.contains(&x.text) || future_verb || of_year {
                    break;
                }
                end += 1;
            }
            end
        } else {
            let end = doc.noun_phrase(t, limit, 7).max(after);
            // «خطة للتشجيع على التداول الزراعي»: a masdar after «ل» takes
            // its complement.
            let masdar = doc.tokens[end - 1].text.starts_with("لل");
            let preposition = doc
                .tokens
                .get(end)
                .is_some_and(|x| matches!(x.text.as_str(), "علي" | "في" | "من" | "الي" | "عن"));
            let complement = doc.noun_phrase(end + 1, limit, 4);
            if masdar && preposition && complement > end + 1 {
                complement
            } else {
                end
            }
        };
        // A name after the head; or a head that names a kind in itself
        // (مذكرة تفاهم).
        let end = if end > name_start {
            Some(end)
        } else {
            (after - t >= 2).then_some(after)
        };
        if let Some(end) = end {
            documents.push(t..end);
            let quoted = t > 0
                && doc.tokens[t - 1].text == "\""
                && doc.tokens.get(end).is_some_and(|x| x.text == "\"");
            let mut f =
                Found::new(Kind::Document, "treaty", t..end, t..end, "document").clitic(clitic);
            if !quoted {
                f = f.unsure("where the document's name ends is a guess");
            }
            out.push(f);
        }
        return t + 1;
    }
    // A field of cooperation: «التعاون الأمني», «التعاون العسكري - التقني».
    if doc.bare(t).iter().any(|(b, _)| b == "التعاون") && !documents.iter().any(|d| d.contains(&t))
    {
        let mut end = t + 1;
        if end < doc.tokens.len() && doc.definite(end) && !p.stop.contains(&doc.tokens[end].text) {
            end += 1;
            if doc.tokens.get(end).is_some_and(|x| x.text == "-")
                && end + 1 < doc.tokens.len()
                && doc.definite(end + 1)
            {
                end += 2;
            }
            let clitic = doc
                .bare(t)
                .iter()
                .find(|(b, _)| b == "التعاون")
                .map_or(0, |b| b.1);
            out.push(
                Found::new(
                    Kind::Event,
                    "domain",
                    t..end,
                    t..end,
                    "field of cooperation",
                )
                .clitic(clitic),
            );
            return t + 1;
        }
    }
    // Documents issued: «أصدر بوتين أمراً رئاسياً».
    let issued = doc
        .bare(t)
        .iter()
        .any(|(b, _)| matches!(b.as_str(), "اصدر" | "اصدرت" | "وقع" | "وقعت"));
    let document = (t + 1..doc.tokens.len().min(t + 4)).find(|k| {
        matches!(
            doc.tokens[*k].text.as_str(),
            "امرا"
                | "مرسوما"
                | "قرارا"
                | "بيانا"
                | "تقريرا"
                | "استبيانا"
                | "قانونا"
                | "منشورا"
                | "بلاغا"
        )
    });
    if issued && let Some(k) = document {
        // With its adjective: «أمراً رئاسياً».
        let adjective = doc
            .tokens
            .get(k + 1)
            .is_some_and(|x| x.kind == TokenKind::Word && x.text.ends_with("يا"));
        let end = if adjective { k + 2 } else { k + 1 };
        out.push(Found::new(
            Kind::Document,
            "document.order",
            k..end,
            t..end,
            "document issued",
        ));
    }
    // Organisations of the table, each where it is first named: the one an
    // article is about is named again and again.
    let named = |k: usize| {
        longest_at(doc, k, &p.organisations).map(|(e, clitic)| {
            let span = doc.token_span(k..e);
            doc.source_text(span.start.saturating_add(clitic).min(span.end)..span.end)
        })
    };
    if let Some((end, clitic)) = longest_at(doc, t, &p.organisations)
        && let Some(name) = named(t)
        && !(0..t).any(|k| named(k).as_ref() == Some(&name))
    {
        out.push(
            Found::new(Kind::Event, "organisation", t..end, t..end, "organisation").clitic(clitic),
        );
    }
    t + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn things(text: &str) -> Vec<(String, String, bool)> {
        let doc = Doc::new(text);
        let mut out = Vec::new();
        find(&doc, Tables::get(), &mut out);
        out.iter()
            .map(|f| (f.answer_text(&doc), f.answer_type.clone(), f.review))
            .collect()
    }

    #[test]
    fn numbers_counts_documents_and_organisations() {
        let t = things(
            "لحضور مراسم الاحتفال بذكرى مرور 70 عاما على انتهاء الحرب، وتمتد لأكثر من سبعة عقود.",
        );
        assert_eq!(t[0].0, "70 عاما");
        assert_eq!(
            (t[1].0.as_str(), t[1].2),
            ("سبعة عقود", true),
            "«أكثر من»: a bound"
        );
        assert!(!t[0].2);
        assert_eq!(
            things("لم يزر كوريا الشمالية سوى مرة واحدة حتى الآن")[0].0,
            "مرة واحدة"
        );
        let d =
            things("موسكو تتطلع إلى توقيع \"معاهدة شراكة استراتيجية شاملة\" مع كوريا الشمالية.");
        assert_eq!(
            d[0],
            (
                "معاهدة شراكة استراتيجية شاملة".to_owned(),
                "treaty".to_owned(),
                false
            )
        );
        // A masdar after «ل» takes its complement.
        let d = things("بالإضافة إلى إقرار خطة للتشجيع على التداول الزراعي، بهدف تحسين الإنتاج.");
        assert_eq!(d[0].0, "خطة للتشجيع على التداول الزراعي");
        let d = things(
            "تعملان حاليا على إعداد اتفاقية حكومية شاملة ستحل، في حال توقيعها، محل الاتفاقيات.",
        );
        assert_eq!(
            d[0],
            ("اتفاقية حكومية شاملة".to_owned(), "treaty".to_owned(), true)
        );
        let d = things("شهدت التوقيع على اتفاقية التعاون الاقتصادي والثقافي بين البلدين.");
        assert_eq!(d[0].0, "اتفاقية التعاون الاقتصادي والثقافي");
        let f = things(
            "أن المعاهدة ستشمل التعاون الأمني، بتصدر ملفات التعاون العسكري - التقني جدول أعمال الزيارة",
        );
        assert_eq!(
            (f[0].0.as_str(), f[1].0.as_str()),
            ("التعاون الأمني", "التعاون العسكري - التقني")
        );
        assert_eq!(
            things("وعشية الزيارة، أصدر بوتين أمراً رئاسياً قال فيه")[0].0,
            "أمراً رئاسياً"
        );
        let o = things("نظام العقوبات الذي يطبقه مجلس الأمن الدولي بحق بيونغ يانغ");
        assert_eq!(o[0].0, "مجلس الأمن الدولي");
    }

    fn answers(text: &str) -> Vec<String> {
        things(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn percentages_ranges_counts_hours_ages_and_ranks() {
        assert_eq!(
            answers("ان تصل نسبة النمو الى 2.5% لكامل سنة 2017، مقابل 1.3 % في سنة 2016"),
            ["2.5%", "1.3 %"]
        );
        assert_eq!(
            answers("وأصيب ما بين خمسة إلى ستة أشخاص، بنسبة 4 او 5ر4 بالمائة"),
            ["خمسة إلى ستة أشخاص", "4 او 5ر4 بالمائة"]
        );
        assert_eq!(
            answers("على بعد ثلاثة كيلومترات ونصف من المكان"),
            ["ثلاثة كيلومترات ونصف"]
        );
        // The Tunisian agency writes 3.9 as «9ر3»: one number, never its «3».
        assert_eq!(
            answers("ارتفاع نسبة التضخم إلى مستوى 9ر3 بالمائة خلال شهر جوان"),
            ["9ر3 بالمائة"]
        );
        assert_eq!(
            answers("بخفض انبعاثاتها ما بين 26 و28 في المائة عن مستويات 2005"),
            ["ما بين 26 و28 في المائة"]
        );
        assert_eq!(
            answers("عندما قتل أربعة انتحاريين بريطانيين 52 شخصا"),
            ["أربعة انتحاريين", "52 شخصا"]
        );
        // After a word of estimate, what is counted may be in the genitive,
        // or a part of those named after «من».
        assert_eq!(
            answers("وتوفر حاليا حوالي 2000 موطن شغل. وتهدد حوالي 300 من صغار المربين"),
            ["2000 موطن", "300"]
        );
        let t = things("فقبل الثورة، أكثر من نصف مليون تونسي كانوا يشتغلون في ليبيا");
        assert_eq!(
            (t[0].0.as_str(), t[0].2),
            ("نصف مليون تونسي", true),
            "a bound"
        );
        assert_eq!(
            answers("يفتح باب الترشح بداية من الثامنة صباحا ويغلق على الساعة السادسة مساء"),
            ["الثامنة صباحا", "السادسة مساء"]
        );
        assert_eq!(
            answers("ومن بينهم طفلة في الثامنة من العمر"),
            ["في الثامنة من العمر"]
        );
        assert_eq!(
            answers("والولايات المتحدة ثاني أكبر مصدر لانبعاث الغاز"),
            ["ثاني أكبر مصدر"]
        );
        assert_eq!(answers("وتنطلق قبلها بشهرين الفترة الانتخابية"), ["شهرين"]);
        // A document named after a place, and one that is only a word.
        assert_eq!(
            answers("ستنسحب من اتفاقية باريس لمكافحة تغير المناخ الموقعة"),
            ["اتفاقية باريس لمكافحة تغير المناخ الموقعة"]
        );
        assert!(answers("تخرج الولايات المتحدة من اتفاقية تضم كل دول العالم").is_empty());
    }

    #[test]
    fn bounds_hundreds_editions_and_names_in_latin_letters() {
        let answers = |text: &str| -> Vec<(String, String)> {
            things(text).into_iter().map(|(a, t, _)| (a, t)).collect()
        };
        let pair = |a: &str, t: &str| (a.to_owned(), t.to_owned());
        // «أكثر من» and a round hundred count a noun in the genitive.
        assert_eq!(
            things("وتضم الشبكة أكثر من 1000 موظف."),
            [("1000 موظف".to_owned(), "number".to_owned(), true)]
        );
        assert_eq!(answers("وشارك 300 عارض."), [pair("300 عارض", "number")]);
        // 25 counts a singular in the accusative only.
        assert!(answers("وقال 25 مسؤول إن الوضع صعب.").is_empty());
        assert_eq!(
            answers("افتتحت الدورة السبعين للمهرجان."),
            [pair("الدورة السبعين", "edition")]
        );
        assert_eq!(
            answers("وانطلقت أشغال المؤتمر الوطني السادس للحزب."),
            [pair("المؤتمر الوطني السادس", "edition")]
        );
        assert_eq!(
            answers("في الدورة الحادية والعشرين للمعرض."),
            [pair("الدورة الحادية والعشرين", "edition")]
        );
        // The edition of something named before: «مهرجان الشعر في دورته الأولى».
        assert_eq!(
            answers("انطلق مهرجان الشعر العربي في دورته الأولى."),
            [pair("دورته الأولى", "edition")]
        );
        // Millions of dinars as the Tunisian press abbreviates them, and a
        // party's bylaws.
        assert!(
            answers("ارتفع الاقتراض الخارجي الى 3970 م د.")
                .iter()
                .any(|(a, _)| a == "3970 م د"),
        );
        assert!(
            answers("اجتمعوا للبت في النظام الداخلي للحزب.")
                .iter()
                .any(|(a, _)| a.starts_with("النظام الداخلي")),
        );
        // A number with what it counts is a count, not an edition.
        assert_eq!(
            answers("وتضم البطولة 16 فريقا."),
            [pair("16 فريقا", "number")]
        );
        assert_eq!(
            answers("ودامت الدورة عشرة أيام."),
            [pair("عشرة أيام", "number")]
        );
        assert!(answers("قتل جنديان في أفغانستان وباكستان.").is_empty());
        // Something between that is no adjective: no edition.
        assert!(answers("وفي الدورة قال الأول إنه راض.").is_empty());
        assert_eq!(
            answers("وأطلق البنك خدمة على الخط (ATB NET) للحرفاء."),
            [pair("ATB NET", "name")]
        );
        assert_eq!(
            answers("ويشمل مجال المطابقة واجهتين: الأولى للحرفاء."),
            [pair("واجهتين", "count")]
        );
        assert_eq!(
            answers("وأحدثت لجنتين فرعيتين."),
            [pair("لجنتين فرعيتين", "count")]
        );
        // An Arabic name in parentheses, or Latin after Latin, is not one.
        assert!(answers("وكالة تونس إفريقيا للأنباء (وات).").is_empty());
    }
}
