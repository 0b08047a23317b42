//! The Telegram adapter: the handler tree ([`schema`]), shared by `main` and
//! the tests, the handlers that turn updates into service calls and views
//! into HTML, and [`run`], which polls Telegram until asked to stop.

pub mod callback;
pub mod commands;
pub mod group;
mod private;
pub mod render;
pub mod runner;
pub mod send;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::{Limits, Settings};
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Me};
use teloxide::{ApiError, RequestError};
use tokio_util::sync::CancellationToken;

pub use commands::Command;

use crate::config::{BotConfig, SendLimits};
use crate::i18n::Lang;
use crate::metrics::Metrics;
use crate::service::{Identity, Player, Service};
use crate::store::Origin;

/// The bot the handlers use: sends are throttled to Telegram's limits.
pub type TgBot = Throttle<Bot>;

/// What the handlers share.
pub struct App {
    pub service: Service,
    pub metrics: Arc<Metrics>,
    pub round_seconds: u32,
    /// Running group quizzes and the pace of group messages.
    pub groups: group::Groups,
    /// Players seen lately, by Telegram user id, with the name and language
    /// hint they were saved with: an update from a known user whose name did
    /// not change costs no write.
    players: Mutex<HashMap<u64, (Player, Identity)>>,
}

/// How many players [`App`] remembers before it starts afresh.
const PLAYER_CACHE: usize = 100_000;

impl App {
    pub fn new(service: Service, metrics: Arc<Metrics>, round_seconds: u32) -> App {
        App {
            service,
            metrics,
            round_seconds,
            groups: group::Groups::default(),
            players: Mutex::new(HashMap::new()),
        }
    }

    /// Who a Telegram user is, as the service knows players.
    pub fn identity(user: &teloxide::types::User) -> Identity {
        Identity {
            origin: Origin::Telegram,
            external_id: user.id.0.to_string(),
            name: render::display_name(user),
            lang: Lang::from_code(user.language_code.as_deref().unwrap_or("")),
        }
    }

    /// The player behind a Telegram user (created on first sight).
    pub async fn player(&self, user: &teloxide::types::User) -> anyhow::Result<Player> {
        let who = Self::identity(user);
        if let Some((player, seen)) = self.cache().get(&user.id.0)
            && *seen == who
        {
            return Ok(player.clone());
        }
        let player = self.service.enter(&who).await?;
        let mut cache = self.cache();
        if cache.len() >= PLAYER_CACHE {
            cache.clear();
        }
        cache.insert(user.id.0, (player.clone(), who));
        Ok(player)
    }

    /// Records a language the player chose, in the store and here.
    pub async fn choose_lang(&self, user: u64, player_id: i64, lang: Lang) -> anyhow::Result<()> {
        self.service.choose_lang(player_id, lang).await?;
        if let Some((player, _)) = self.cache().get_mut(&user) {
            player.lang = lang;
        }
        Ok(())
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (Player, Identity)>> {
        self.players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The handler tree.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    let private_messages = Update::filter_message()
        .filter(|m: Message| m.chat.is_private())
        .branch(
            dptree::entry()
                .filter_command::<Command>()
                .endpoint(private::on_command),
        )
        .endpoint(private::on_other);
    let group_commands = Update::filter_message()
        .filter(|m: Message| m.chat.is_group() || m.chat.is_supergroup())
        .filter_command::<Command>()
        .endpoint(group::on_command);
    dptree::entry()
        .branch(private_messages)
        .branch(group_commands)
        .branch(Update::filter_callback_query().endpoint(private::on_callback))
        .branch(Update::filter_poll_answer().endpoint(group::on_poll_answer))
}

/// A solo quiz with nothing shown for a day is stopped at start.
const IDLE_SOLO_MS: i64 = 24 * 60 * 60 * 1000;

/// The update kinds the bot asks Telegram for.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::PollAnswer,
    ]
}

/// Telegram's limits, or none (a local server, a benchmark). Supergroups get
/// the group limit of 20 a minute on purpose: teloxide would give them a
/// channel's 10.
pub fn limits(send: SendLimits) -> Limits {
    match send {
        SendLimits::Telegram => Limits {
            messages_per_sec_chat: 1,
            messages_per_min_chat: 20,
            messages_per_min_channel_or_supergroup: 20,
            messages_per_sec_overall: 30,
        },
        SendLimits::Off => Limits {
            messages_per_sec_chat: 10_000,
            messages_per_min_chat: 1_000_000,
            messages_per_min_channel_or_supergroup: 1_000_000,
            messages_per_sec_overall: 10_000,
        },
    }
}

