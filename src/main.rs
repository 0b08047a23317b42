//! The `factquiz` binary: parses the command line, sets up logging, runs the
//! command, and turns errors into an exit code with the whole error chain.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use factquiz::cli::{self, Cli, Command, QuestionsCommand};
use factquiz::config::BotConfig;
use factquiz::{telegram, terminal};
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let default_log = if matches!(cli.command, Command::Bot) {
        "info"
    } else {
        "warn"
    };
    factquiz::logging::init(default_log);
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(
                io::stderr(),
                "error: {}",
                factquiz::logging::redact(&format!("{e:#}"))
            );
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
            QuestionsCommand::Extract { file, date } => {
                cli::extract(&file, date.as_deref(), &mut out)
            }
        },
        Command::Bot => {
            let config = match BotConfig::from_env() {
                Ok(config) => config,
                Err(e) => {
                    eprintln!("{e}");
                    return Ok(ExitCode::from(cli::EXIT_UNAVAILABLE));
                }
            };
            let service = cli::open_service().await?;
            let shutdown = CancellationToken::new();
            tokio::spawn(stop_on_signal(shutdown.clone()));
            telegram::run(config, service, shutdown).await?;
            Ok(ExitCode::SUCCESS)
        }
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

/// Cancels `token` on SIGINT or SIGTERM: the bot stops taking updates,
/// finishes those in hand, and exits.
async fn stop_on_signal(token: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            tracing::error!("cannot listen for SIGINT/SIGTERM");
            return;
        };
        tokio::select! {
            _ = int.recv() => tracing::info!("SIGINT: stopping"),
            _ = term.recv() => tracing::info!("SIGTERM: stopping"),
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    token.cancel();
}
