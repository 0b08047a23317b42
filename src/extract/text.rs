//! An article read for extraction: tokens, sentences and clauses over the
//! normalised copy, each mapping back to the untouched text, so that every
//! answer and quote is cut from the text as published.

use std::ops::Range;

use crate::arabic::{self, Normalized};

/// A word, number or punctuation mark, by its place in the normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Chars of the normalised text.
    pub range: Range<usize>,
    /// The normalised token.
    pub text: String,
    /// The token as written, without diacritics or tatweel: hamza kept, so
    /// the article «ال» can be told from a name's «أل» (ألكسندر).
    pub plain: String,
    pub kind: TokenKind,
    /// A line break (paragraph end) comes right after it.
    pub line_end: bool,
    /// A tatweel standing alone comes right after it: a dash between the
    /// items of a list («القمح الصلب : 75 دينارا ـ القمح اللين : 54»),
    /// which the normalised text drops.
    pub dash_after: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Number,
    Punct,
}

/// Words that never start or continue a noun phrase (normalised):
/// prepositions, conjunctions, pronouns, particles and the commonest verbs
/// of reporting.
const FUNCTION_WORDS: [&str; 85] = [
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "بين",
    "حتي",
    "منذ",
    "خلال",
    "بعد",
    "قبل",
    "عند",
    "لدي",
    "حول",
    "نحو",
    "ضد",
    "عبر",
    "دون",
    "تحت",
    "فوق",
    "امام",
    "وراء",
    "ان",
    "او",
    "ثم",
    "لكن",
    "بل",
    "اذا",
    "اذ",
    "لو",
    "لا",
    "لم",
    "لن",
    "قد",
    "ما",
    "لقد",
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللواتي",
    "هو",
    "هي",
    "هم",
    "هما",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هؤلاء",
    "اولئك",
    "كل",
    "بعض",
    "غير",
    "سوي",
    "كما",
    "وهو",
    "وهي",
    "وقد",
    "وقال",
    "قال",
    "قالت",
    "اكد",
    "اكدت",
    "اوضح",
    "اوضحت",
    "كان",
    "كانت",
    "يكون",
    "تكون",
    "وكان",
    "وكانت",
    "ليس",
    "ليست",
    "حيث",
    "بينما",
    "عندما",
    "كي",
    "لكي",
    "اي",
    "وفق",
    "حسب",
    "فان",
];

/// Words that govern what follows as a phrase would, but end one: where,
/// next to what («مراسل رويترز بالقرب من الحادث»), and relatives after «و»
/// («المؤسسات الاستشفائية والتي لا …»). A phrase that took one as its last
/// word gives it back.
const NOT_PHRASE_ENDS: [&str; 9] = [
    "قرب",
    "بالقرب",
    "بجوار",
    "قباله",
    "خلف",
    "مقابل",
    "مثابل",
    "والتي",
    "والذي",
];

/// «كنيسة سان جون القريبة من البيت الأبيض»: near what follows, which a
/// phrase gives back before «من» or «ل» («المستقبل القريب» keeps it).
const NEAR: [&str; 5] = ["القريب", "القريبه", "المجاور", "المجاوره", "المحاذيه"];

/// Nouns that make a preposition with «ب» (بسبب، بهدف، بشأن …): never a
/// place after a phrase.
const BY_NOUNS: [&str; 16] = [
    "سبب",
    "هدف",
    "فضل",
    "شان",
    "خصوص",
    "صفه",
    "وصف",
    "مناسبه",
    "قيمه",
    "حجم",
    "نسبه",
    "مقدار",
    "اعتبار",
    "موجب",
    "حضور",
    "مشاركه",
];

/// The longest quote drafted, in chars: short enough to read at a glance
/// and to fit in a fill-in-the-blank question.
pub const QUOTE_CHARS: usize = 160;

/// How many telling words (see [`Doc::telling`]) a quote has besides its
/// answer, where its sentence has them.
const MIN_TELLING: usize = 2;

/// Words that open a clause about what the clause before said: «مقارنة
/// بنفس الفترة …، لتصل إلى 2ر70 بالمائة» says what reached 70.2 % only
/// with the clause before it.
const LEANS_BACK: [&str; 12] = [
    "مقارنه",
    "مقابل",
    "لتصل",
    "ليصل",
    "لتبلغ",
    "ليبلغ",
    "لتستقر",
    "ليستقر",
    "لترتفع",
    "ليرتفع",
    "لتتراجع",
    "ليتراجع",
];

/// Words that tell nothing in a quote though they may head a phrase:
/// «تم» (done), «يتعلق» (concerns), «بينها» (among them).
const EMPTY_WORDS: [&str; 9] = [
    "تم",
    "يتم",
    "يتعلق",
    "تتعلق",
    "بينها",
    "بينهم",
    "بالنسبه",
    "له",
    "لها",
];

/// Words that open a sub-clause (normalised): a quote cut from a long
/// sentence starts at one, or ends before one.
const SUB_CLAUSE: [&str; 17] = [
    "اذ",
    "حيث",
    "ان",
    "انه",
    "انها",
    "بينما",
    "كما",
    "لكن",
    "عندما",
    "بعدما",
    "فيما",
    "مما",
    "الذي",
    "التي",
    "الذين",
    "اذا",
    "لان",
];

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: [&str; 6] = ["د", "م", "ا", "ص", "ه", "ق"];

