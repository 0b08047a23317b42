//! The service's views as Telegram requests: HTML texts, keyboards, polls.
//! The words come from [`crate::i18n`]; every text that comes from outside
//! (names, questions, quotes) is escaped here; names are also cleaned of
//! bidi controls and isolated, so that no name can reorder a leaderboard
//! line.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, User};
use teloxide::utils::html::escape;

use super::callback::{AnswerButton, ArticleButton, ClaimButton, ForgetButton};
use super::commands;
use super::request::{Request, RoundPoll};
use crate::i18n::Lang;
use crate::quiz::{Form, Question};
use crate::service::group::PODIUM_ROWS;
use crate::service::inline::{ClaimCard, ClaimCheck, Offered};
use crate::service::{
    After, AnswerOutcome, ArticleEntry, ArticleInfo, ArticleLine, Asked, Closed, Leaderboard,
    Podium, Pressed, QuizState, QuizSummary, Recorded, Reply, Round, RoundResult, Said, Standing,
    Stats, Step,
};

/// Telegram's limit on a message's text, in characters.
pub const MAX_TEXT: usize = 4096;
/// Telegram's limit on a callback answer's text.
pub const MAX_CALLBACK_TEXT: usize = 200;
/// The longest display name kept.
pub const MAX_NAME: usize = 32;
/// The longest quote shown in full in one message; longer ones are cut.
const MAX_QUOTE: usize = 3000;

const FIRST_STRONG_ISOLATE: char = '\u{2068}';
const POP_DIRECTIONAL_ISOLATE: char = '\u{2069}';

/// A display name from Telegram's user: first and last name, else the
/// username, else "Player <id>"; control and bidi characters removed,
/// whitespace collapsed, cut to [`MAX_NAME`].
pub fn display_name(user: &User) -> String {
    display_name_of(
        &user.first_name,
        user.last_name.as_deref(),
        user.username.as_deref(),
        user.id.0,
    )
}

/// [`display_name`] from the parts of a user.
pub fn display_name_of(first: &str, last: Option<&str>, username: Option<&str>, id: u64) -> String {
    let full = match last {
        Some(last) => format!("{first} {last}"),
        None => first.to_owned(),
    };
    let cleaned = clean_name(&full);
    if !cleaned.is_empty() {
        return cleaned;
    }
    match username.map(clean_name) {
        Some(u) if !u.is_empty() => u,
        _ => crate::i18n::unnamed_player(id),
    }
}

/// Removes control, bidi and invisible characters, collapses whitespace and
/// cuts to [`MAX_NAME`] characters (with an ellipsis).
pub fn clean_name(name: &str) -> String {
    let kept: String = name
        .chars()
        .filter(|c| !c.is_control() && !crate::arabic::is_invisible(*c))
        .collect();
    let words: Vec<&str> = kept.split_whitespace().collect();
    let joined = words.join(" ");
    cut(&joined, MAX_NAME)
}

/// Cuts `text` to at most `max` characters, ending with "…" when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A name, escaped for HTML and isolated from the text around it.
pub fn name_html(name: &str) -> String {
    format!(
        "{FIRST_STRONG_ISOLATE}{}{POP_DIRECTIONAL_ISOLATE}",
        escape(&clean_name(name))
    )
}

/// The message that asks a question, and its buttons.
pub fn question(lang: Lang, asked: &Asked) -> (String, InlineKeyboardMarkup) {
    let q = &asked.question;
    let mut text = format!(
        "<b>{}</b>\n{}\n{}",
        lang.question_of(asked.position + 1, asked.total),
        escape(&lang.about_article(label_in(lang, &asked.article))),
        escape(&q.stem)
    );
    let gloss = q.gloss.as_ref().filter(|_| lang.is_en());
    if let Some(g) = gloss {
        text.push_str(&format!("\n<i>{}</i>", escape(&g.stem)));
    }
    let buttons = q.options.iter().enumerate().map(|(i, option)| {
        let label = match gloss.and_then(|g| g.options.get(i)) {
            Some(en) if q.form == Form::Choice => format!("{option} · {en}"),
            // A claim's «صحيح» / «خطأ» is said in English: True / False.
            Some(en) => en.clone(),
            None => option.clone(),
        };
        let data = AnswerButton {
            served_id: asked.served_id,
            choice: i,
        };
        vec![InlineKeyboardButton::callback(
            cut(&label, 64),
            data.to_string(),
        )]
    });
    (fit(text), InlineKeyboardMarkup::new(buttons))
}

