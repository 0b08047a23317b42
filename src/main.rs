//! The `factquiz` binary: parses the command line, sets up logging, runs the
//! command, and turns errors into an exit code with the whole error chain.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use factquiz::cli::{self, Cli, Command, QuestionsCommand};
use factquiz::config::BotConfig;
use factquiz::{telegram, terminal};
use tokio_util::sync::CancellationToken;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(start());
    // A read of stdin still waiting (the quiz ended by Ctrl-C) runs on a
    // blocking thread that only a new line would end: do not wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    code
}

async fn start() -> ExitCode {
    let cli = Cli::parse();
    let default_log = if matches!(cli.command, Command::Bot) {
        "info"
    } else {
        "warn"
    };
    factquiz::logging::init(default_log);
    match run(cli).await {
        Ok(code) => code,
        // A reader that stops reading (`| head`) is a normal end for a Unix
        // tool: stop quietly.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
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

/// Whether an error is a write to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    match cli.command {
        Command::Questions { command } => match command {
            QuestionsCommand::Check { dir, strict } => {
                cli::check(&cli::questions_dir(dir), strict, &mut out)
            }
            QuestionsCommand::Export {
                seed,
                english,
                claims,
                drafts,
            } => cli::export(
                &cli::questions_dir(None),
                seed,
                english,
                claims,
                drafts,
                &mut out,
            ),
            QuestionsCommand::Extract {
                file,
                date,
                out: dir,
            } => cli::extract(&file, date.as_deref(), dir.as_deref(), &mut out),
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
            article,
        } => {
            let name = terminal::player_name(name.as_deref())?;
            let service = cli::open_service().await?;
            let mut input = tokio::io::BufReader::new(tokio::io::stdin());
            let interrupt = CancellationToken::new();
            tokio::spawn(stop_on_signal(interrupt.clone()));
            let term = terminal::Terminal {
                lang,
                echo: !io::stdin().is_terminal(),
                interrupt,
                article,
            };
            let played =
                terminal::play(&service, &name, term, questions, &mut input, &mut out).await;
            // Whatever happened, what was answered is in the database file.
            service.store().close().await;
            played?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Db {
            command: cli::DbCommand::Copy { from, to },
        } => {
            cli::db_copy(&from, &to, &mut out).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats {
            article,
            json,
            lang,
        } => {
            cli::stats(article, json, lang, &mut out).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Leaderboard {
            chat,
            limit,
            week,
            article,
            lang,
        } => {
            let store = cli::open_store().await?;
            let boards = factquiz::service::boards::Boards::new(
                store.clone(),
                std::sync::Arc::new(factquiz::service::SystemClock),
            );
            let printed =
                terminal::print_leaderboard(&boards, (chat, week, article), limit, lang, &mut out)
                    .await;
            store.close().await;
            printed?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Cancels `token` on SIGINT or SIGTERM: the bot stops taking updates,
/// finishes those in hand, and exits; the terminal quiz ends as at the end
/// of its input.
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