/// The article as tokens, sentences and clauses.
#[derive(Debug)]
pub struct Doc {
    source: Vec<char>,
    norm: Normalized,
    pub tokens: Vec<Token>,
    /// Token ranges.
    pub sentences: Vec<Range<usize>>,
    /// Token ranges, within sentences.
    pub clauses: Vec<Range<usize>>,
    /// The first token of the body: after a headline (a first line of at
    /// most 30 words followed by a blank line), else 0.
    pub body_start: usize,
    /// Each token's forms without a proclitic ([`bare_forms`]), made once:
    /// every rule asks for them.
    bares: Vec<Vec<(String, usize)>>,
}

impl Doc {
    pub fn new(text: &str) -> Doc {
        let norm = Normalized::new(text);
        let chars: Vec<char> = norm.as_str().chars().collect();
        let source: Vec<char> = text.chars().collect();
        let source = &source;
        let mut tokens: Vec<Token> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                i += 1;
                continue;
            }
            let start = i;
            let kind = if c.is_alphanumeric() {
                let digits = c.is_ascii_digit();
                while i < chars.len()
                    && chars[i].is_alphanumeric()
                    && chars[i].is_ascii_digit() == digits
                {
                    i += 1;
                }
                if digits {
                    TokenKind::Number
                } else {
                    TokenKind::Word
                }
            } else {
                i += 1;
                TokenKind::Punct
            };
            let src = norm.source_range(start..i);
            let plain = source[src]
                .iter()
                .filter(|c| {
                    !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}')
                        && !arabic::is_invisible(**c)
                })
                .collect();
            tokens.push(Token {
                range: start..i,
                text: chars[start..i].iter().collect(),
                plain,
                kind,
                line_end: false,
                dash_after: false,
            });
        }
        // Paragraph ends: a line break in the source between two tokens.
        for k in 0..tokens.len().saturating_sub(1) {
            let a = norm.source_range(tokens[k].range.clone()).end;
            let b = norm.source_range(tokens[k + 1].range.clone()).start;
            let between = &source[a.min(b)..b];
            tokens[k].line_end = between.contains(&'\n');
            // Standing alone: not «بـ"…"», a tatweel glued to its word.
            let spaced = |c: Option<&char>| c.is_some_and(|c| c.is_whitespace());
            // Nor between two numbers: «2016 ـ 2017» is a range.
            let numbers =
                tokens[k].kind == TokenKind::Number && tokens[k + 1].kind == TokenKind::Number;
            tokens[k].dash_after = !numbers
                && spaced(between.first())
                && spaced(between.last())
                && between
                    .split(|c| c.is_whitespace())
                    .any(|w| !w.is_empty() && w.iter().all(|&c| c == '\u{0640}'));
        }
        let body_start = tokens
            .iter()
            .position(|t| t.line_end)
            .filter(|&k| {
                let a = norm.source_range(tokens[k].range.clone()).end;
                let b = tokens
                    .get(k + 1)
                    .map_or(source.len(), |n| norm.source_range(n.range.clone()).start);
                let words = tokens[..=k]
                    .iter()
                    .filter(|t| t.kind != TokenKind::Punct)
                    .count();
                k + 1 < tokens.len()
                    && words <= 30
                    && source[a.min(b)..b].iter().filter(|c| **c == '\n').count() >= 2
            })
            .map_or(0, |k| k + 1);
        let bares = tokens.iter().map(|t| bare_forms(&t.text)).collect();
        let sentences = split_sentences(&tokens);
        let clauses = sentences
            .iter()
            .flat_map(|s| split_clauses(&tokens, s.clone()))
            .collect();
        Doc {
            source: source.clone(),
            norm,
            tokens,
            sentences,
            clauses,
            body_start,
            bares,
        }
    }

    /// The source chars of a range of the normalised text, with the marks
    /// that follow its last letter (a tanween, a shadda) kept on it.
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let mut r = self.norm.source_range(range);
        while r.end < self.source.len()
            && !self.source[r.end].is_whitespace()
            && arabic::fold(self.source[r.end]).is_none()
        {
            r.end += 1;
        }
        r
    }

    /// The source text of a range of the normalised text.
    pub fn source_text(&self, range: Range<usize>) -> String {
        let r = self.source_range(range);
        self.source[r].iter().collect()
    }

    /// The source text between two source char offsets.
    pub fn source_text_between(&self, start: usize, end: usize) -> String {
        self.source[start.min(end)..end].iter().collect()
    }

    /// The normalised chars covered by tokens `a..b`.
    pub fn token_span(&self, tokens: Range<usize>) -> Range<usize> {
        if tokens.is_empty() {
            return 0..0;
        }
        self.tokens[tokens.start].range.start..self.tokens[tokens.end - 1].range.end
    }

    /// How many words of `range` besides `answer` tell something: numbers,
    /// and words that are not function words («وذلك من خلال ____» tells
    /// nothing).
    pub fn telling(&self, range: Range<usize>, answer: &Range<usize>) -> usize {
        range
            .filter(|t| !answer.contains(t))
            .filter(|&t| match self.tokens[t].kind {
                TokenKind::Number => true,
                TokenKind::Punct => false,
                TokenKind::Word => {
                    let w = self.tokens[t].text.as_str();
                    let bare = w
                        .strip_prefix(['و', 'ف'])
                        .filter(|b| b.chars().count() >= 2);
                    let empty = |w: &str| FUNCTION_WORDS.contains(&w) || EMPTY_WORDS.contains(&w);
                    w.chars().count() > 1 && !empty(w) && !bare.is_some_and(empty)
                }
            })
            .count()
    }

    /// The clause (a token range) holding token `t`.
    pub fn clause_of(&self, t: usize) -> usize {
        self.clauses.partition_point(|c| c.end <= t)
    }

    /// The sentence (a token range) holding token `t`.
    pub fn sentence_of(&self, t: usize) -> Range<usize> {
        let i = self.sentences.partition_point(|s| s.end <= t);
        self.sentences.get(i).cloned().unwrap_or(t..t + 1)
    }

    /// Whether the clause that starts at token `start` needs the one
    /// before it: it opens on a word that leans back («مقارنة», «لتصل»,
    /// «من بينها»), or on a figure after a short label and a colon
    /// («القمح الصلب : 75 دينارا للقنطار»; not «الوزراء: وزير الداخلية:
    /// …», a heading).
    fn leans_back(&self, start: usize) -> bool {
        let word = |k: usize| self.tokens.get(k).map_or("", |t| t.text.as_str());
        if LEANS_BACK.contains(&word(start))
            || (word(start) == "من" && word(start + 1).starts_with("بين"))
        {
            return true;
        }
        let figure = self
            .tokens
            .get(start)
            .is_some_and(|t| t.kind == TokenKind::Number);
        figure && start > 0 && word(start - 1) == ":" && {
            let label = self.clauses[self.clause_of(start - 1)].clone();
            (label.start..start - 1)
                .filter(|&k| self.tokens[k].kind != TokenKind::Punct)
                .count()
                <= 3
        }
    }

    /// The shortest run of whole clauses that covers tokens `needed`, with at
    /// least `min_words` words besides `answer` (taking the clause before
    /// when a clause is too short to prove anything on its own).
    pub fn quote_tokens(
        &self,
        needed: Range<usize>,
        answer: Range<usize>,
        min_words: usize,
    ) -> Range<usize> {
        let first = self.clause_of(needed.start);
        let last = self.clause_of(needed.end.saturating_sub(1).max(needed.start));
        let sentence = self.sentence_of(needed.start);
        let mut start = self.clauses[first].start;
        let mut end = self.clauses[last].end;
        let mut at = first;
        loop {
            let words = (start..end)
                .filter(|t| !answer.contains(t) && self.tokens[*t].kind != TokenKind::Punct)
                .count();
            let enough = words >= min_words
                && self.telling(start..end, &answer) >= MIN_TELLING
                && !self.leans_back(start);
            // Nor past a dash, into another item of a list.
            if enough
                || at == 0
                || self.clauses[at - 1].start < sentence.start
                || self.tokens[start - 1].dash_after
            {
                break;
            }
            at -= 1;
            start = self.clauses[at].start;
        }
        // Too long for a reader to check at a glance: the shortest run of
        // words around what is needed, to the nearest marks of a sub-clause.
        // Likewise when the clauses before tell nothing («وفي ما يتعلق
        // ب____»): what follows in the sentence may.
        if self.chars(start..end) > QUOTE_CHARS {
            let core = needed.start.min(answer.start)..needed.end.max(answer.end);
            (start, end) = self.window(core, answer.clone(), min_words, start..end);
        } else if self.telling(start..end, &answer) < MIN_TELLING {
            // The clauses after, whole, while they fit; else a window.
            let mut next = last + 1;
            while self.telling(start..end, &answer) < MIN_TELLING
                && next < self.clauses.len()
                && self.clauses[next].end <= sentence.end
                && self.chars(start..self.clauses[next].end) <= QUOTE_CHARS
            {
                end = self.clauses[next].end;
                next += 1;
            }
            if self.telling(start..end, &answer) < MIN_TELLING {
                let core = needed.start.min(answer.start)..needed.end.max(answer.end);
                (start, end) = self.window(core, answer.clone(), min_words, sentence.clone());
            }
        }
        // No stray punctuation at the edges, except closing marks that pair
        // with opening ones inside; the answer's own marks («2.5%») stay.
        while start < end
            && start < answer.start
            && self.tokens[start].kind == TokenKind::Punct
            && !opens(&self.tokens[start].text)
        {
            start += 1;
        }
        while end > start
            && end > answer.end
            && self.tokens[end - 1].kind == TokenKind::Punct
            && !closes_inside(self, start..end)
        {
            end -= 1;
        }
        // Never inside a word or a number written as one («4ر13»: not
        // «13 بالمائة» alone).
        let glued = |a: &Token, b: &Token| {
            a.range.end == b.range.start && a.kind != TokenKind::Punct && b.kind != TokenKind::Punct
        };
        while start > 0 && glued(&self.tokens[start - 1], &self.tokens[start]) {
            start -= 1;
        }
        while end < self.tokens.len() && end > 0 && glued(&self.tokens[end - 1], &self.tokens[end])
        {
            end += 1;
        }
        start..end
    }

    /// Where the noun phrase that starts at token `start` ends: a noun with
    /// what it governs and what describes it («مقر مجلس نواب الشعب بباردو»,
    /// «هيئة مستقلة لمكافحة الفساد», «الإسلاميين والعلمانيين», «راديو هيئة
    /// الإذاعة البريطانية (بي.بي.سي)»), at most `max` tokens, within
    /// `limit`. A word without the article goes on only into what it
    /// governs (a word with the article next) or as an adjective that
    /// agrees (a nisba, or feminine after feminine). Returns `start` when
    /// no phrase starts there.
    pub fn noun_phrase(&self, start: usize, limit: usize, max: usize) -> usize {
        let limit = limit.min(self.tokens.len()).min(start + max);
        let content = |k: usize| {
            self.tokens.get(k).is_some_and(|t| {
                t.kind == TokenKind::Word && !FUNCTION_WORDS.contains(&t.text.as_str())
            })
        };
        if start >= limit || !content(start) {
            return start;
        }
        // What may come next: after a word with the article, only words
        // with it (its adjectives: a word with «ال» governs nothing); after
        // an adjective without it, only more of them.
        let mut definite = self.definite(start);
        let mut adjectives = false;
        let mut end = start + 1;
        while end < limit {
            let tok = &self.tokens[end];
            if self.tokens[end - 1].line_end {
                break;
            }
            // «(بي.بي.سي)», «(التايمز)»: a short aside in parentheses.
            if tok.text == "(" {
                let within = self.tokens.len().min(end + 9);
                match (end + 1..within).find(|k| self.tokens[*k].text == ")") {
                    Some(close) if close > end + 1 => {
                        end = close + 1;
                        continue;
                    }
                    _ => break,
                }
            }
            if !content(end) {
                break;
            }
            let previous = &self.tokens[end - 1].text;
            // «مجلس نواب الشعب»: a chain of words without the article that
            // ends in one with it.
            let governs = self.definite(end + 1) && content(end + 1)
                || (content(end + 1)
                    && !self.definite(end + 1)
                    && self.definite(end + 2)
                    && content(end + 2));
            let nisba = tok.text.ends_with("يه") || tok.text.ends_with('ي');
            let feminine = tok.text.ends_with('ه') && previous.ends_with('ه');
            // «لمكافحة الفساد»: a purpose or a possessor with «ل».
            let attached = tok.text.starts_with('ل') && !self.definite(end) && governs;
            // «… الحدودي ببن قردان», «… الشعب بباردو»: where, by «ب» and a
            // name that ends the phrase.
            let located = definite
                && tok.text.starts_with('ب')
                && !BY_NOUNS.iter().any(|n| tok.text[2..] == **n)
                && (1..=2).any(|n| {
                    (end + 1..end + n).all(|k| content(k) && !self.definite(k))
                        && self
                            .tokens
                            .get(end + n)
                            .is_none_or(|x| x.kind == TokenKind::Punct || x.line_end)
                });
            if located {
                let n = if content(end + 1) { 2 } else { 1 };
                end += n;
                break;
            }
            if self.definite(end) {
                if adjectives && !definite {
                    break;
                }
                // «انقضاء الطعون الاعلان»: after a word with the article, a
                // verbal noun of a derived form in «ا» (الإعلان، الانطلاق،
                // الاستثمار) starts a new phrase; an adjective would end in
                // «ي», «ة» or a plural ending (الاقتصادي، الانتخابية،
                // الإيطاليين), and «الأطفال» is a plural.
                let derived = definite
                    && tok
                        .text
                        .strip_prefix("ال")
                        .is_some_and(|w| w.starts_with('ا') && derived_verbal_noun(w));
                if derived {
                    break;
                }
                definite = true;
                end += 1;
            } else if attached {
                definite = false;
                adjectives = false;
                end += 1;
            } else if definite || adjectives {
                if !definite && (nisba || feminine) {
                    end += 1;
                } else {
                    break;
                }
            } else if governs {
                end += 1;
            } else if nisba || feminine {
                adjectives = true;
                end += 1;
            } else {
                break;
            }
        }
        while end > start + 1 && NOT_PHRASE_ENDS.contains(&self.tokens[end - 1].text.as_str()) {
            end -= 1;
        }
        if end > start + 1
            && NEAR.contains(&self.tokens[end - 1].text.as_str())
            && self
                .tokens
                .get(end)
                .is_some_and(|x| x.text == "من" || x.text.starts_with('ل'))
        {
            end -= 1;
        }
        end
    }

    /// The chars of the source text that tokens `range` cover.
    pub fn chars(&self, range: Range<usize>) -> usize {
        let r = self.source_range(self.token_span(range));
        r.end.saturating_sub(r.start)
    }

    /// The run of tokens inside `within` around `core` (which it never
    /// cuts): first enough words besides the answer to say something,
    /// then on to the nearest boundary of a sub-clause on each side (a
    /// mark, or a word that opens one: «التي», «أن» …), as far as
    /// [`QUOTE_CHARS`] allows.
    fn window(
        &self,
        core: Range<usize>,
        answer: Range<usize>,
        min_words: usize,
        within: Range<usize>,
    ) -> (usize, usize) {
        let (mut start, mut end) = (core.start, core.end);
        let words = |s: usize, e: usize| {
            (s..e)
                .filter(|t| !answer.contains(t) && self.tokens[*t].kind != TokenKind::Punct)
                .count()
        };
        let boundary = |t: usize| {
            let tok = &self.tokens[t];
            matches!(
                tok.text.as_str(),
                "،" | "," | "؛" | ":" | "\"" | "«" | "»" | "(" | ")"
            )
        };
        let opens_sub_clause = |t: usize| SUB_CLAUSE.contains(&self.tokens[t].text.as_str());
        // Enough words, a word at a time from the left first (the subject,
        // the trigger); then, if they tell too little, a whole sub-clause
        // on either side where it fits.
        loop {
            let few = words(start, end) < min_words;
            if !few && self.telling(start..end, &answer) >= MIN_TELLING {
                break;
            }
            let mut left = start.saturating_sub(1).max(within.start);
            while left > within.start && !boundary(left - 1) && !opens_sub_clause(left) {
                left -= 1;
            }
            let mut right = (end + 1).min(within.end);
            while right < within.end && !boundary(right) && !opens_sub_clause(right) {
                right += 1;
            }
            if !few && left < start && self.chars(left..end) <= QUOTE_CHARS {
                start = left;
            } else if !few && right > end && self.chars(start..right) <= QUOTE_CHARS {
                end = right;
            } else if start > within.start && self.chars(start - 1..end) <= QUOTE_CHARS {
                start -= 1;
            } else if end < within.end && self.chars(start..end + 1) <= QUOTE_CHARS {
                end += 1;
            } else {
                break;
            }
        }
        // Then to the boundaries, if they are near enough: a mark before
        // (after) the run, or a word that opens a sub-clause.
        let mut left = start;
        while left > within.start && !boundary(left - 1) && !opens_sub_clause(left) {
            left -= 1;
        }
        // A run that opens on a word that leans back («، مقابل 1.3 % في سنة
        // ____» inside one long quotation) takes the sub-clause before it.
        if self.leans_back(left) && left > within.start {
            let mut before = left - 1;
            while before > within.start && !boundary(before - 1) && !opens_sub_clause(before) {
                before -= 1;
            }
            if self.chars(before..end) <= QUOTE_CHARS {
                left = before;
            }
        }
        if self.chars(left..end) <= QUOTE_CHARS {
            start = left;
        }
        let mut right = end;
        while right < within.end && !boundary(right) && !opens_sub_clause(right) {
            right += 1;
        }
        if self.chars(start..right) <= QUOTE_CHARS {
            end = right;
        }
        self.balanced(start, end, core)
    }

    /// A run whose quotation marks and parentheses pair up: an opening mark
    /// left unclosed is closed if the closing one is near, else the run ends
    /// before it; a closing one left unopened likewise. `core` is never cut.
    fn balanced(&self, mut start: usize, mut end: usize, core: Range<usize>) -> (usize, usize) {
        for (open, close) in [("(", ")"), ("«", "»"), ("\"", "\"")] {
            let is = |t: usize, m: &str| self.tokens[t].text == m;
            // Unclosed: the last opening mark with no closing one after it.
            let last_open = (start..end).rev().find(|t| is(*t, open));
            if let Some(o) = last_open
                && !(o + 1..end).any(|t| is(t, close))
            {
                let closing = (end..self.tokens.len().min(end + 12)).find(|t| is(*t, close));
                match closing {
                    Some(c) if self.chars(start..c + 1) <= QUOTE_CHARS => end = c + 1,
                    _ if o >= core.end => end = o,
                    // Inside a long quotation: the words without its mark.
                    _ if o < core.start => start = o + 1,
                    _ => {}
                }
            }
            // Unopened: the first closing mark with no opening one before it.
            let first_close = (start..end).find(|t| is(*t, close));
            if open != close
                && let Some(c) = first_close
                && !(start..c).any(|t| is(t, open))
            {
                if c < core.start {
                    start = c + 1;
                } else if let Some(o) = (start.saturating_sub(12)..start)
                    .rev()
                    .find(|t| is(*t, open))
                {
                    start = o;
                }
            }
        }
        (start, end)
    }

    /// Whether token `t` carries the article «ال» (after one proclitic at
    /// most: والنائب, بالخارج, للكرملين), read on the text as written.
    pub fn definite(&self, t: usize) -> bool {
        let Some(tok) = self.tokens.get(t) else {
            return false;
        };
        // «آلية», «آلة» written without the madda are no «ال» + word.
        if matches!(tok.plain.as_str(), "الية" | "اليات" | "الة" | "الات" | "الاف")
        {
            return false;
        }
        let plain: Vec<char> = tok.plain.chars().collect();
        let starts = |at: usize| {
            plain.get(at) == Some(&'ا') && plain.get(at + 1) == Some(&'ل') && plain.len() > at + 2
        };
        starts(0)
            || (plain.len() > 3 && arabic::PROCLITICS.contains(&plain[0]) && starts(1))
            || (plain.len() > 3 && plain[0] == 'ل' && plain[1] == 'ل')
    }

    /// Token `t`'s text without a leading proclitic, and the proclitic's
    /// length: «ووزير» → («وزير», 1), «للكرملين» → («الكرملين», 1).
    /// Past the last token, there are none.
    pub fn bare(&self, t: usize) -> &[(String, usize)] {
        self.bares.get(t).map_or(&[], Vec::as_slice)
    }

    /// Whether the phrase (normalised words) starts at token `t`, the first
    /// word possibly with a proclitic. Returns the token after it and the
    /// proclitic's length.
    ///
    /// A phrase may end in a proclitic letter glued to the next word: «طالب
    /// ب» matches «طالب بمحاسبة», and then the token returned is the one it
    /// is glued to («بمحاسبة»), where what follows the phrase begins.
    /// A phrase that is one such letter alone matches a word it starts
    /// («ب» at «بجائزة»), which is then the token returned.
    pub fn phrase_at(&self, t: usize, phrase: &[String]) -> Option<(usize, usize)> {
        let (first, rest) = phrase.split_first()?;
        if rest.is_empty()
            && let Some(letter) = glued_letter(first)
        {
            let tok = self.tokens.get(t)?;
            return (tok.kind == TokenKind::Word
                && tok.text.starts_with(letter)
                && tok.text.chars().count() >= 3)
                .then_some((t, 0));
        }
        let clitic = self.bare(t).iter().find(|(b, _)| b == first)?.1;
        let mut k = t + 1;
        for (i, word) in rest.iter().enumerate() {
            if i + 1 == rest.len()
                && let Some(letter) = glued_letter(word)
            {
                let tok = self.tokens.get(k)?;
                return (tok.text.starts_with(letter) && tok.text.chars().count() >= 3)
                    .then_some((k, clitic));
            }
            if self.tokens.get(k).is_none_or(|tok| tok.text != *word) {
                return None;
            }
            k += 1;
        }
        Some((k, clitic))
    }
}