/// The question message after an answer: the answer card, then the next
/// question (with its buttons) or the final score, in one message, so that
/// an answer costs one edit. The quote is cut, if it must be, so that the
/// whole fits Telegram's limit.
pub fn answer_and_next(lang: Lang, r: &Recorded) -> (String, Option<InlineKeyboardMarkup>) {
    let article = &r.article;
    let (next, keyboard) = match &r.next {
        Step::Ask(asked) => {
            let (text, keyboard) = question(lang, asked);
            (text, Some(keyboard))
        }
        Step::Over(s) => (summary(lang, s), None),
    };
    let room = MAX_TEXT.saturating_sub(next.chars().count() + 2);
    let mut card = answer_card_within(lang, r, article, MAX_QUOTE);
    let over = card.chars().count().saturating_sub(room);
    if over > 0 {
        let quote = r.question.quote.chars().count().min(MAX_QUOTE);
        card = answer_card_within(lang, r, article, quote.saturating_sub(over + 1));
    }
    (fit(format!("{card}\n\n{next}")), keyboard)
}

/// The question message turned into an answer card: the verdict first (its
/// ✅ or ❌ is the first in the text), the options marked, the right answer,
/// the quote (cut to `max_quote`) as a blockquote and where it comes from.
fn answer_card_within(lang: Lang, r: &Recorded, article: &ArticleInfo, max_quote: usize) -> String {
    let q = &r.question;
    let mut text = if r.correct {
        lang.right(r.points)
    } else {
        lang.wrong().to_owned()
    };
    text.push_str(&format!(
        "\n<b>{}</b>\n{}\n",
        lang.question_of(r.position + 1, r.total),
        escape(&q.stem)
    ));
    for (i, option) in q.options.iter().enumerate() {
        let mark = if i == q.correct {
            "🟢"
        } else if i == r.choice {
            "🔴"
        } else {
            "⚪"
        };
        let yours = if i == r.choice {
            format!(" ← {}", lang.your_choice())
        } else {
            String::new()
        };
        text.push_str(&format!("{mark} {}{yours}\n", escape(option)));
    }
    text.push_str(&explanation_within(lang, q, article, max_quote));
    if let Some(streak) = r.streak_to_tell() {
        text.push_str(&format!("\n{}", lang.streak(streak)));
    }
    fit(text)
}

/// The right answer, the quote and its source.
pub fn explanation(lang: Lang, q: &Question, article: &ArticleInfo) -> String {
    explanation_within(lang, q, article, MAX_QUOTE)
}

fn explanation_within(lang: Lang, q: &Question, article: &ArticleInfo, max_quote: usize) -> String {
    let mut text = format!("{} <b>{}</b>", lang.right_answer(), escape(q.answer()));
    if let Some(g) = q.gloss.as_ref().filter(|_| lang.is_en())
        && let Some(en) = g.options.get(q.correct)
    {
        text.push_str(&format!(" <i>({})</i>", escape(en)));
    }
    let title = title_in(lang, article);
    text.push_str(&format!(
        "\n<blockquote>{}</blockquote>\n{}",
        escape(&cut(&q.quote, max_quote)),
        escape(&lang.source(title, q.paragraph))
    ));
    text
}

/// An article's title in a language: the English one where there is one.
fn title_in(lang: Lang, article: &ArticleInfo) -> &str {
    match lang {
        Lang::En => article.title_en.as_deref().unwrap_or(&article.title),
        Lang::Ar => &article.title,
    }
}

/// An article's short name in a language (what gives no answer away).
fn label_in(lang: Lang, article: &ArticleInfo) -> &str {
    match lang {
        Lang::En => article.label_en.as_deref().unwrap_or(&article.label),
        Lang::Ar => &article.label,
    }
}

/// A leaderboard's title: of a group or not, this week or all time, of one
/// article or all.
fn board_title(lang: Lang, group: bool, week: bool, article: Option<&ArticleInfo>) -> String {
    let base = lang.leaderboard_title(group, week);
    match article {
        Some(a) => lang.article_board_title(base, label_in(lang, a)),
        None => base.to_owned(),
    }
}

