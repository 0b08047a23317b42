//! The `factquiz` binary: parses the command line, sets up logging, runs the
//! command, and turns errors into an exit code with the whole error chain.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use factquiz::cli::{self, Cli, Command, QuestionsCommand};
use factquiz::terminal;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("warn")),
        )
        .with_writer(io::stderr)
        .init();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match cli.command {
        Command::Questions { command } => match command {
            QuestionsCommand::Check { dir } => cli::check(&cli::questions_dir(dir), &mut out),
            QuestionsCommand::Export {
                seed,
                english,
                claims,
            } => cli::export(&cli::questions_dir(None), seed, english, claims, &mut out),
            QuestionsCommand::Extract { .. } => not_yet("questions extract"),
        },
        Command::Bot => not_yet("bot"),
        Command::Play {
            name,
            questions,
            lang,
        } => {
            let name = terminal::player_name(name.as_deref())?;
            let service = cli::open_service().await?;
            let mut input = tokio::io::BufReader::new(tokio::io::stdin());
            let term = terminal::Terminal {
                lang,
                echo: !io::stdin().is_terminal(),
            };
            terminal::play(&service, &name, term, questions, &mut input, &mut out).await?;
            service.store().close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Leaderboard {
            chat,
            limit,
            week,
            lang,
        } => {
            let service = cli::open_service().await?;
            terminal::print_leaderboard(&service, chat, week, limit, lang, &mut out).await?;
            service.store().close().await;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn not_yet(command: &str) -> anyhow::Result<ExitCode> {
    eprintln!(
        "factquiz {command} is not available yet in this version; `factquiz questions export` prints the question bank."
    );
    Ok(ExitCode::from(cli::EXIT_UNAVAILABLE))
}
