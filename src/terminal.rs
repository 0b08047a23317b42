//! The quiz in a terminal (or a pipe): each question with numbered options,
//! an option number read per line, the verdict with the right answer and its
//! quote, then the score and rank. Junk is asked again; the end of input, or
//! Ctrl-C, ends the quiz with what was answered kept and the score shown.

use std::io::Write;

use anyhow::Context;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};
use tokio_util::sync::CancellationToken;

use crate::i18n::Lang;
use crate::service::{
    AnswerOutcome, Asked, Identity, Origin, QuizSummary, Recorded, Scope, Service, Standing, Step,
};

/// The longest player name kept.
pub const MAX_NAME_CHARS: usize = 64;

/// The player's name: the one given (checked by [`parse_name`]), or the
/// login name (`$USER`, `$LOGNAME`, else the system's), else "player".
pub fn player_name(given: Option<&str>) -> anyhow::Result<String> {
    if let Some(name) = given {
        return parse_name(name).map_err(|e| anyhow::anyhow!(e));
    }
    let login = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()))
        .or_else(|| whoami::username().ok());
    Ok(login
        .and_then(|n| parse_name(&n).ok())
        .unwrap_or_else(|| "player".to_owned()))
}

/// A name for the leaderboards: control and invisible characters removed,
/// cut to [`MAX_NAME_CHARS`]; an empty one is refused.
pub fn parse_name(name: &str) -> Result<String, String> {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && !crate::arabic::is_invisible(*c))
        .take(MAX_NAME_CHARS)
        .collect();
    let clean = clean.trim().to_owned();
    if clean.is_empty() {
        return Err("the player name is empty: give one with --name".to_owned());
    }
    Ok(clean)
}

/// How the terminal quiz talks.
#[derive(Debug, Clone)]
pub struct Terminal {
    pub lang: Lang,
    /// Write each answer read after its prompt: input from a pipe is not
    /// echoed by a terminal, and the transcript should read like a session.
    pub echo: bool,
    /// Cancelled on Ctrl-C: the quiz ends as at the end of input.
    pub interrupt: CancellationToken,
    /// The article the quiz is about (its slug); the newest when `None`.
    pub article: Option<String>,
}

/// Plays a quiz of `questions` questions for `name`, reading answers from
/// `input` and writing to `out`. Returns the summary.
pub async fn play(
    service: &Service,
    name: &str,
    term: Terminal,
    questions: u8,
    input: &mut (impl AsyncBufRead + Unpin),
    out: &mut impl Write,
) -> anyhow::Result<QuizSummary> {
    let lang = term.lang;
    let player = service
        .enter(&Identity {
            origin: Origin::Terminal,
            external_id: name.to_owned(),
            name: name.to_owned(),
            lang,
        })
        .await?;
    if let Some(slug) = &term.article
        && service.catalog().find(slug).is_none()
    {
        let slugs: Vec<&str> = service
            .catalog()
            .list()
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        anyhow::bail!(
            "there is no article `{slug}`; the published ones are: {}",
            slugs.join(", ")
        );
    }
    let (quiz_id, _) = service
        .start_solo(player.id, None, questions, term.article.as_deref(), None)
        .await?;
    let mut step = service.next(quiz_id, player.id).await?;
    // The quiz's own size: fewer than asked when the bank has fewer facts.
    let total = match &step {
        Step::Ask(asked) => asked.total,
        Step::Over(summary) => summary.total,
    };
    writeln!(out, "{}", lang.welcome_terminal(name, total))?;
    loop {
        let asked = match step {
            Step::Ask(asked) => asked,
            Step::Over(summary) => {
                write_summary(out, lang, &summary)?;
                return Ok(summary);
            }
        };
        show_question(out, lang, &asked)?;
        let Some(choice) = read_choice(input, out, &term, asked.question.options.len()).await?
        else {
            writeln!(out)?;
            let summary = service
                .stop(player.id)
                .await?
                .context("the quiz was running")?;
            writeln!(out, "{}", lang.stopped())?;
            write_summary(out, lang, &summary)?;
            return Ok(summary);
        };
        step = match service.answer(asked.served_id, player.id, choice).await? {
            AnswerOutcome::Recorded(r) => {
                show_verdict(out, lang, &r)?;
                r.next
            }
            // One player, one terminal: anything else means another process
            // played the same quiz; ask where it stands.
            other => {
                tracing::warn!(?other, "answer not recorded");
                service.next(quiz_id, player.id).await?
            }
        };
    }
}

