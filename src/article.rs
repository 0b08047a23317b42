//! An article: its text exactly as published, its paragraphs, and where a
//! quote stands in it. Offsets are Unicode scalar values (`char`s), as the
//! export promises.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::arabic::Normalized;

/// A place in an article's text, in chars, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Returns true if and only if the two spans share at least one char.
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// An article's text and what is derived from it when it is loaded.
#[derive(Debug, Clone)]
pub struct Article {
    slug: String,
    text: String,
    /// Byte offset of every char, plus the text's length, so that a char
    /// range slices in O(1).
    char_bytes: Vec<usize>,
    /// Char ranges of the non-empty lines.
    paragraphs: Vec<Span>,
    normalized: Normalized,
}

impl Article {
    pub fn new(slug: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let mut char_bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        char_bytes.push(text.len());
        let mut paragraphs = Vec::new();
        let mut start = 0;
        for (i, c) in text.chars().chain(std::iter::once('\n')).enumerate() {
            if c == '\n' {
                if i > start {
                    paragraphs.push(Span { start, end: i });
                }
                start = i + 1;
            }
        }
        let normalized = Normalized::new(&text);
        Article {
            slug: slug.into(),
            text,
            char_bytes,
            paragraphs,
            normalized,
        }
    }

    /// The folder name the article was loaded from: its id in questions.
    pub fn slug(&self) -> &str {
        &self.slug
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length of the text in chars.
    pub fn len_chars(&self) -> usize {
        self.char_bytes.len() - 1
    }

    /// The text of `span`. Panics if the span is outside the text; spans come
    /// from [`Article::locate`], so that is a bug.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[self.char_bytes[span.start]..self.char_bytes[span.end]]
    }

    /// Finds `quote` verbatim (exact Unicode scalar match) and returns its first
    /// occurrence.
    pub fn locate(&self, quote: &str) -> Option<Span> {
        if quote.is_empty() {
            return None;
        }
        let byte = self.text.find(quote)?;
        let start = self.char_bytes.partition_point(|&b| b < byte);
        Some(Span {
            start,
            end: start + quote.chars().count(),
        })
    }

    /// The 1-based number of the paragraph where `span` starts.
    pub fn paragraph_of(&self, span: Span) -> usize {
        self.paragraphs.partition_point(|p| p.end <= span.start) + 1
    }

    pub fn paragraphs(&self) -> &[Span] {
        &self.paragraphs
    }

    /// The normalised copy of the text, for matching.
    pub fn normalized(&self) -> &Normalized {
        &self.normalized
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_quotes_in_chars_not_bytes() {
        let article = Article::new("t", "سطر أول\nوصل بوتين، الثلاثاء.\n\nثالث");
        let span = article.locate("بوتين، الثلاثاء").expect("found");
        assert_eq!(span, Span { start: 12, end: 27 });
        assert_eq!(article.slice(span), "بوتين، الثلاثاء");
        assert_eq!(article.paragraph_of(span), 2);
        assert_eq!(article.paragraphs().len(), 3);
        assert_eq!(
            article.paragraph_of(article.locate("ثالث").expect("found")),
            3
        );
    }

    #[test]
    fn a_quote_must_match_exactly() {
        let article = Article::new("t", "المسلّحَتين نووياً");
        assert!(article.locate("المسلحتين").is_none(), "diacritics differ");
        assert!(article.locate("").is_none());
        assert_eq!(article.len_chars(), 18);
    }

    #[test]
    fn spans_overlap_only_when_they_share_a_char() {
        let a = Span { start: 0, end: 5 };
        assert!(a.overlaps(Span { start: 4, end: 9 }));
        assert!(!a.overlaps(Span { start: 5, end: 9 }));
    }
}