/// Whether a word (normalised, no article or proclitic) has the shape of
/// the verbal noun of a derived verb: تفعيل (تعزيز), تفاعل (تبادل),
/// افتعال and انفعال (انتخاب), استفعال (استكمال), إفعال (إصلاح), إفعالة
/// (إعادة), مفاعلة (معالجة). Plurals and adjectives of these shapes end
/// otherwise (انتخابات، تنموي).
pub fn derived_verbal_noun(word: &str) -> bool {
    let c: Vec<char> = word.chars().collect();
    if PLURALS_LIKE_VERBAL_NOUNS.contains(&word) || word.ends_with("ات") {
        return false;
    }
    // تحسين، تنمية، تعاون: a تفعيل or تفاعل whose ending looks like a
    // plural's or an adjective's.
    if c.len() == 5 && c[0] == 'ت' {
        return c[3] == 'ي' || c[2] == 'ا';
    }
    if ["ين", "ون", "ي", "يه"].iter().any(|e| word.ends_with(e)) {
        return false;
    }
    match c.len() {
        5 => (c[0] == 'ا' && c[3] == 'ا') || (c[0] == 'ا' && c[2] == 'ا' && c[4] == 'ه'),
        6 => (c[0] == 'ا' && c[4] == 'ا') || (c[0] == 'م' && c[2] == 'ا' && c[5] == 'ه'),
        7 => word.starts_with("است") && c[5] == 'ا',
        _ => false,
    }
}