/// The catalogue, one line per article.
fn articles(lang: Lang, head: &str, list: &[ArticleLine]) -> String {
    let mut text = format!("<b>{}</b>\n", escape(head));
    for (i, line) in list.iter().enumerate() {
        let e = &line.entry;
        text.push_str(&format!(
            "{}. {}\n   <code>{}</code>\n",
            i + 1,
            escape(&lang.article_line(
                label_in(lang, &e.info),
                e.date.as_deref(),
                e.questions,
                line.answered
            )),
            escape(&e.slug)
        ));
    }
    fit(text)
}

/// A button per article, each starting a quiz on it.
fn article_buttons(lang: Lang, list: &[ArticleLine]) -> InlineKeyboardMarkup {
    let rows = list.iter().filter_map(|line| {
        let data = ArticleButton::of(&line.entry.slug)?;
        Some(vec![InlineKeyboardButton::callback(
            cut(label_in(lang, &line.entry.info), 64),
            data.to_string(),
        )])
    });
    InlineKeyboardMarkup::new(rows)
}

/// The end of a quiz.
pub fn summary(lang: Lang, s: &QuizSummary) -> String {
    let mut text = String::new();
    if s.state == QuizState::Stopped {
        text.push_str(lang.stopped());
        text.push('\n');
    }
    text.push_str(&lang.final_score(s.points, s.correct, s.answered, s.total));
    text.push('\n');
    text.push_str(&lang.rank(s.rank, s.players));
    text.push('\n');
    text.push_str(lang.new_quiz_hint());
    text
}

/// `/me`.
pub fn stats(lang: Lang, s: &Stats) -> String {
    lang.stats(
        s.points,
        s.answered,
        s.correct,
        s.accuracy(),
        s.best_streak,
        s.streak,
        s.rank.map(|r| (r, s.players)),
    )
}

/// A leaderboard with medals, and the caller's line when outside the top.
pub fn leaderboard(lang: Lang, title: &str, board: &Leaderboard, me: Option<i64>) -> String {
    let mut text = format!("<b>{}</b>\n", escape(title));
    if board.rows.is_empty() {
        text.push_str(lang.empty_leaderboard());
        return text;
    }
    for row in &board.rows {
        text.push_str(&standing_line(lang, row, me == Some(row.player_id)));
        text.push('\n');
    }
    if let Some(mine) = &board.me
        && !board.rows.iter().any(|r| r.player_id == mine.player_id)
    {
        text.push_str("…\n");
        text.push_str(&lang.your_place(mine.rank, mine.points));
        text.push('\n');
    }
    fit(text)
}

/// "🥇 name — 320 نقطة", the name isolated; the caller's own line in bold.
pub fn standing_line(lang: Lang, row: &Standing, mine: bool) -> String {
    let place = match row.rank {
        1 => "🥇".to_owned(),
        2 => "🥈".to_owned(),
        3 => "🥉".to_owned(),
        n => format!("{n}."),
    };
    let line = format!(
        "{place} {} — {}",
        name_html(&row.name),
        lang.points_short(row.points)
    );
    if mine { format!("<b>{line}</b>") } else { line }
}

/// The message that closes a group round: the right answer, the whole quote
/// as a blockquote and its source, how many answered and were right, and
/// the top five so far.
pub fn round_result(lang: Lang, r: &RoundResult) -> String {
    let q = &r.round.question;
    let mut text = format!(
        "{}\n{}\n",
        lang.round_over(r.round.position + 1, r.round.total),
        escape(&q.stem)
    );
    text.push_str(&explanation(lang, q, &r.article));
    text.push('\n');
    text.push_str(&lang.round_counts(r.answered, r.right));
    if !r.standings.is_empty() {
        text.push_str(&format!("\n\n<b>{}</b>\n", lang.standings_so_far()));
        for row in r.standings.iter().take(5) {
            text.push_str(&standing_line(lang, row, false));
            text.push('\n');
        }
    }
    fit(text)
}

/// The end of a group quiz: the podium, and where its players stand on the
/// group's all-time leaderboard.
pub fn podium(p: &Podium) -> String {
    let lang = p.lang;
    let mut text = format!("<b>{}</b>\n", lang.final_result());
    if p.standings.is_empty() {
        text.push_str(lang.nobody_answered());
        return text;
    }
    for row in p.standings.iter().take(PODIUM_ROWS) {
        text.push_str(&standing_line(lang, row, false));
        if let Some((_, rank)) = p.group_ranks.iter().find(|(id, _)| *id == row.player_id) {
            text.push_str(&lang.group_place(*rank));
        }
        text.push('\n');
    }
    if !p.group_board.is_empty() {
        text.push_str(&format!(
            "\n<b>{}</b>\n",
            lang.leaderboard_title(true, false)
        ));
        for row in &p.group_board {
            text.push_str(&standing_line(lang, row, false));
            text.push('\n');
        }
    }
    text.push('\n');
    text.push_str(lang.new_group_quiz_hint());
    fit(text)
}

