//! The command line: clap definitions and the commands that only read the
//! question bank. Commands write to `&mut impl Write` so tests see the output.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::config;
use crate::facts::{Corpus, LoadErrors};
use crate::i18n::Lang;
use crate::quiz::{self, Alternatives, Bank, export::ExportLine};
use crate::service::{Service, SystemClock};
use crate::store::Store;

/// The seed `questions export` uses when none is given, so that two runs
/// print the same bank.
pub const DEFAULT_SEED: u64 = 0;

/// Exit code of a command that ran and found problems (`questions check`).
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code of a command that cannot run here (same as a usage error).
pub const EXIT_UNAVAILABLE: u8 = 2;

/// A Telegram bot that turns a news article into a fact-check quiz.
#[derive(Debug, Parser)]
#[command(name = "factquiz", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The settings `bot` reads, for its `--help`.
const BOT_ENVIRONMENT: &str = "\
Environment:
  TELOXIDE_TOKEN          the bot's token, from @BotFather (required; never logged)
  TELOXIDE_API_URL        another Bot API server (default: Telegram's)
  FACTQUIZ_ROUND_SECONDS  time of a group question, 5-600 (default: 30)
  FACTQUIZ_SEND_LIMITS    telegram (default) or off: the bot's own pacing of messages
  FACTQUIZ_METRICS_ADDR   host:port for /metrics and /healthz (default: none)
  FACTQUIZ_WEBHOOK_URL    webhook mode: the public https URL given to setWebhook
  FACTQUIZ_LISTEN         webhook mode: the host:port to serve it on
  FACTQUIZ_WEBHOOK_SECRET webhook mode: the secret Telegram sends (default: derived from the token)
  DATABASE_URL            an SQLite file (a path or sqlite:// URL) or a postgres:// URL
                          (default: sqlite://factquiz.db)
  FACTQUIZ_QUESTIONS      the questions folder (default: questions)
  RUST_LOG                log filter (default: info)";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Telegram bot (long polling); needs TELOXIDE_TOKEN.
    #[command(after_help = BOT_ENVIRONMENT)]
    Bot,
    /// Play the quiz in the terminal, against the same engine and database; no token needed.
    Play {
        /// Your name on the leaderboards (default: your login name).
        #[arg(long, value_parser = crate::terminal::parse_name)]
        name: Option<String>,
        /// How many questions (1-20).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=20))]
        questions: u8,
        /// Interface language: ar or en (adds the English gloss).
        #[arg(long, default_value = "ar", value_parser = parse_lang)]
        lang: Lang,
        /// The article the quiz is about, by its folder's name (the newest
        /// when not given).
        #[arg(long)]
        article: Option<String>,
    },
    /// Check, export or draft the question bank.
    Questions {
        #[command(subcommand)]
        command: QuestionsCommand,
    },
    /// Print a leaderboard from the database.
    Leaderboard {
        /// A chat's leaderboard instead of the global one (a group's id is
        /// negative: `--chat -1001234567890`).
        #[arg(long, allow_negative_numbers = true)]
        chat: Option<i64>,
        /// How many players to show.
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
        limit: u32,
        /// This week only (weeks start on Monday, UTC).
        #[arg(long)]
        week: bool,
        /// One article's leaderboard, by its folder's name.
        #[arg(long)]
        article: Option<String>,
        /// Language of the headings: ar or en.
        #[arg(long, default_value = "ar", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Work on the database itself.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// How readers did on each fact: times asked, the share answered right,
    /// the wrong option chosen most, the median answer time.
    Stats {
        /// One article only, by its folder's name.
        #[arg(long)]
        article: Option<String>,
        /// One JSON object per fact, for scripts.
        #[arg(long)]
        json: bool,
        /// Language of the headings: ar or en.
        #[arg(long, default_value = "ar", value_parser = parse_lang)]
        lang: Lang,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy everything one database holds into another, empty one (SQLite
    /// to PostgreSQL, or back). Stop the bot first.
    Copy {
        /// The database to copy: an SQLite file or sqlite:// URL, or a
        /// postgres:// URL.
        #[arg(long, value_name = "URL")]
        from: String,
        /// The database to copy into, created and migrated if need be; it
        /// must hold nothing yet.
        #[arg(long, value_name = "URL")]
        to: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum QuestionsCommand {
    /// Validate every article and facts file; exit 1 if anything is wrong.
    Check {
        /// The questions folder (default: FACTQUIZ_QUESTIONS, or ./questions).
        dir: Option<PathBuf>,
        /// Treat the editorial warnings (a missing English gloss or claim) as
        /// problems: exit 1 if there is any.
        #[arg(long)]
        strict: bool,
    },
    /// Print the question bank as JSON Lines.
    Export {
        /// Seed of the random choices; the same seed prints the same bank.
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Also print each question's English gloss (lang "en").
        #[arg(long)]
        english: bool,
        /// Also print a true-or-false claim derived from each question.
        #[arg(long)]
        claims: bool,
        /// Also print the questions of facts marked `review = true` (never
        /// served), for the editor reading a draft.
        #[arg(long)]
        drafts: bool,
    },
    /// Draft a facts file from a new article (plain UTF-8 text).
    Extract {
        /// The article.
        file: PathBuf,
        /// The article's own date (YYYY-MM-DD), for relative dates (أمس, يوم غد);
        /// without it, a dateline in the article is used if there is one.
        #[arg(long, value_parser = parse_date)]
        date: Option<String>,
        /// Write `article.txt` and the draft `facts.toml` into this folder
        /// (`questions/<slug>/`) instead of printing the draft; never over a
        /// facts file that holds reviewed facts.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

fn parse_date(s: &str) -> Result<String, String> {
    crate::extract::valid_date(s)
        .then(|| s.to_owned())
        .ok_or_else(|| format!("`{s}` is not a date of the form YYYY-MM-DD"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("`{s}` is not a language: use ar or en"))
}

/// `factquiz db copy`: copies `from` into `to` and says what it copied.
pub async fn db_copy(from: &str, to: &str, out: &mut impl Write) -> anyhow::Result<()> {
    // Opening makes a missing SQLite file: a mistyped source would copy
    // nothing, and say so only by its counts.
    if let crate::store::Target::Sqlite(path) = crate::store::Target::parse(from)?
        && !path.exists()
    {
        anyhow::bail!("`{}` does not exist: nothing to copy", path.display());
    }
    // A source that holds part of a copy is not copied on (and the target
    // is not even made).
    let source = open_whole(from).await?;
    let target = match Store::open(to).await {
        Ok(target) => target,
        Err(e) => {
            source.close().await;
            return Err(e);
        }
    };
    let copied = crate::store::copy::copy(&source, &target).await;
    source.close().await;
    target.close().await;
    let copied = copied?;
    if let Some(earlier) = &copied.restarted {
        writeln!(
            out,
            "{earlier} into {} had not finished: its part was taken out first",
            target.name()
        )?;
    }
    let rows: usize = copied.tables.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "copied {rows} rows from {} to {}:",
        source.name(),
        target.name()
    )?;
    for (table, n) in copied.tables {
        writeln!(out, "  {table:<16} {n}")?;
    }
    Ok(())
}

/// Opens the database and the question bank: what `play` and `bot` run
/// on. The bank is built with a fresh random seed, of the facts that are
/// not awaiting review.
pub async fn open_service() -> anyhow::Result<Service> {
    let dir = config::questions_dir();
    let corpus = Corpus::load(&dir)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot load the questions from `{}`", dir.display()))?;
    let mut rng: ChaCha8Rng = rand::make_rng();
    let bank = quiz::build(&corpus, Alternatives::builtin(), &mut rng)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("the question bank does not build (run `factquiz questions check`)")?
        .without_drafts(&corpus);
    if bank.is_empty() {
        let drafts = corpus
            .articles
            .iter()
            .flat_map(|a| &a.facts)
            .filter(|f| f.review)
            .count();
        anyhow::bail!(
            "nothing to play: the articles in `{}` have no facts{}",
            dir.display(),
            if drafts > 0 {
                format!(" that are reviewed ({drafts} marked review = true wait for a reader)")
            } else {
                String::new()
            }
        );
    }
    let store = open_store().await?;
    Ok(Service::new(
        store,
        &corpus,
        bank,
        Arc::new(SystemClock),
        None,
    ))
}

/// Opens the database alone: what `leaderboard` needs.
pub async fn open_store() -> anyhow::Result<Store> {
    open_whole(&config::database_url()).await
}

/// Opens the database at `url`, refusing one that holds part of a copy
/// that did not finish.
async fn open_whole(url: &str) -> anyhow::Result<Store> {
    let store = Store::open(url).await?;
    if let Err(e) = crate::store::copy::refuse_unfinished(&store).await {
        store.close().await;
        return Err(e);
    }
    Ok(store)
}

/// Loads the corpus of `dir` and builds its bank with `seed`.
pub fn load_bank(dir: &Path, seed: u64) -> Result<(Corpus, Bank), LoadErrors> {
    let corpus = Corpus::load(dir)?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let bank = quiz::build(&corpus, Alternatives::builtin(), &mut rng)?;
    Ok((corpus, bank))
}

/// What an editor should fix though the bank builds: each names the file,
/// the fact and the reason.
fn warnings(corpus: &Corpus, dir: &Path) -> Vec<String> {
    let Ok(builder) = quiz::Builder::new(corpus, Alternatives::builtin()) else {
        return Vec::new();
    };
    quiz::lint::lints(&builder)
        .into_iter()
        .map(|lint| {
            let file = dir
                .join(lint.article.article.slug())
                .join(crate::facts::FACTS_FILE);
            format!(
                "{}: fact `{}`: warning: {}",
                file.display(),
                lint.fact.id,
                lint.reason
            )
        })
        .collect()
}

/// `questions check`: every problem on its own line, then a summary; the
/// editorial warnings after it (problems with `strict`).
pub fn check(dir: &Path, strict: bool, out: &mut impl Write) -> anyhow::Result<ExitCode> {
    let (corpus, bank) = match load_bank(dir, DEFAULT_SEED) {
        Ok(loaded) => loaded,
        Err(errors) => {
            for e in &errors.0 {
                writeln!(out, "{e}")?;
            }
            let n = errors.0.len();
            writeln!(out, "{n} problem{} found", if n == 1 { "" } else { "s" })?;
            return Ok(ExitCode::from(EXIT_PROBLEMS));
        }
    };
    let empty: Vec<&str> = corpus
        .articles
        .iter()
        .filter(|a| a.facts.is_empty())
        .map(|a| a.article.slug())
        .collect();
    if corpus.articles.is_empty() || !empty.is_empty() {
        if corpus.articles.is_empty() {
            writeln!(out, "{}: no articles: nothing to play", dir.display())?;
        }
        for slug in &empty {
            writeln!(
                out,
                "{}: no facts: nothing to play from this article",
                dir.join(slug).join("facts.toml").display()
            )?;
        }
        let n = empty.len().max(1);
        writeln!(out, "{n} problem{} found", if n == 1 { "" } else { "s" })?;
        return Ok(ExitCode::from(EXIT_PROBLEMS));
    }
    let mut by_kind = BTreeMap::new();
    for q in &bank.questions {
        *by_kind.entry(q.kind.as_str()).or_insert(0usize) += 1;
    }
    let kinds: Vec<String> = by_kind.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let review: usize = corpus
        .articles
        .iter()
        .flat_map(|a| &a.facts)
        .filter(|f| f.review)
        .count();
    writeln!(
        out,
        "ok: {} article{}, {} facts, {} questions ({})",
        corpus.articles.len(),
        if corpus.articles.len() == 1 { "" } else { "s" },
        corpus.fact_count(),
        bank.len(),
        kinds.join(", ")
    )?;
    if review > 0 {
        writeln!(
            out,
            "{review} fact{} marked review = true, never served until a person clears the flag:",
            if review == 1 { " is" } else { "s are" }
        )?;
        for a in &corpus.articles {
            let file = dir.join(a.article.slug()).join(crate::facts::FACTS_FILE);
            for f in a.facts.iter().filter(|f| f.review) {
                let why = bank
                    .unbuilt_drafts
                    .iter()
                    .find(|e| e.file == a.facts_path && e.fact.as_deref() == Some(f.id.as_str()))
                    .map(|e| format!(", and {}", e.problem))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}: fact `{}`: needs review{why}",
                    file.display(),
                    f.id
                )?;
            }
        }
    }
    let warnings = warnings(&corpus, dir);
    for w in &warnings {
        writeln!(out, "{w}")?;
    }
    if strict && !warnings.is_empty() {
        let n = warnings.len();
        writeln!(
            out,
            "{n} warning{} (--strict: each is a problem)",
            if n == 1 { "" } else { "s" }
        )?;
        return Ok(ExitCode::from(EXIT_PROBLEMS));
    }
    Ok(ExitCode::SUCCESS)
}

/// `questions export`: the bank as JSON Lines.
pub fn export(
    dir: &Path,
    seed: u64,
    english: bool,
    claims: bool,
    drafts: bool,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let (corpus, bank) = load_bank(dir, seed)
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("cannot build the question bank from {}", dir.display()))?;
    // Claims use a stream of their own, so adding them never changes the
    // bank; they are drawn for the drafts too, so that `--drafts` adds
    // lines and changes none.
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_add(1));
    let mut derived: Vec<_> = if claims {
        bank.questions
            .iter()
            .filter_map(|q| quiz::claim_check(q, &mut rng))
            .collect()
    } else {
        Vec::new()
    };
    // The bank served, as the bot and `play` build it; drafts only on demand.
    let all = bank.questions.len();
    let bank = if drafts {
        bank
    } else {
        let served = bank.without_drafts(&corpus);
        let kept: std::collections::HashSet<&str> =
            served.questions.iter().map(|q| q.id.as_str()).collect();
        derived.retain(|c| kept.contains(crate::game::plan::fact_key(&c.id)));
        served
    };
    if bank.questions.len() < all && bank.is_empty() {
        eprintln!("every fact awaits review (review = true): `--drafts` prints their questions");
    }
    let mut lines = Vec::new();
    for q in bank.questions.iter().chain(&derived) {
        lines.push(ExportLine::new(q));
        if english && let Some(gloss) = &q.gloss {
            lines.push(ExportLine::english(q, gloss));
        }
    }
    quiz::export::write_lines(out, lines)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `questions extract`: a draft facts file for the article in `file`,
/// printed, or written with the article into `dir`.
pub fn extract(
    file: &Path,
    date: Option<&str>,
    dir: Option<&Path>,
    out: &mut impl Write,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{} is not UTF-8 text (invalid byte at offset {})",
            file.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    anyhow::ensure!(!text.trim().is_empty(), "{} is empty", file.display());
    let draft = crate::extract::extract(&text, date);
    if draft.facts.is_empty() {
        anyhow::bail!(
            "no facts found in {}: nothing to play. The rules read Arabic news prose (dates, people and their roles, places, numbers, sources); this text has none they recognise",
            file.display()
        );
    }
    let toml = crate::extract::to_toml(&draft)?;
    // Where the article's date came from, for the reviewer to check: relative
    // dates («أمس», «يوم غد») are read against it.
    let dated = match (date, draft.article.date.as_deref()) {
        (Some(_), _) => None,
        (None, Some(found)) => Some(format!(
            "the article's date {found} was read from a dateline: check it (or pass --date YYYY-MM-DD)"
        )),
        (None, None) => Some(
            "the article has no dateline: set `date` under [article] (or pass --date YYYY-MM-DD); relative dates were left unread".to_owned(),
        ),
    };
    let Some(dir) = dir else {
        out.write_all(toml.as_bytes())?;
        if let Some(dated) = dated {
            eprintln!("{dated}");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let facts_path = dir.join(crate::facts::FACTS_FILE);
    refuse_reviewed(&facts_path)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let article_path = dir.join(crate::facts::ARTICLE_FILE);
    std::fs::write(&article_path, &text)
        .with_context(|| format!("cannot write {}", article_path.display()))?;
    std::fs::write(&facts_path, toml)
        .with_context(|| format!("cannot write {}", facts_path.display()))?;
    writeln!(
        out,
        "wrote {} and {}: {} facts, each marked review = true and never served until a person clears it; `factquiz questions check` lists what still needs review",
        article_path.display(),
        facts_path.display(),
        draft.facts.len()
    )?;
    if let Some(dated) = dated {
        writeln!(out, "{dated}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses to write a draft over a facts file that a person has worked on:
/// one with a fact not marked `review = true`, or one that does not parse
/// as a facts file.
fn refuse_reviewed(facts_path: &Path) -> anyhow::Result<()> {
    let existing = match std::fs::read_to_string(facts_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", facts_path.display())),
    };
    let file: crate::facts::FactsFile = toml::from_str(&existing).map_err(|e| {
        anyhow::anyhow!(
            "{} exists and is not a draft facts file ({}): not overwritten; move it away first",
            facts_path.display(),
            e.message()
        )
    })?;
    let reviewed = file.facts.iter().filter(|f| !f.review).count();
    anyhow::ensure!(
        reviewed == 0,
        "{} holds {reviewed} reviewed fact{} (without review = true): not overwritten; move it away or choose another folder",
        facts_path.display(),
        if reviewed == 1 { "" } else { "s" }
    );
    Ok(())
}

/// The questions folder of a command: its argument, or the configured one.
pub fn questions_dir(arg: Option<PathBuf>) -> PathBuf {
    arg.unwrap_or_else(config::questions_dir)
}

/// `stats`: per fact, from the database alone.
pub async fn stats(
    article: Option<String>,
    json: bool,
    lang: Lang,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let store = open_store().await?;
    let facts = store
        .read(move |conn| crate::service::newsroom::fact_stats(conn, article.as_deref()))
        .await;
    store.close().await;
    let facts = facts?;
    if json {
        for f in &facts {
            writeln!(out, "{}", serde_json::to_string(f)?)?;
        }
        return Ok(());
    }
    if facts.is_empty() {
        writeln!(out, "{}", lang.no_fact_stats())?;
        return Ok(());
    }
    writeln!(out, "{}", lang.fact_stats_heading())?;
    for f in &facts {
        writeln!(
            out,
            "{}",
            lang.fact_stats_line(
                &format!("{}/{}", f.article, f.fact),
                f.asked,
                f.answers,
                f.right_share,
                f.top_wrong.as_ref().map(|(t, n)| (t.as_str(), *n)),
                f.median_ms,
            )
        )?;
    }
    Ok(())
}