fn show_question(out: &mut impl Write, lang: Lang, asked: &Asked) -> anyhow::Result<()> {
    let q = &asked.question;
    writeln!(out)?;
    writeln!(
        out,
        "── {} ──",
        lang.question_of(asked.position + 1, asked.total)
    )?;
    let label = match lang {
        Lang::En => asked
            .article
            .label_en
            .as_deref()
            .unwrap_or(&asked.article.label),
        Lang::Ar => &asked.article.label,
    };
    writeln!(out, "{}", lang.about_article(label))?;
    writeln!(out, "{}", q.stem)?;
    let gloss = q.gloss.as_ref().filter(|_| lang.is_en());
    if let Some(g) = gloss {
        writeln!(out, "{}", g.stem)?;
    }
    for (i, option) in q.options.iter().enumerate() {
        match gloss.and_then(|g| g.options.get(i)) {
            Some(en) if q.form == crate::quiz::Form::Choice => {
                writeln!(out, "  {}) {option} — {en}", i + 1)?;
            }
            // A claim's «صحيح» / «خطأ» is said in English: True / False.
            Some(en) => writeln!(out, "  {}) {en}", i + 1)?,
            None => writeln!(out, "  {}) {option}", i + 1)?,
        }
    }
    Ok(())
}

/// Reads an option number (1-based on screen, 0-based returned); `None` at
/// the end of input.
async fn read_choice(
    input: &mut (impl AsyncBufRead + Unpin),
    out: &mut impl Write,
    term: &Terminal,
    options: usize,
) -> anyhow::Result<Option<usize>> {
    let lang = term.lang;
    loop {
        write!(out, "{}", lang.prompt(options))?;
        out.flush()?;
        let mut line = String::new();
        let read = tokio::select! {
            read = input.read_line(&mut line) => read.context("cannot read the answer")?,
            () = term.interrupt.cancelled() => 0,
        };
        if read == 0 {
            return Ok(None);
        }
        if term.echo {
            writeln!(out, "{}", line.trim_end())?;
        }
        let digits = crate::arabic::normalize(line.trim());
        match digits.parse::<usize>() {
            Ok(n) if (1..=options).contains(&n) => return Ok(Some(n - 1)),
            _ => writeln!(out, "{}", lang.not_an_option(options))?,
        }
    }
}

fn show_verdict(out: &mut impl Write, lang: Lang, r: &Recorded) -> anyhow::Result<()> {
    let q = &r.question;
    if r.correct {
        writeln!(out, "{}", lang.right(r.points))?;
        if let Some(streak) = r.streak_to_tell() {
            writeln!(out, "{}", lang.streak(streak))?;
        }
    } else {
        // In English, the right answer's gloss beside it.
        let gloss = q
            .gloss
            .as_ref()
            .filter(|_| lang.is_en())
            .and_then(|g| g.options.get(q.correct));
        match gloss {
            Some(en) => writeln!(
                out,
                "{} {} {} ({en})",
                lang.wrong(),
                lang.right_answer(),
                q.answer()
            )?,
            None => writeln!(
                out,
                "{} {} {}",
                lang.wrong(),
                lang.right_answer(),
                q.answer()
            )?,
        }
    }
    writeln!(out, "«{}»", q.quote)?;
    let info = &r.article;
    let title = match lang {
        Lang::En => info.title_en.as_deref().unwrap_or(&info.title),
        Lang::Ar => &info.title,
    };
    writeln!(out, "{}", lang.source(title, q.paragraph))?;
    Ok(())
}

fn write_summary(out: &mut impl Write, lang: Lang, s: &QuizSummary) -> anyhow::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        lang.final_score(s.points, s.correct, s.answered, s.total)
    )?;
    writeln!(out, "{}", lang.rank(s.rank, s.players))?;
    Ok(())
}

/// Prints a leaderboard, one player per line; needs the database only.
pub async fn print_leaderboard(
    boards: &crate::service::boards::Boards,
    (chat, week, article): (Option<i64>, bool, Option<String>),
    limit: u32,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let scope = chat.map_or(Scope::Global, Scope::Chat);
    let period = if week {
        crate::service::Period::ThisWeek
    } else {
        crate::service::Period::AllTime
    };
    let title = lang.leaderboard_title(chat.is_some(), week);
    let title = match &article {
        Some(slug) => format!("{title} · {slug}"),
        None => title.to_owned(),
    };
    let board = boards
        .leaderboard(scope, period, article, limit, None)
        .await?;
    writeln!(out, "{title}")?;
    if board.rows.is_empty() {
        writeln!(out, "{}", lang.empty_leaderboard())?;
    }
    for row in &board.rows {
        writeln!(out, "{}", leaderboard_line(lang, row))?;
    }
    Ok(())
}

/// "3. name — 250 pts (3/4)".
pub fn leaderboard_line(lang: Lang, row: &Standing) -> String {
    format!(
        "{}. {} — {} ({}/{})",
        row.rank,
        row.name,
        lang.points_short(row.points),
        row.correct,
        row.answered
    )
}