/// Broken plurals of the shape أفعال, written like the verbal noun إفعال
/// once the hamza is folded: no purpose after «ل» («لأطفال المناطق»).
const PLURALS_LIKE_VERBAL_NOUNS: [&str; 24] = [
    "اطفال",
    "اعمال",
    "اعضاء",
    "اسباب",
    "اموال",
    "احزاب",
    "اسعار",
    "اشخاص",
    "ايام",
    "افلام",
    "اسماء",
    "ابناء",
    "اقسام",
    "اصوات",
    "اسواق",
    "اراضي",
    "اعوام",
    "اشهر",
    "ارقام",
    "انواع",
    "اجيال",
    "افكار",
    "اهداف",
    "اطراف",
];

/// The proclitic letter a phrase's last word is, when it is one alone
/// («ب» of «طالب ب»): it is glued to the word after it in the text.
pub fn glued_letter(word: &str) -> Option<char> {
    let mut chars = word.chars();
    let letter = chars.next()?;
    (chars.next().is_none() && arabic::PROCLITICS.contains(&letter)).then_some(letter)
}

fn opens(p: &str) -> bool {
    matches!(p, "\"" | "«" | "(")
}

/// Whether the closing mark at the end of `range` pairs with one inside.
fn closes_inside(doc: &Doc, range: Range<usize>) -> bool {
    let last = &doc.tokens[range.end - 1].text;
    let count = |m: &str| range.clone().filter(|t| doc.tokens[*t].text == m).count();
    match last.as_str() {
        "\"" => count("\"") % 2 == 0,
        "»" => count("«") >= count("»"),
        ")" => count("(") >= count(")"),
        _ => false,
    }
}

