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
}

struct Prepared {
    units: Vec<Vec<String>>,
    words: HashSet<String>,
    counts: Vec<Vec<String>>,
    documents: Vec<Vec<String>>,
    organisations: Vec<Vec<String>>,
    stop: HashSet<String>,
}

fn prepared(tables: &Tables) -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let t = &tables.things;
        Prepared {
            units: phrases(&t.units),
            words: t.words.iter().map(|w| arabic::normalize(w)).collect(),
            counts: phrases(&t.counts),
            documents: phrases(&t.documents),
            organisations: phrases(&tables.sources.organisations),
            stop: tables
                .people
                .stop
                .iter()
                .map(|s| arabic::normalize(s))
                .collect(),
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
    for t in 0..doc.tokens.len() {
        let tok = &doc.tokens[t];
        // «70 عاما», «سبعة عقود».
        let numeric =
            tok.kind == TokenKind::Number && !in_dates.contains(&t) && tok.text.len() <= 6;
        let word = doc.bare(t).iter().any(|(b, _)| p.words.contains(b));
        if (numeric || word)
            && let Some((end, _)) = longest_at(doc, t + 1, &p.units)
        {
            let clitic = if word {
                doc.bare(t)
                    .iter()
                    .find(|(b, _)| p.words.contains(b))
                    .map_or(0, |b| b.1)
            } else {
                0
            };
            let mut f = Found::new(Kind::Number, "number", t..end, t..end, "number and unit")
                .clitic(clitic);
            // «أكثر من سبعة عقود»: a bound, so the neighbouring values below
            // (or above) it are true too.
            let before = |k: usize| {
                t.checked_sub(k)
                    .map_or(String::new(), |i| doc.tokens[i].text.clone())
            };
            let bound = matches!(before(1).as_str(), "نحو" | "حوالي" | "قرابه" | "زهاء")
                || (before(1) == "من"
                    && matches!(before(2).as_str(), "اكثر" | "لاكثر" | "اقل" | "لاقل"));
            if bound {
                f = f.unsure("a bound or an estimate: add the values it makes true to also_true");
            }
            out.push(f);
            continue;
        }
        // «مرة واحدة», «مرتين».
        if let Some((end, clitic)) = longest_at(doc, t, &p.counts) {
            out.push(Found::new(Kind::Number, "count", t..end, t..end, "count").clitic(clitic));
            continue;
        }
        // Documents: «"معاهدة شراكة استراتيجية شاملة"», «اتفاقية التعاون …».
        if let Some((after, clitic)) = longest_at(doc, t, &p.documents) {
            // «مذكرة تفاهم في مجال النقل البحري»
            let field = doc.tokens.get(after).is_some_and(|x| x.text == "في")
                && doc.tokens.get(after + 1).is_some_and(|x| x.text == "مجال");
            let name_start = if field { after + 2 } else { after };
            let mut end = name_start;
            while end < doc.tokens.len() && end - name_start < 5 {
                let x = &doc.tokens[end];
                let future_verb = x.text.starts_with("سي") || x.text.starts_with("ست");
                if x.kind != TokenKind::Word || p.stop.contains(&x.text) || future_verb {
                    break;
                }
                end += 1;
            }
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
            continue;
        }
        // A field of cooperation: «التعاون الأمني», «التعاون العسكري - التقني».
        if doc.bare(t).iter().any(|(b, _)| b == "التعاون")
            && !documents.iter().any(|d| d.contains(&t))
        {
            let mut end = t + 1;
            if end < doc.tokens.len()
                && doc.definite(end)
                && !p.stop.contains(&doc.tokens[end].text)
            {
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
                continue;
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
                "امرا" | "مرسوما" | "قرارا" | "بيانا"
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
        // Organisations of the table.
        if let Some((end, clitic)) = longest_at(doc, t, &p.organisations) {
            out.push(
                Found::new(Kind::Event, "organisation", t..end, t..end, "organisation")
                    .clitic(clitic),
            );
        }
    }
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
}
