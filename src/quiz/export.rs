//! `questions export`: the bank as JSON Lines, with exactly the fields the
//! product promises.

use std::io::{self, Write};

use serde::Serialize;

use super::{Question, QuestionGloss};

/// One line of the export. Field order is the order of the contract.
#[derive(Debug, Serialize)]
pub struct ExportLine<'a> {
    pub id: String,
    pub article: &'a str,
    pub fact_id: &'a str,
    pub kind: &'a str,
    pub lang: &'a str,
    pub question: &'a str,
    pub options: &'a [String],
    pub correct: usize,
    pub quote: &'a str,
    pub quote_start: usize,
    pub quote_end: usize,
}

impl<'a> ExportLine<'a> {
    /// The line of a question in its own language.
    pub fn new(q: &'a Question) -> Self {
        Self::with(q, q.id.clone(), &q.lang, &q.stem, &q.options)
    }

    /// The line of a question's English gloss (the quote stays verbatim).
    pub fn english(q: &'a Question, gloss: &'a QuestionGloss) -> Self {
        Self::with(q, format!("{}/en", q.id), "en", &gloss.stem, &gloss.options)
    }

    fn with(
        q: &'a Question,
        id: String,
        lang: &'a str,
        question: &'a str,
        options: &'a [String],
    ) -> Self {
        ExportLine {
            id,
            article: &q.article,
            fact_id: &q.fact_id,
            kind: q.kind.as_str(),
            lang,
            question,
            options,
            correct: q.correct,
            quote: &q.quote,
            quote_start: q.span.start,
            quote_end: q.span.end,
        }
    }
}

/// Writes one JSON object per line.
pub fn write_lines<'a>(
    out: &mut impl Write,
    lines: impl IntoIterator<Item = ExportLine<'a>>,
) -> io::Result<()> {
    for line in lines {
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