/// The proclitic length of a form that cannot be cut from the text: «للأمم»
/// is ل + الأمم with the article's alef dropped, so «الأمم» is not in it.
pub const MERGED: usize = usize::MAX;

/// A token without one proclitic (و ف ب ل ك, and «لل» for ل + ال, whose
/// length is [`MERGED`]).
pub fn bare_forms(token: &str) -> Vec<(String, usize)> {
    let mut forms = vec![(token.to_owned(), 0)];
    let chars: Vec<char> = token.chars().collect();
    if chars.len() >= 3 {
        if chars[0] == 'ل' && chars[1] == 'ل' {
            forms.push((
                format!("ا{}", chars[1..].iter().collect::<String>()),
                MERGED,
            ));
        }
        if arabic::PROCLITICS.contains(&chars[0]) {
            forms.push((chars[1..].iter().collect(), 1));
            if chars.len() > 4 && arabic::PROCLITICS.contains(&chars[1]) {
                forms.push((chars[2..].iter().collect(), 2));
                if chars[1] == 'ل' && chars[2] == 'ل' {
                    forms.push((
                        format!("ا{}", chars[2..].iter().collect::<String>()),
                        MERGED,
                    ));
                }
            }
        }
    }
    forms
}

fn split_sentences(tokens: &[Token]) -> Vec<Range<usize>> {
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        let end_mark = matches!(t.text.as_str(), "." | "!" | "?" | "؟");
        // «5ر656 م د.»: dinars (after a number, «م» or «أ»), not «د.» of a
        // doctor's name: the sentence ends there.
        let dinars = i > 1
            && tokens[i - 1].text == "د"
            && (tokens[i - 2].kind == TokenKind::Number
                || matches!(
                    tokens[i - 2].text.as_str(),
                    "م" | "ا" | "مليون" | "مليار" | "الف"
                ));
        let abbreviation = t.text == "."
            && i > 0
            && ABBREVIATIONS.contains(&tokens[i - 1].text.as_str())
            && !dinars
            && tokens.get(i + 1).is_some_and(|n| n.kind == TokenKind::Word);
        let decimal = t.text == "."
            && i > 0
            && tokens[i - 1].kind == TokenKind::Number
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.kind == TokenKind::Number && n.range.start == t.range.end);
        // «بي.بي.سي»: a stop between letters, with no space, is inside a word.
        let glued = t.text == "."
            && i > 0
            && tokens[i - 1].range.end == t.range.start
            && tokens
                .get(i + 1)
                .is_some_and(|n| n.kind == TokenKind::Word && n.range.start == t.range.end);
        if (end_mark && !abbreviation && !decimal && !glued) || t.line_end {
            sentences.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        sentences.push(start..tokens.len());
    }
    sentences
}