/// To a group whose quiz cannot go on (its poll was refused).
pub fn quiz_failed(chat: i64, p: &Podium) -> Request {
    let text = format!("{}\n\n{}", p.lang.quiz_failed(), podium(p));
    Request::message(chat, text, None)
}

/// The links that start a quiz on an article (Telegram's deep links): in
/// a private chat with the bot, and in a group it is added to.
pub fn share(lang: Lang, bot: &str, article: &ArticleEntry) -> String {
    let private = super::deep_link(bot, &article.slug, false);
    let group = super::deep_link(bot, &article.slug, true);
    escape(&lang.share(label_in(lang, &article.info), &private, &group))
}

/// The answer to a press on `/forget`'s buttons: the question's message,
/// edited into what was done (its buttons gone).
pub fn forget_answer(chat: i64, message_id: Option<i32>, reply: &Reply) -> Vec<Request> {
    let lang = reply.lang;
    let text = match reply.said {
        Said::Forgotten => lang.forgotten(),
        _ => lang.forget_kept(),
    };
    match message_id {
        Some(id) => vec![Request::edit(chat, id, text.to_owned(), None)],
        None => vec![Request::message(chat, text.to_owned(), None)],
    }
}

/// The reply to an action in a private chat; `bot` is the bot's username.
pub fn private_reply(chat: i64, reply: &Reply, bot: &str) -> Vec<Request> {
    let lang = reply.lang;
    let text = match &reply.said {
        Said::Welcome => format!("{}\n\n{}", lang.welcome(), escape(&commands::help(lang))),
        Said::Help => escape(&commands::help(lang)),
        Said::Hint => lang.hint().to_owned(),
        Said::QuizSizeHint => lang.quiz_size_hint().to_owned(),
        Said::Asked { asked, replaced } => {
            let (mut text, keyboard) = question(lang, asked);
            if *replaced {
                text = format!("{}\n\n{text}", lang.previous_quiz_stopped());
            }
            return vec![Request::message(chat, text, Some(keyboard))];
        }
        Said::Stats(s) => stats(lang, s),
        Said::Top {
            board,
            week,
            article,
        } => leaderboard(
            lang,
            &board_title(lang, false, *week, article.as_ref().map(|a| &a.info)),
            board,
            Some(reply.player.id),
        ),
        Said::Articles(list) => {
            let text = format!(
                "{}\n{}",
                articles(lang, lang.articles_title(), list),
                lang.articles_pick()
            );
            return vec![Request::message(
                chat,
                text,
                Some(article_buttons(lang, list)),
            )];
        }
        Said::UnknownArticle(list) => articles(lang, lang.unknown_article(), list),
        Said::NoArticles => lang.no_articles().to_owned(),
        Said::Share(article) => share(lang, bot, article),
        Said::ForgetAsk => {
            let buttons = InlineKeyboardMarkup::new([vec![
                InlineKeyboardButton::callback(lang.forget_yes(), ForgetButton::Yes.to_string()),
                InlineKeyboardButton::callback(lang.forget_no(), ForgetButton::No.to_string()),
            ]]);
            return vec![Request::message(
                chat,
                lang.forget_ask().to_owned(),
                Some(buttons),
            )];
        }
        Said::Forgotten => lang.forgotten().to_owned(),
        Said::ForgetKept => lang.forget_kept().to_owned(),
        Said::PrivateOnly => lang.private_only().to_owned(),
        Said::GroupOnly => lang.group_only().to_owned(),
        Said::Stopped(s) => summary(lang, s),
        Said::NoQuiz => lang.no_quiz_running().to_owned(),
        Said::LangSet => lang.lang_set().to_owned(),
        Said::LangUsage => lang.lang_usage().to_owned(),
        // Group replies do not come to a private chat.
        Said::Nothing
        | Said::GroupStarted { .. }
        | Said::AlreadyRunning
        | Said::GroupStopped { .. }
        | Said::GroupNotRunning
        | Said::StopNotAllowed
        | Said::LangAdminsOnly
        | Said::AdminsOnly
        | Said::Schedule { .. }
        | Said::ScheduleSet { .. }
        | Said::ScheduleOff
        | Said::ScheduleTz(_)
        | Said::BadTz(_)
        | Said::ScheduleUsage => return Vec::new(),
    };
    vec![Request::message(chat, text, None)]
}