/// The plain bot of a configuration.
pub fn bot(config: &BotConfig) -> Bot {
    let bot = Bot::new(config.token.expose());
    match &config.api_url {
        Some(url) => bot.set_api_url(url.clone()),
        None => bot,
    }
}

/// Runs the bot until `shutdown` is cancelled: takes the bot's identity,
/// registers the command menus, serves metrics if asked, then polls.
pub async fn run(
    config: BotConfig,
    service: Service,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let plain = bot(&config);
    let me = get_me(&plain, &shutdown).await?;
    tracing::info!(username = %me.username(), "bot identity taken");
    register_commands(&plain).await;

    let settings = Settings::default().limits(limits(config.send_limits));
    let throttled = Throttle::spawn_with_settings(plain.clone(), settings);
    let metrics = Arc::new(Metrics::new());
    let metrics_server = match &config.metrics_addr {
        Some(addr) => {
            let stop = shutdown.clone();
            Some(
                crate::metrics::serve(addr, metrics.clone(), async move { stop.cancelled().await })
                    .await?,
            )
        }
        None => None,
    };
    let app = Arc::new(App::new(service, metrics.clone(), config.round_seconds));
    let handler = schema();
    let deps = dptree::deps![throttled.clone(), app.clone(), me];
    dptree::type_check(handler.sig(), &deps, &[dptree::Type::of::<Update>()]);
    app.service.stop_idle_solo(IDLE_SOLO_MS).await?;
    group::resume_all(&throttled, &app).await?;
    let apology_bot = throttled.clone();
    let runner = runner::Runner {
        bot: plain,
        handler,
        deps,
        metrics,
        apology: Arc::new(move |update| {
            let bot = apology_bot.clone();
            Box::pin(async move { apologise(&bot, &update).await })
        }),
        allowed_updates: allowed_updates(),
    };
    runner.run(shutdown).await;
    app.groups.stop_all();
    if let Some(server) = metrics_server {
        let _ = server.await;
    }
    app.service.store().close().await;
    Ok(())
}

/// `getMe`, retried while Telegram cannot be reached; a rejected token ends it.
async fn get_me(bot: &Bot, shutdown: &CancellationToken) -> anyhow::Result<Me> {
    let mut wait = Duration::from_secs(1);
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                anyhow::bail!("Telegram rejected TELOXIDE_TOKEN: check it with @BotFather")
            }
            Err(e) => {
                tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "cannot reach the Bot API");
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = shutdown.cancelled() => anyhow::bail!("stopped before the Bot API answered"),
                }
                wait = (wait * 2).min(Duration::from_secs(30));
            }
        }
    }
}

/// The command menus in Arabic (everyone) and English (`language_code = en`).
async fn register_commands(bot: &Bot) {
    let ar = send::retrying(|| bot.set_my_commands(commands::menu(Lang::Ar)).send()).await;
    let en = send::retrying(|| {
        bot.set_my_commands(commands::menu(Lang::En))
            .language_code("en")
            .send()
    })
    .await;
    if let Err(e) = ar.and(en) {
        tracing::warn!(error = %e, "could not register the command menus");
    }
}

/// A short apology to the user whose update could not be handled.
async fn apologise(bot: &TgBot, update: &Update) {
    let lang = Lang::from_code(
        update
            .from()
            .and_then(|u| u.language_code.as_deref())
            .unwrap_or(""),
    );
    let text = lang.pick(
        "⚠️ عذراً، حدث خطأ ولم نتمكن من إتمام طلبك. حاول مرة أخرى بعد قليل.",
        "⚠️ Sorry, something went wrong and your request was not completed. Please try again shortly.",
    );
    if let teloxide::types::UpdateKind::CallbackQuery(q) = &update.kind {
        let _ = send::retrying(|| {
            bot.answer_callback_query(q.id.clone())
                .text(render::cut(text, 200))
                .send()
        })
        .await;
    }
    if let Some(chat) = update.chat()
        && let Err(e) = bot.send_message(chat.id, text).await
    {
        tracing::warn!(error = %e, "the apology could not be sent either");
    }
}