/// Clauses end after «،», «؛», «:» or a dash between list items, but not
/// inside quotation marks or parentheses.
fn split_clauses(tokens: &[Token], sentence: Range<usize>) -> Vec<Range<usize>> {
    let mut clauses = Vec::new();
    let mut start = sentence.start;
    let (mut quoted, mut guillemets, mut parens) = (false, 0i32, 0i32);
    for i in sentence.clone() {
        match tokens[i].text.as_str() {
            "\"" => quoted = !quoted,
            "«" => guillemets += 1,
            "»" => guillemets -= 1,
            "(" => parens += 1,
            ")" => parens -= 1,
            "،" | "؛" | ":" | "," if !quoted && guillemets <= 0 && parens <= 0 => {
                clauses.push(start..i + 1);
                start = i + 1;
            }
            _ if tokens[i].dash_after && !quoted && guillemets <= 0 && parens <= 0 => {
                clauses.push(start..i + 1);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < sentence.end {
        clauses.push(start..sentence.end);
    }
    clauses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(doc: &Doc, r: Range<usize>) -> String {
        doc.source_text(doc.token_span(r))
    }

    #[test]
    fn splits_sentences_at_arabic_marks_but_not_abbreviations_or_decimals() {
        let doc = Doc::new("وقال د. أحمد إن النمو بلغ 1.5 بالمئة. هل انتهى؟ نعم! وبعد؛ سطر\nجديد");
        let sentences: Vec<String> = doc
            .sentences
            .iter()
            .map(|s| words(&doc, s.clone()))
            .collect();
        assert_eq!(
            sentences,
            [
                "وقال د. أحمد إن النمو بلغ 1.5 بالمئة.",
                "هل انتهى؟",
                "نعم!",
                "وبعد؛ سطر",
                "جديد"
            ]
        );
        // «م د.»: million dinars end a sentence.
        let doc = Doc::new("سجلت عجزا بقيمة 5ر656 م د. وبين المعهد أن الصادرات تراجعت.");
        assert_eq!(doc.sentences.len(), 2);
    }

    #[test]
    fn a_dash_standing_alone_ends_a_list_item_but_a_glued_tatweel_does_not() {
        let doc = Doc::new(
            "القمح الصلب : 75 دينارا للقنطار ـ القمح اللين : 54 دينارا ونفى قيامه بـ\"دبلوماسية\"",
        );
        let clauses: Vec<String> = doc.clauses.iter().map(|c| words(&doc, c.clone())).collect();
        assert_eq!(
            clauses,
            [
                "القمح الصلب :",
                "75 دينارا للقنطار",
                "القمح اللين :",
                "54 دينارا ونفى قيامه بـ\"دبلوماسية\""
            ]
        );
    }

    #[test]
    fn a_value_takes_its_label_and_what_leans_back_takes_the_clause_before() {
        let text = "وستصبح الأسعار كما يلي : القمح الصلب : 75 دينارا للقنطار اي بزيادة 5 دنانير ـ \
                    القمح اللين : 54 دينارا للقنطار ـ الشعير : 50 دينارا للقنطار.";
        let doc = Doc::new(text);
        let at = |w: &str| doc.tokens.iter().position(|t| t.text == w).unwrap();
        for (value, label) in [
            ("75", "القمح الصلب"),
            ("54", "القمح اللين"),
            ("50", "الشعير"),
        ] {
            let t = at(value);
            let quote = words(&doc, doc.quote_tokens(t..t + 2, t..t + 2, 3));
            assert!(quote.starts_with(label), "{quote}");
            assert_eq!(quote.matches(':').count(), 1, "{quote}");
        }
        // Between two numbers a dash is a range, not a list.
        let doc = Doc::new("السنة الدراسية 2016 ـ 2017 انطلقت");
        assert_eq!(doc.clauses.len(), 1);
        // A heading is no label: a post after it is an item of its own.
        let doc = Doc::new("الوزراء: وزير الداخلية: الهادي المجدوب السيرة الذاتية");
        let t = doc.tokens.iter().position(|t| t.text == "وزير").unwrap();
        let quote = words(&doc, doc.quote_tokens(t..t + 5, t + 3..t + 5, 3));
        assert!(quote.starts_with("وزير الداخلية"), "{quote}");
        let text = "وأقر الاجتماع عددا من الاجراءات في مجال الموارد المائية، من بينها الترفيع في \
                    طاقة استغلال المياه ببعض المناطق.";
        let doc = Doc::new(text);
        let t = doc.tokens.iter().position(|t| t.text == "الترفيع").unwrap();
        let quote = words(&doc, doc.quote_tokens(t..t + 5, t..t + 5, 3));
        assert!(quote.contains("الموارد المائية"), "{quote}");
    }

    #[test]
    fn a_run_that_leans_back_inside_a_long_quotation_takes_the_sub_clause_before() {
        let text = "\"يواصل الاقتصاد التونسي صموده في ظرف اقتصادي صعب على الصعيدين الوطني والدولي اذ \
                    من المتوقع ان تصل نسبة النمو الى 2.5% لكامل سنة 2017، مقابل 1.3 % في سنة 2016، \
                    مدفوعة بعودة الثقة بفضل نجاح ندوة الاستثمار والمصادقة على قانون الاستثمار الجديد \
                    وتحسن أداء قطاعي الفلاحة والسياحة خلال الأشهر الأولى من السنة الجارية\"";
        let doc = Doc::new(text);
        let t = doc.tokens.iter().position(|t| t.text == "2016").unwrap();
        let quote = words(&doc, doc.quote_tokens(t - 2..t + 1, t..t + 1, 3));
        assert!(quote.contains("نسبة النمو"), "{quote}");
        assert!(quote.ends_with("2016"), "{quote}");
    }

    #[test]
    fn clauses_keep_quotes_and_parentheses_whole() {
        let doc = Doc::new("قال، بحسب \"رويترز، اليوم\" (أي أمس، تقريباً)، إنه وصل.");
        let clauses: Vec<String> = doc.clauses.iter().map(|c| words(&doc, c.clone())).collect();
        assert_eq!(
            clauses,
            [
                "قال،",
                "بحسب \"رويترز، اليوم\" (أي أمس، تقريباً)،",
                "إنه وصل."
            ]
        );
    }

    #[test]
    fn a_short_clause_takes_the_one_before_it() {
        let text = "وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء، في مستهل زيارة.";
        let doc = Doc::new(text);
        let t = doc
            .tokens
            .iter()
            .position(|t| t.text == "الثلاثاء")
            .expect("token");
        let q = doc.quote_tokens(t..t + 1, t..t + 1, 3);
        assert_eq!(
            words(&doc, q),
            "وصل الرئيس الروسي فلاديمير بوتين إلى كوريا الشمالية، الثلاثاء"
        );
    }

    #[test]
    fn a_quote_that_tells_nothing_besides_its_answer_takes_more_of_its_sentence() {
        let quote = |text: &str, answer: &str| {
            let doc = Doc::new(text);
            let answer = crate::arabic::normalize(answer);
            let words: Vec<&str> = answer.split(' ').collect();
            let t = (0..doc.tokens.len())
                .find(|&t| {
                    words
                        .iter()
                        .enumerate()
                        .all(|(i, w)| doc.tokens.get(t + i).is_some_and(|k| k.text == *w))
                })
                .expect("answer");
            let a = t..t + words.len();
            super::tests::words(&doc, doc.quote_tokens(a.clone(), a, 3))
        };
        // The clause before, when the sentence opens on the empty one.
        assert_eq!(
            quote(
                "اتفقوا على تحسين جودة الحليب، وذلك من خلال انجاز مشروع التبريد.",
                "انجاز مشروع التبريد"
            ),
            "اتفقوا على تحسين جودة الحليب، وذلك من خلال انجاز مشروع التبريد"
        );
        // The clause after, when nothing comes before.
        assert_eq!(
            quote(
                "وفي ما يتعلق بقطاع الحبوب، أوضح وزير الفلاحة أن الأسعار سترتفع.",
                "بقطاع الحبوب"
            ),
            "وفي ما يتعلق بقطاع الحبوب، أوضح وزير الفلاحة أن الأسعار سترتفع"
        );
        // A clause about the one before takes it.
        assert_eq!(
            quote(
                "وتبرز النتائج تحسن نسبة التغطية بنسبة 7ر2 نقاط، مقارنة بنفس الفترة من سنة 2014، لتصل إلى 70 بالمائة.",
                "70 بالمائة"
            ),
            "وتبرز النتائج تحسن نسبة التغطية بنسبة 7ر2 نقاط، مقارنة بنفس الفترة من سنة 2014، لتصل إلى 70 بالمائة"
        );
        // A clause that tells something stays as it was.
        assert_eq!(
            quote(
                "وصل الوفد إلى تونس، وعقد اجتماعا مع وزير الفلاحة.",
                "وزير الفلاحة"
            ),
            "وعقد اجتماعا مع وزير الفلاحة"
        );
    }

    #[test]
    fn a_noun_phrase_takes_what_it_governs_and_what_describes_it() {
        let np = |text: &str| {
            let doc = Doc::new(text);
            let end = doc.noun_phrase(0, doc.tokens.len(), 8);
            words(&doc, 0..end)
        };
        assert_eq!(
            np("مقر مجلس نواب الشعب بباردو، أن"),
            "مقر مجلس نواب الشعب بباردو"
        );
        assert_eq!(
            np("أزمة المعبر الحدودي ببن قردان، وإمضائه"),
            "أزمة المعبر الحدودي ببن قردان"
        );
        assert_eq!(
            np("هيئة مستقلة لمكافحة الفساد في البلاد"),
            "هيئة مستقلة لمكافحة الفساد"
        );
        assert_eq!(
            np("راديو هيئة الإذاعة البريطانية (بي.بي.سي) إن"),
            "راديو هيئة الإذاعة البريطانية (بي.بي.سي)"
        );
        assert_eq!(np("مصادر أمنية أمريكية نقلا عن"), "مصادر أمنية أمريكية");
        assert_eq!(np("كنيسة سان جون القريبة من البيت الأبيض"), "كنيسة سان جون");
        assert_eq!(
            np("مشاريع المستقبل القريب في البلاد"),
            "مشاريع المستقبل القريب"
        );
        // A word with the article governs nothing: «للاتفاقية تحرك …».
        assert_eq!(np("الاتفاقية تحرك الرئيس"), "الاتفاقية");
        assert_eq!(np("في البلاد"), "");
    }

    #[test]
    fn proclitics_come_off() {
        assert!(bare_forms("للكرملين").contains(&("الكرملين".to_owned(), MERGED)));
        let forms: Vec<String> = bare_forms("والنائب").into_iter().map(|f| f.0).collect();
        assert!(forms.contains(&"النائب".to_owned()));
        let doc = Doc::new("ووزير الدفاع أندريه");
        let phrase: Vec<String> = ["وزير", "الدفاع"].iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(doc.phrase_at(0, &phrase), Some((2, 1)));
    }
}