/// The reply to an action in a group, in the group's language; `bot` is
/// the bot's username.
pub fn group_reply(chat: i64, reply: &Reply, bot: &str) -> Vec<Request> {
    let lang = reply.lang;
    let name = name_html(&reply.player.name);
    let text = match &reply.said {
        Said::GroupStarted {
            first,
            round_seconds,
            scheduled,
        } => {
            let intro = if *scheduled {
                lang.scheduled_quiz_started(first.total, *round_seconds)
            } else {
                lang.group_quiz_started(&name, first.total, *round_seconds)
            };
            return vec![
                Request::message(chat, intro, None),
                Request::round_poll(chat, first.served_id, round_poll(first)),
            ];
        }
        Said::GroupStopped {
            open_message,
            podium: p,
        } => {
            let mut out = Vec::new();
            if let Some(id) = open_message.and_then(|id| i32::try_from(id).ok()) {
                out.push(Request::stop_poll(chat, id));
            }
            let text = format!("{}\n\n{}", lang.group_stopped_by(&name), podium(p));
            out.push(Request::message(chat, text, None));
            return out;
        }
        Said::Welcome | Said::Help => escape(&commands::help(lang)),
        Said::QuizSizeHint => lang.quiz_size_hint().to_owned(),
        Said::AlreadyRunning => lang.already_running().to_owned(),
        Said::Stats(s) => format!("{name}\n{}", stats(lang, s)),
        Said::Top {
            board,
            week,
            article,
        } => leaderboard(
            lang,
            &board_title(lang, true, *week, article.as_ref().map(|a| &a.info)),
            board,
            Some(reply.player.id),
        ),
        Said::Articles(list) => format!(
            "{}\n{}",
            articles(lang, lang.articles_title(), list),
            lang.articles_group_hint()
        ),
        Said::UnknownArticle(list) => articles(lang, lang.unknown_article(), list),
        Said::NoArticles => lang.no_articles().to_owned(),
        Said::Share(article) => share(lang, bot, article),
        Said::PrivateOnly => lang.private_only().to_owned(),
        Said::AdminsOnly => lang.admins_only().to_owned(),
        Said::Schedule { minutes, tz } => {
            escape(&lang.schedule(minutes.map(commands::clock).as_deref(), tz))
        }
        Said::ScheduleSet { minutes, tz } => {
            escape(&lang.schedule_set(&commands::clock(*minutes), tz))
        }
        Said::ScheduleOff => lang.schedule_off().to_owned(),
        Said::ScheduleTz(tz) => escape(&lang.schedule_tz(tz)),
        Said::BadTz(tz) => escape(&lang.bad_tz(tz)),
        Said::ScheduleUsage => lang.schedule_usage().to_owned(),
        Said::GroupNotRunning => lang.group_not_running().to_owned(),
        Said::StopNotAllowed => lang.stop_not_allowed().to_owned(),
        Said::LangSet => lang.group_lang_set().to_owned(),
        Said::LangUsage => lang.lang_usage().to_owned(),
        Said::LangAdminsOnly => lang.lang_admins_only().to_owned(),
        Said::Nothing
        | Said::Hint
        | Said::Asked { .. }
        | Said::Stopped(_)
        | Said::NoQuiz
        | Said::ForgetAsk
        | Said::Forgotten
        | Said::ForgetKept
        | Said::GroupOnly => {
            return Vec::new();
        }
    };
    vec![Request::message(chat, text, None)]
}

/// A press, rendered: the short notice for the press, whether an answer was
/// recorded, and the edit of the question message (the card and the next
/// question) when one was.
pub fn press(p: &Pressed, chat: i64, message_id: Option<i32>) -> (String, bool, Vec<Request>) {
    let lang = p.lang;
    let notice = match &p.outcome {
        AnswerOutcome::Recorded(r) => {
            let short = if r.correct {
                lang.right(r.points)
            } else {
                format!(
                    "{} {} {}",
                    lang.wrong(),
                    lang.right_answer(),
                    answer_in(lang, &r.question)
                )
            };
            let (text, keyboard) = answer_and_next(lang, r);
            let request = match message_id {
                Some(id) => Request::edit(chat, id, text, keyboard),
                None => Request::message(chat, text, keyboard),
            };
            return (short, true, vec![request]);
        }
        AnswerOutcome::AlreadyAnswered { .. } => lang.already_answered(),
        AnswerOutcome::NotYours => lang.not_yours(),
        AnswerOutcome::QuizOver => lang.quiz_over(),
        AnswerOutcome::Unknown | AnswerOutcome::InvalidChoice => lang.stale_button(),
    };
    (notice.to_owned(), false, Vec::new())
}

/// The right answer, with its English gloss beside it in English.
fn answer_in(lang: Lang, q: &Question) -> String {
    match q
        .gloss
        .as_ref()
        .filter(|_| lang.is_en())
        .and_then(|g| g.options.get(q.correct))
    {
        Some(en) => format!("{} ({en})", q.answer()),
        None => q.answer().to_owned(),
    }
}

/// The group's messages after a round: its result, then the next poll or
/// the podium.
pub fn after_round(closed: &Closed) -> Vec<Request> {
    let Some(chat) = closed.chat else {
        return Vec::new();
    };
    let lang = closed.lang;
    let mut out = vec![Request::message(
        chat,
        round_result(lang, &closed.result),
        None,
    )];
    match &closed.after {
        After::Next(next) => out.push(Request::round_poll(chat, next.served_id, round_poll(next))),
        After::Podium(p) => out.push(Request::message(chat, podium(p), None)),
        After::Interrupted(p) => out.push(Request::message(
            chat,
            format!("{}\n\n{}", lang.interrupted(), podium(p)),
            None,
        )),
        After::Nothing => {}
    }
    out
}

/// The native quiz poll of a round, within Telegram's limits.
pub fn round_poll(round: &Round) -> RoundPoll {
    let q = &round.question;
    RoundPoll {
        question: cut(
            &format!("{}/{} · {}", round.position + 1, round.total, q.stem),
            300,
        ),
        options: q.options.iter().map(|o| cut(o, 100)).collect(),
        correct: u8::try_from(q.correct).unwrap_or(0),
        explanation: poll_explanation(q),
        open_period: u16::try_from(round.round_seconds).unwrap_or(u16::MAX),
    }
}

/// A poll's explanation: a short part of the quote that still holds the
/// answer, at most 200 characters and no line feed.
pub fn poll_explanation(q: &Question) -> String {
    const MAX: usize = 200;
    // «» and two ellipses.
    let budget = MAX - 4;
    let quote: String = q
        .quote
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let chars: Vec<char> = quote.chars().collect();
    if chars.len() <= budget {
        return format!("«{quote}»");
    }
    let key = if q.key.is_empty() {
        q.answer()
    } else {
        q.key.as_str()
    };
    let normalized = crate::arabic::Normalized::new(&quote);
    let answer = normalized
        .find(&crate::arabic::normalize(key))
        .map_or(0..0, |r| normalized.source_range(r));
    let room = budget.saturating_sub(answer.len());
    let mut start = answer.start.saturating_sub(room / 2);
    let end = (start + budget).min(chars.len());
    start = end.saturating_sub(budget);
    // Cut at word boundaries, never inside the answer.
    while start > 0 && start < answer.start && chars[start - 1] != ' ' {
        start += 1;
    }
    let mut end = end;
    while end < chars.len() && end > answer.end && chars[end] != ' ' {
        end -= 1;
    }
    let middle: String = chars[start..end].iter().collect();
    let head = if start > 0 { "…" } else { "" };
    let tail = if end < chars.len() { "…" } else { "" };
    format!("«{head}{}{tail}»", middle.trim())
}

/// Cuts a rendered text to Telegram's limit. The parts that can grow (quotes,
/// names) are cut before rendering; this is the last guard.
fn fit(text: String) -> String {
    if text.chars().count() <= MAX_TEXT {
        return text;
    }
    // Cut at a line break so that no HTML tag is left open.
    let mut out = String::new();
    for line in text.lines() {
        if out.chars().count() + line.chars().count() + 2 > MAX_TEXT {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push('…');
    out
}

// ── inline claim checks ────────────────────────────────────────────────────

/// The card of a claim sent inline: the statement, its article, the
/// counts once someone checked, and the «صحيح» / «خطأ» buttons. Its words
/// are in the article's language (the chat it goes to may be anyone's).
pub fn claim_card(
    claim_id: i64,
    statement: &str,
    article: &ArticleInfo,
    counts: crate::store::ClaimCounts,
) -> (String, InlineKeyboardMarkup) {
    let lang = Lang::Ar;
    let mut text = format!(
        "{}\n<b>{}</b>\n📰 {}",
        lang.claim_card_header(),
        escape(statement),
        escape(&article.label)
    );
    if counts.checked > 0 {
        text.push('\n');
        text.push_str(&lang.claim_counts(counts.checked, counts.right));
    }
    text.push_str("\n\n");
    text.push_str(lang.claim_card_hint());
    let verdict = |says_true: bool, label: &str| {
        InlineKeyboardButton::callback(
            label,
            ClaimButton {
                claim_id,
                says_true,
            }
            .to_string(),
        )
    };
    let keyboard = InlineKeyboardMarkup::new([vec![
        verdict(true, crate::quiz::TRUE_AR),
        verdict(false, crate::quiz::FALSE_AR),
    ]]);
    (fit(text), keyboard)
}

/// The edit that shows a claim's counts on a message sent inline.
pub fn claim_card_edit(card: &ClaimCard) -> Request {
    let (text, keyboard) = claim_card(card.claim_id, &card.statement, &card.article, card.counts);
    Request::edit_inline(&card.inline_message_id, text, Some(keyboard))
}

/// The answer to an inline query: a result per claim, each sending its
/// card. `lang`: the asker's, for the line under each result.
pub fn inline_results(lang: Lang, offered: &[Offered]) -> Vec<teloxide::types::InlineQueryResult> {
    use teloxide::types::{
        InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText,
        ParseMode,
    };
    offered
        .iter()
        .map(|o| {
            let (text, keyboard) = claim_card(
                o.claim_id,
                &o.statement,
                &o.article,
                crate::store::ClaimCounts::default(),
            );
            let content = InputMessageContent::Text(
                InputMessageContentText::new(text).parse_mode(ParseMode::Html),
            );
            let label = match lang {
                Lang::En => o.article.label_en.as_deref().unwrap_or(&o.article.label),
                Lang::Ar => &o.article.label,
            };
            InlineQueryResult::Article(
                InlineQueryResultArticle::new(
                    o.claim_id.to_string(),
                    cut(&o.statement, MAX_RESULT_TITLE),
                    content,
                )
                .reply_markup(keyboard)
                .description(lang.claim_result_description(label)),
            )
        })
        .collect()
}

/// The longest title of an inline result shown.
const MAX_RESULT_TITLE: usize = 120;

/// The private verdict on a press of a claim's button (a callback answer,
/// within its 200 characters): right or wrong, the truth, the quote.
pub fn claim_verdict(lang: Lang, check: &ClaimCheck, bot: &str) -> String {
    let ClaimCheck::Checked {
        correct,
        truth,
        answer,
        quote,
        first,
        ..
    } = check
    else {
        return cut(&lang.claim_unknown(bot), MAX_CALLBACK_TEXT);
    };
    let mut text = String::new();
    if !first {
        text.push_str(lang.claim_checked_before());
        text.push('\n');
    }
    text.push_str(&lang.claim_verdict(*correct, *truth, answer));
    let room = MAX_CALLBACK_TEXT.saturating_sub(text.chars().count() + 3);
    if room >= 20 {
        text.push_str(&format!("\n«{}»", cut(quote, room)));
    }
    cut(&text, MAX_CALLBACK_TEXT)
}

#[cfg(test)]
mod tests {
    use teloxide::types::UserId;

    use super::*;

    fn user(first: &str, last: Option<&str>, username: Option<&str>) -> User {
        User {
            id: UserId(42),
            is_bot: false,
            first_name: first.into(),
            last_name: last.map(Into::into),
            username: username.map(Into::into),
            language_code: None,
            is_premium: false,
            added_to_attachment_menu: false,
        }
    }

    #[test]
    fn names_lose_bidi_controls_and_are_cut() {
        let evil = user("\u{202E}<b>Mallory</b>\u{2066}", Some("\u{200F}X"), None);
        assert_eq!(display_name(&evil), "<b>Mallory</b> X");
        assert_eq!(
            name_html("<b>Mallory</b> X"),
            "\u{2068}&lt;b&gt;Mallory&lt;/b&gt; X\u{2069}"
        );
        let long = user(&"ع".repeat(100), None, None);
        assert_eq!(display_name(&long).chars().count(), MAX_NAME);
        assert!(display_name(&long).ends_with('…'));
        assert_eq!(display_name(&user("\u{202E}", None, Some("sam"))), "sam");
        assert_eq!(display_name(&user(" ", None, None)), "Player 42");
    }

    #[test]
    fn a_long_text_is_cut_at_a_line_to_the_limit() {
        let text = "سطر\n".repeat(2000);
        let fitted = fit(text);
        assert!(fitted.chars().count() <= MAX_TEXT);
        assert!(fitted.ends_with("سطر\n…"));
    }

    #[test]
    fn a_wrong_press_names_the_right_answer_with_its_gloss_in_english() {
        let question = Question {
            id: "a/f".into(),
            article: "a".into(),
            fact_id: "f".into(),
            kind: crate::facts::Kind::Role,
            form: Form::Choice,
            lang: "ar".into(),
            stem: "من؟".into(),
            options: vec!["نائب رئيس الوزراء".into(), "وزير الدفاع".into()],
            correct: 0,
            key: String::new(),
            quote: "نائب رئيس الوزراء".into(),
            span: crate::article::Span { start: 0, end: 17 },
            paragraph: 1,
            gloss: Some(crate::quiz::QuestionGloss {
                stem: "Who?".into(),
                options: vec!["Deputy Prime Minister".into(), "Defence Minister".into()],
            }),
            claim: None,
        };
        let recorded = Recorded {
            quiz_id: 1,
            served_id: 1,
            position: 0,
            total: 1,
            question,
            choice: 1,
            correct: false,
            points: 0,
            streak: 0,
            message_id: Some(5),
            next: Step::Over(QuizSummary {
                quiz_id: 1,
                total: 1,
                answered: 1,
                correct: 0,
                points: 0,
                state: QuizState::Finished,
                rank: 1,
                players: 1,
                ended_now: true,
            }),
            article: ArticleInfo::default(),
        };
        let pressed = |lang| Pressed {
            lang,
            outcome: AnswerOutcome::Recorded(Box::new(recorded.clone())),
        };
        let (en, recorded_en, edits) = press(&pressed(Lang::En), 9, Some(5));
        assert!(recorded_en);
        assert_eq!(edits.len(), 1);
        assert!(
            en.contains("The right answer: نائب رئيس الوزراء (Deputy Prime Minister)"),
            "{en}"
        );
        let (ar, _, _) = press(&pressed(Lang::Ar), 9, Some(5));
        assert!(!ar.contains("Deputy"), "{ar}");
        assert!(ar.contains("الإجابة الصحيحة: نائب رئيس الوزراء"), "{ar}");
    }

    #[test]
    fn a_claims_buttons_read_true_and_false_in_english() {
        let claim = Question {
            id: "a/f/claim".into(),
            article: "a".into(),
            fact_id: "f".into(),
            kind: crate::facts::Kind::Date,
            form: Form::Claim,
            lang: "ar".into(),
            stem: "صحيح أم خطأ؟".into(),
            options: vec![crate::quiz::TRUE_AR.into(), crate::quiz::FALSE_AR.into()],
            correct: 0,
            key: String::new(),
            quote: "q".into(),
            span: crate::article::Span { start: 0, end: 1 },
            paragraph: 1,
            gloss: Some(crate::quiz::QuestionGloss {
                stem: "True or false?".into(),
                options: vec![crate::quiz::TRUE_EN.into(), crate::quiz::FALSE_EN.into()],
            }),
            claim: None,
        };
        let asked = Asked {
            served_id: 3,
            quiz_id: 1,
            position: 0,
            total: 1,
            question: claim,
            article: ArticleInfo::default(),
            again: false,
            message_id: None,
        };
        let labels = |lang| {
            let (_, keyboard) = question(lang, &asked);
            keyboard
                .inline_keyboard
                .iter()
                .flatten()
                .map(|b| b.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(Lang::En), ["True", "False"]);
        assert_eq!(labels(Lang::Ar), ["صحيح", "خطأ"]);
    }
}
