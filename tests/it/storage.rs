//! Storage and the service on a real database (an SQLite file, or
//! PostgreSQL under `.ci/with-postgres`): migrations, solo quizzes, stats,
//! leaderboards with ties, weeks and chats, and answers under concurrency.

use std::sync::Arc;

use anyhow::Context;

use factquiz::service::{AnswerOutcome, ChatRef, Period, Scope, Service, Step};
use factquiz::store::Store;

use crate::helpers::{T0, TestApp, query, query_all, query_with};

/// Asks the next question of a solo quiz; panics if the quiz is over.
async fn ask(service: &Service, quiz: i64, player: i64) -> factquiz::service::Asked {
    match service.next(quiz, player).await.expect("next") {
        Step::Ask(a) => *a,
        Step::Over(s) => panic!("quiz over early: {s:?}"),
    }
}

/// Plays a solo quiz answering right (true) or wrong (false) in turn.
async fn play(app: &TestApp, player: i64, chat: Option<&ChatRef>, answers: &[bool]) -> i64 {
    let n = u8::try_from(answers.len()).expect("small");
    let (quiz, _) = app
        .service
        .start_solo(player, chat, n, None, None)
        .await
        .expect("start");
    for &right in answers {
        let asked = ask(&app.service, quiz, player).await;
        let q = &asked.question;
        let choice = if right {
            q.correct
        } else {
            (q.correct + 1) % q.options.len()
        };
        app.clock.advance(1_000);
        match app
            .service
            .answer(asked.served_id, player, choice)
            .await
            .expect("answer")
        {
            AnswerOutcome::Recorded(r) => assert_eq!(r.correct, right),
            other => panic!("not recorded: {other:?}"),
        }
    }
    assert!(matches!(
        app.service.next(quiz, player).await.expect("next"),
        Step::Over(_)
    ));
    quiz
}

#[tokio::test]
async fn migrations_apply_to_an_empty_and_to_a_migrated_database() {
    let app = TestApp::new().await;
    let url = app.db.url().to_owned();
    let (tables, version) = if app.db.is_postgres() {
        (
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_name <> 'factquiz_migrations'
             ORDER BY table_name",
            "SELECT COUNT(*) FROM factquiz_migrations",
        )
    } else {
        (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            "PRAGMA user_version",
        )
    };
    let tables: Vec<String> = query_all(&app.db, tables);
    assert_eq!(
        tables,
        [
            "answers",
            "chats",
            "copy_unfinished",
            "inbox",
            "inline_checks",
            "inline_claims",
            "inline_messages",
            "outbox",
            "players",
            "pushed_updates",
            "quizzes",
            "receiver",
            "schedules",
            "served",
            "standing_points",
            "standings",
            "votes"
        ]
    );
    let player = app.player("Salma").await;
    app.service.store().close().await;
    let applied: i64 = query(&app.db, version);
    assert!(applied >= 1, "migrations counted");

    // Open the same file again: nothing is applied twice and nothing is lost.
    let store = Store::open(&url).await.expect("reopens");
    store.close().await;
    assert_eq!(query::<i64>(&app.db, version), applied);
    let name: String = query_with(
        &app.db,
        "SELECT display_name FROM players WHERE id = ?1",
        [player.id],
    );
    assert_eq!(name, "Salma");
    if !app.db.is_postgres() {
        let mode: String = query(&app.db, "PRAGMA journal_mode");
        assert_eq!(mode, "wal");
    }
}

/// A terminal player `external_id`, made in a job of the test's own.
fn terminal_player(
    conn: &factquiz::store::Connection,
    external_id: &str,
    name: &str,
) -> anyhow::Result<factquiz::store::PlayerRow> {
    factquiz::store::upsert_player(
        conn,
        factquiz::service::Origin::Terminal,
        external_id,
        name,
        factquiz::i18n::Lang::Ar,
        T0,
    )
}

/// Runs `job(i)` for each `i` in `0..n` as writer jobs all at once, so that
/// they share the writer's batches; their results, in order.
async fn jobs_at_once<T, F>(store: &Store, n: i64, job: impl Fn(i64) -> F) -> Vec<anyhow::Result<T>>
where
    F: FnMut(&factquiz::store::Connection) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    futures::future::join_all((0..n).map(|i| {
        let store = store.clone();
        let f = job(i);
        async move { store.write(f).await }
    }))
    .await
}

/// The writer, held by a job of its own until let go: jobs queued
/// meanwhile share its next batch.
struct HeldWriter {
    release: std::sync::mpsc::Sender<()>,
    hold: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Holds the writer; returns once it holds.
async fn hold_writer(store: &Store) -> HeldWriter {
    let (started, mut running) = tokio::sync::mpsc::unbounded_channel();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let hold = tokio::spawn({
        let store = store.clone();
        async move {
            store
                .write(move |_| {
                    let _ = started.send(());
                    let _ = held.recv();
                    Ok(())
                })
                .await
        }
    });
    running.recv().await.expect("the writer holds");
    HeldWriter { release, hold }
}

impl HeldWriter {
    /// Lets the writer go on to the jobs queued.
    fn let_go(&self) {
        self.release.send(()).expect("release");
    }

    /// Waits for the holding job's end.
    async fn done(self) {
        self.hold.await.expect("hold").expect("held");
    }
}

/// Runs `jobs` (writer jobs, not started) queued while the writer is held,
/// so that they share its next batch; their results, in order.
async fn in_one_batch<T>(
    store: &Store,
    jobs: Vec<futures::future::BoxFuture<'static, anyhow::Result<T>>>,
) -> Vec<anyhow::Result<T>> {
    let held = hold_writer(store).await;
    // Each job is queued when first polled, before the writer is let go.
    let (results, ()) = tokio::join!(futures::future::join_all(jobs), async {
        held.let_go();
    });
    held.done().await;
    results
}

/// The players whose external id starts with `prefix` are those of the
/// even jobs of 40.
fn assert_even_jobs_kept(db: &crate::helpers::TestDb, prefix: &str) {
    let kept: Vec<String> = query_all(
        db,
        &format!(
            "SELECT external_id FROM players WHERE external_id LIKE '{prefix}%' ORDER BY external_id"
        ),
    );
    let mut expected: Vec<String> = (0..40).step_by(2).map(|i| format!("{prefix}{i}")).collect();
    expected.sort();
    assert_eq!(kept, expected);
}

/// Jobs that share the writer's transaction: one that fails after writing
/// undoes only what it wrote, on either database.
#[tokio::test]
async fn a_failing_job_undoes_only_itself() {
    let app = TestApp::new().await;
    let results = jobs_at_once(app.service.store(), 40, |i| {
        move |conn: &factquiz::store::Connection| {
            terminal_player(conn, &format!("job-{i}"), "J")?;
            anyhow::ensure!(i % 2 == 0, "job {i} fails after writing");
            Ok(())
        }
    })
    .await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 20);
    assert_even_jobs_kept(&app.db, "job-");
}

/// A statement a job defers (on PostgreSQL sent at once and answered with
/// a later statement or the commit, to save round trips) fails the job that
/// deferred it and no other, whether its failure comes back inside the job
/// or only with the commit; a deferred query's answer is there once its
/// job is committed.
#[tokio::test]
async fn a_deferred_statement_fails_only_the_job_that_deferred_it() {
    use factquiz::store::sql::Value;
    let app = TestApp::new().await;
    let results = jobs_at_once(app.service.store(), 40, |i| {
        move |conn: &factquiz::store::Connection| {
            let player = terminal_player(conn, &format!("d-{i}"), "D")?;
            let later = conn.defer_query_row(
                "UPDATE players SET streak = ?1 WHERE id = ?2 RETURNING streak",
                [Value::Int(i), Value::Int(player.id)],
                |r| r.get::<i64>(0),
            )?;
            match i % 4 {
                // The server refuses it: the player exists.
                1 => conn.defer(
                    "INSERT INTO players (origin, external_id, display_name, created_at)
                             VALUES ('terminal', ?1, 'again', 0)",
                    [format!("d-{i}")],
                )?,
                // It changes no row, where one was expected.
                3 => conn.defer_expecting(
                    "DELETE FROM players WHERE id = ?1",
                    [-i],
                    1,
                    "no such row",
                )?,
                _ => {}
            }
            if i % 8 < 4 {
                // Waited for: it brings the answers deferred before it.
                terminal_player(conn, &format!("d-{i}-after"), "D")?;
            }
            Ok(later)
        }
    })
    .await;
    let mut expected = Vec::new();
    for (i, result) in (0_i64..).zip(&results) {
        match (i % 4, result) {
            (0 | 2, Ok(later)) => {
                assert_eq!(later.get(), Some(&i), "job {i}'s deferred answer");
                expected.push(format!("d-{i}"));
                if i % 8 < 4 {
                    expected.push(format!("d-{i}-after"));
                }
            }
            (3, Err(e)) => assert!(format!("{e:#}").contains("no such row"), "job {i}: {e:#}"),
            (1, Err(_)) => {}
            (_, Ok(_)) => panic!("job {i} should have failed"),
            (_, Err(e)) => panic!("job {i} failed: {e:#}"),
        }
    }
    expected.sort();
    let kept: Vec<String> = query_all(
        &app.db,
        "SELECT external_id FROM players WHERE external_id LIKE 'd-%' ORDER BY external_id",
    );
    assert_eq!(kept, expected);
}

/// Reads sent ahead of a batch's jobs (`Store::write_read_ahead`): one
/// that fails fails only the job that read it, though its failure comes
/// back inside another job, and every other job gets what it read.
#[tokio::test]
async fn a_read_ahead_that_fails_fails_only_its_job() {
    let app = TestApp::new().await;
    let jobs = (0_i64..40).map(|i| {
        let store = app.service.store().clone();
        Box::pin(async move {
            store
                .write_read_ahead(
                    move |conn| {
                        // Division by zero for the odd ones: the server
                        // refuses it when it runs.
                        Ok(conn
                            .defer_query_row("SELECT 100 / ?1", [1 - i % 2], |r| r.get::<i64>(0))?)
                    },
                    move |conn, read| {
                        terminal_player(conn, &format!("r-{i}"), "R")?;
                        read.wait(conn)
                    },
                )
                .await
        }) as futures::future::BoxFuture<'static, _>
    });
    let results = in_one_batch(app.service.store(), jobs.collect()).await;
    for (i, result) in (0_i64..).zip(&results) {
        match result {
            Ok(read) => {
                assert_eq!(i % 2, 0, "job {i} should have failed");
                assert_eq!(*read, 100_i64);
            }
            Err(e) => assert_eq!(i % 2, 1, "job {i} failed: {e:#}"),
        }
    }
    assert_even_jobs_kept(&app.db, "r-");
}

/// Updates leave the inbox with the effects of their handling (on
/// PostgreSQL, a batch's all in one statement as it commits): an update
/// handled twice in one batch is handled by one job only, the other is
/// told it was handled before, and the other jobs of the batch are kept.
#[tokio::test]
async fn an_update_handled_twice_in_one_batch_is_handled_once() {
    use factquiz::store::{NewUpdate, handled, handled_before, lanes, receive};
    let app = TestApp::new().await;
    let store = app.service.store().clone();
    let updates: Vec<NewUpdate> = (0..20)
        .map(|i| NewUpdate {
            update_id: 500 + i,
            lane: i,
            payload: "{}".into(),
        })
        .collect();
    let ids = store
        .write(move |conn| Ok(receive(conn, &updates, &[], 520, T0)?.0))
        .await
        .expect("kept");
    let ids = factquiz::store::Later::all(&ids).expect("ids");
    // Job i handles update i; job 20 handles update 7 again.
    let jobs = (0_i64..21).map(|i| {
        let inbox_id = ids[usize::try_from(if i == 20 { 7 } else { i }).expect("small")];
        let store = store.clone();
        Box::pin(async move {
            store
                .write(move |conn: &factquiz::store::Connection| {
                    handled(conn, inbox_id)?;
                    terminal_player(conn, &format!("h-{i}"), "H")?;
                    // A read of the inbox in the batch sees the updates handled
                    // before it gone (asked by some jobs only: the others' updates
                    // leave the inbox as the batch ends, or, run again, as their
                    // job ends).
                    if i % 2 == 0 && i != 20 {
                        let waiting = lanes(conn)?;
                        anyhow::ensure!(
                            waiting.iter().all(|(_, first, _)| *first != inbox_id),
                            "update {inbox_id} is still waiting"
                        );
                    }
                    Ok(())
                })
                .await
        }) as futures::future::BoxFuture<'static, _>
    });
    let results = in_one_batch(&store, jobs.collect()).await;
    let failed: Vec<usize> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e)))
        .map(|(i, e)| {
            assert!(handled_before(e), "job {i}: {e:#}");
            i
        })
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0] == 7 || failed[0] == 20, "{failed:?}");
    let kept: Vec<i64> = query_all(
        &app.db,
        "SELECT COUNT(*) FROM players WHERE external_id LIKE 'h-%'",
    );
    assert_eq!(kept, [20]);
    let waiting: Vec<i64> = query_all(&app.db, "SELECT COUNT(*) FROM inbox");
    assert_eq!(waiting, [0]);
    // A read of the inbox later in a batch (nothing fails: the batch is
    // not run again) does not see the updates handled before it.
    let updates: Vec<NewUpdate> = (0..5)
        .map(|i| NewUpdate {
            update_id: 600 + i,
            lane: 100 + i,
            payload: "{}".into(),
        })
        .collect();
    let ids = store
        .write(move |conn| Ok(receive(conn, &updates, &[], 605, T0)?.0))
        .await
        .expect("kept");
    let ids = factquiz::store::Later::all(&ids).expect("ids");
    let mut jobs: Vec<futures::future::BoxFuture<'static, anyhow::Result<usize>>> = ids
        .into_iter()
        .map(|inbox_id| {
            let store = store.clone();
            Box::pin(async move {
                store
                    .write(move |conn| handled(conn, inbox_id).map(|()| 0_usize))
                    .await
            }) as futures::future::BoxFuture<'static, _>
        })
        .collect();
    jobs.push(Box::pin({
        let store = store.clone();
        async move { store.write(|conn| Ok(lanes(conn)?.len())).await }
    }));
    let results = in_one_batch(&store, jobs).await;
    let lanes_seen = results.last().expect("the read").as_ref().expect("read");
    assert_eq!(*lanes_seen, 0, "the read saw handled updates waiting");
}

/// Standings wait on a PostgreSQL connection until the batch commits (or
/// something reads them): a job that fails takes back exactly what it
/// added, even when a read inside it wrote what earlier jobs had added,
/// and the per-score counts agree with the rows.
#[tokio::test]
async fn a_failing_job_takes_back_its_standings_only() {
    use factquiz::store::{self, Board, NewAnswer};
    let app = TestApp::new().await;
    let store_ = app.service.store().clone();
    let results = jobs_at_once(&store_, 40, |i| {
        move |conn: &factquiz::store::Connection| {
            let player = terminal_player(conn, &format!("s-{i}"), "S")?;
            let answer = NewAnswer {
                served_id: 0,
                player_id: player.id,
                quiz_id: 0,
                chat_id: None,
                choice: 0,
                is_correct: true,
                points: 10 + i,
                answered_at: T0,
                elapsed_ms: 0,
                week: 1,
                article: "a".into(),
            };
            store::add_to_standings(conn, std::slice::from_ref(&answer))?;
            if i % 3 == 0 {
                // Reads write what is waiting, this job's and the
                // jobs' before it in the batch.
                let (points, _, _) = store::standing(conn, Board::GLOBAL, player.id)?
                    .context("the job's own standing")?;
                anyhow::ensure!(points == 10 + i, "read {points}");
            }
            anyhow::ensure!(i % 2 == 0, "job {i} fails after adding its standings");
            Ok(())
        }
    })
    .await;
    for (i, r) in results.iter().enumerate() {
        assert_eq!(r.is_ok(), i % 2 == 0, "job {i}: {r:?}");
    }
    let points: Vec<i64> = query_all(
        &app.db,
        "SELECT s.points FROM standings s JOIN players p ON p.id = s.player_id
         WHERE s.scope = 0 AND s.period = 0 AND s.article = '' AND p.external_id LIKE 's-%'
         ORDER BY s.points",
    );
    let expected: Vec<i64> = (0..40).step_by(2).map(|i| 10 + i).collect();
    assert_eq!(points, expected);
    // Four boards per answer (all time and the week, every article and
    // its own), nothing for the failed jobs.
    assert_eq!(query::<i64>(&app.db, "SELECT COUNT(*) FROM standings"), 80);
    let counted = store_
        .read(|conn| {
            Ok((
                store::players_in(conn, Board::GLOBAL)?,
                store::rank_of(conn, Board::GLOBAL, 10)?,
            ))
        })
        .await
        .expect("reads");
    assert_eq!(counted, (20, 20), "20 players; 19 above the lowest score");
}

/// Instances started together (a deployment of several) open and migrate
/// one database once, and all of them can use it.
#[tokio::test]
async fn several_stores_open_one_new_database_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::fresh(dir.path(), "shared.db");
    let opened = futures::future::join_all((0..4).map(|_| Store::open(db.url()))).await;
    let stores: Vec<Store> = opened
        .into_iter()
        .map(|s| s.expect("every instance opens the database"))
        .collect();
    for (i, store) in stores.iter().enumerate() {
        let id = store
            .write(move |conn| terminal_player(conn, &format!("p{i}"), "P"))
            .await
            .expect("each writes")
            .id;
        assert!(id > 0);
    }
    for store in &stores {
        store.close().await;
    }
    assert_eq!(query::<i64>(&db, "SELECT COUNT(*) FROM players"), 4);
}

/// PostgreSQL: a connection the server drops (a restart, a proxy) is made
/// again before the next batch, which then loses nothing.
#[tokio::test]
async fn a_dropped_postgres_connection_is_made_again() {
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let before = app.player("Before").await;
    let dropped: i64 = query(
        &app.db,
        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()) AS t",
    );
    assert_eq!(
        dropped, 2,
        "the store's two connections: the writer's and the intake's"
    );
    let after = app.player("After").await;
    assert_ne!(before.id, after.id);
    let kept = app
        .service
        .store()
        .keep(|conn| terminal_player(conn, "kept", "Kept"))
        .await
        .expect("the intake connects again too");
    assert_ne!(kept.id, after.id);
    let names: Vec<String> = query_all(&app.db, "SELECT display_name FROM players ORDER BY id");
    assert_eq!(names, ["Before", "After", "Kept"]);
}

/// PostgreSQL: received updates are kept on a connection of their own, so
/// that receiving goes on while the writer is busy (and the writer then
/// sees what was kept); on SQLite they share the one writer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeping_does_not_wait_behind_the_writer_on_postgres() {
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let store = app.service.store().clone();
    let (started, mut started_rx) = tokio::sync::mpsc::channel::<()>(1);
    let (go, go_rx) = std::sync::mpsc::channel::<()>();
    let busy = tokio::spawn({
        let store = store.clone();
        async move {
            store
                .write(move |conn| {
                    let _ = started.try_send(());
                    // Held until the update below is kept.
                    go_rx.recv().context("released")?;
                    factquiz::store::next_offset(conn)
                })
                .await
        }
    });
    started_rx
        .recv()
        .await
        .expect("the writer runs the busy job");
    let update = factquiz::store::NewUpdate {
        update_id: 7,
        lane: 42,
        payload: "{}".into(),
    };
    let kept = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        store.keep(move |conn| {
            factquiz::store::receive_pushed(conn, 7, factquiz::store::Pushed::Update(&update), T0)
        }),
    )
    .await
    .expect("kept while the writer is busy")
    .expect("kept");
    go.send(()).expect("release the writer");
    busy.await.expect("joined").expect("the busy job");
    let now = store
        .read(factquiz::store::lanes)
        .await
        .expect("the writer reads");
    let id = kept
        .get()
        .copied()
        .flatten()
        .expect("new, and answered once committed");
    assert_eq!(now, [(42, id, id)]);
}

/// A batch of answers (a group round's votes, counted a few hundred at a
/// time): each new one recorded once and moving its player's streak in
/// order, a repeat refused, on either backend (on PostgreSQL, runs of
/// distinct players in one statement each).
#[tokio::test]
async fn a_batch_of_answers_is_recorded_once_with_streaks_in_order() {
    use factquiz::store::{NewAnswer, insert_answers};
    let app = TestApp::new().await;
    let (huda, omar) = (app.player("Huda").await, app.player("Omar").await);
    let (quiz, _) = app
        .service
        .start_solo(huda.id, None, 4, None, None)
        .await
        .expect("start");
    let served: Vec<i64> = query_all(
        &app.db,
        &format!("SELECT id FROM served WHERE quiz_id = {quiz} ORDER BY position"),
    );
    let answer = |served_id: i64, player_id: i64, is_correct: bool| NewAnswer {
        served_id,
        player_id,
        quiz_id: quiz,
        chat_id: None,
        choice: 1,
        is_correct,
        points: if is_correct { 100 } else { 0 },
        answered_at: T0,
        elapsed_ms: 1000,
        week: 0,
        article: String::new(),
    };
    let batch = [
        answer(served[0], huda.id, true),
        answer(served[0], omar.id, true),
        // Huda again, another question: a new run on PostgreSQL.
        answer(served[1], huda.id, true),
        // A repeat of her first: refused.
        answer(served[0], huda.id, false),
        answer(served[1], omar.id, false),
        answer(served[2], huda.id, false),
        answer(served[3], huda.id, true),
    ];
    let new = app
        .service
        .store()
        .write(move |conn| insert_answers(conn, &batch))
        .await
        .expect("recorded");
    assert_eq!(new, [true, true, true, false, true, true, true]);
    let answers: Vec<String> = query_all(
        &app.db,
        "SELECT served_id || ':' || player_id || ':' || is_correct FROM answers ORDER BY served_id, player_id",
    );
    assert_eq!(answers.len(), 6, "{answers:?}");
    assert!(answers.contains(&format!("{}:{}:1", served[0], huda.id)));
    let streaks: Vec<String> = query_all(
        &app.db,
        &format!(
            "SELECT streak || '/' || best_streak FROM players WHERE id IN ({}, {}) ORDER BY id",
            huda.id, omar.id
        ),
    );
    // Huda: right, right, wrong, right; Omar: right, wrong.
    assert_eq!(streaks, ["1/2", "0/1"]);
}

/// Webhook mode: an update or a vote Telegram posts again is kept once; a
/// member's second vote to a poll is not new; an id only remembered (an
/// update not kept) is not kept later either.
#[tokio::test]
async fn a_pushed_update_or_vote_is_kept_once() {
    use factquiz::store::{NewUpdate, NewVote, Pushed, receive_pushed};
    let app = TestApp::new().await;
    let store = app.service.store().clone();
    let push = |update_id: i64, what: Option<Result<NewUpdate, NewVote>>| {
        let store = store.clone();
        async move {
            let kept = store
                .keep(move |conn| {
                    let pushed = match &what {
                        Some(Ok(u)) => Pushed::Update(u),
                        Some(Err(v)) => Pushed::Vote(v),
                        None => Pushed::Neither,
                    };
                    receive_pushed(conn, update_id, pushed, T0)
                })
                .await
                .expect("kept");
            *kept.get().expect("answered once committed")
        }
    };
    let update = |update_id| {
        Some(Ok(NewUpdate {
            update_id,
            lane: 5,
            payload: "{}".into(),
        }))
    };
    let vote = |user_id, choice| {
        Some(Err(NewVote {
            poll_id: "p1".into(),
            user_id,
            name: "Huda".into(),
            lang: factquiz::i18n::Lang::Ar,
            choice,
        }))
    };
    let first = push(10, update(10)).await.expect("a new update is kept");
    assert_eq!(push(10, update(10)).await, None, "a repeat is not kept");
    let second = push(11, update(11)).await.expect("the next one is");
    assert!(second > first);
    assert!(push(12, vote(77, 1)).await.is_some(), "a new vote counts");
    assert_eq!(
        push(12, vote(77, 1)).await,
        None,
        "a repeated vote does not"
    );
    assert_eq!(push(13, vote(77, 2)).await, None, "nor a second vote");
    assert!(
        push(14, vote(78, 0)).await.is_some(),
        "another member's does"
    );
    assert_eq!(push(15, None).await, None);
    assert_eq!(push(15, update(15)).await, None, "remembered, so not kept");
    let inbox: Vec<i64> = query_all(&app.db, "SELECT update_id FROM inbox ORDER BY id");
    assert_eq!(inbox, [10, 11]);
    let votes: Vec<String> = query_all(
        &app.db,
        "SELECT user_id || ':' || choice FROM votes ORDER BY id",
    );
    assert_eq!(votes, ["77:1", "78:0"]);
}

/// PostgreSQL: a leader whose connection dropped, and whose lead another
/// process took meanwhile, is deposed: it does nothing more, even once the
/// lead is free again, so that two processes never handle at once.
#[tokio::test]
async fn a_leader_that_lost_its_lead_is_deposed_and_does_nothing_more() {
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let store = app.service.store().clone();
    let stop = tokio_util::sync::CancellationToken::new();
    assert!(store.lead(&stop).await.expect("leads"));
    app.player("Before").await;
    // Another process drops the leader's connection and takes the lead.
    let (taken, taken_rx) = std::sync::mpsc::channel::<bool>();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    let url = app.db.url().to_owned();
    let other = std::thread::spawn(move || {
        let mut conn =
            postgres::Client::connect(&url, postgres::NoTls).expect("another process connects");
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .expect("drops the leader's connection");
        // A terminated backend lets its locks go as it exits, a moment
        // after it was told to.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let got = loop {
            let got: bool = conn
                .query_one(
                    "SELECT pg_try_advisory_lock($1)",
                    &[&factquiz::store::LEAD_LOCK],
                )
                .expect("tries the lead")
                .get(0);
            if got || std::time::Instant::now() > deadline {
                break got;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        taken.send(got).expect("said");
        let _ = release_rx.recv();
    });
    assert!(taken_rx.recv().expect("heard"), "the other process leads");
    let err = store
        .write(|_| Ok(()))
        .await
        .expect_err("a deposed leader writes nothing");
    assert!(format!("{err:#}").contains("took the lead"), "{err:#}");
    tokio::time::timeout(std::time::Duration::from_secs(5), store.deposed())
        .await
        .expect("deposed is said");
    release.send(()).expect("released");
    other.join().expect("the other process ends");
    assert!(store.write(|_| Ok(())).await.is_err(), "deposed for good");
    assert!(store.is_deposed());
    // Nor does it keep what it receives: that goes to the one that leads.
    let kept = store
        .keep(|conn| {
            let update = factquiz::store::NewUpdate {
                update_id: 1,
                lane: 1,
                payload: "{}".into(),
            };
            factquiz::store::receive(conn, &[update], &[], 2, T0)
        })
        .await;
    assert!(kept.is_err(), "a deposed process keeps nothing: {kept:?}");
    assert_eq!(query::<i64>(&app.db, "SELECT COUNT(*) FROM inbox"), 0);
}

#[tokio::test]
async fn a_database_made_by_the_sqlx_version_is_adopted_as_it_is() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = crate::helpers::TestDb::sqlite(dir.path().join("old.db"));
    {
        // What factquiz 0.1 with sqlx left behind: the first migration and
        // sqlx's own record of it, and a player.
        let conn = rusqlite::Connection::open(db.file().expect("a file")).expect("open");
        conn.execute_batch(include_str!(
            "../../migrations/sqlite/20261129000001_init.sql"
        ))
        .expect("old schema");
        conn.execute_batch(
            "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
                 installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, success BOOLEAN NOT NULL,
                 checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
             INSERT INTO _sqlx_migrations VALUES (20261129000001, 'init', CURRENT_TIMESTAMP, 1, x'00', 1);
             INSERT INTO players (origin, external_id, display_name, created_at) VALUES ('terminal', 'old', 'Old', 1);",
        )
        .expect("old rows");
    }
    let store = Store::open(db.url()).await.expect("adopted");
    store.close().await;
    let name: String = query(&db, "SELECT display_name FROM players");
    assert_eq!(name, "Old", "nothing lost");
    let leftover: i64 = query(
        &db,
        "SELECT COUNT(*) FROM sqlite_master WHERE name = '_sqlx_migrations'",
    );
    assert_eq!(leftover, 0);
    assert!(query::<i64>(&db, "PRAGMA user_version") >= 1);
}

#[tokio::test]
async fn a_database_that_cannot_be_opened_is_a_clear_error() {
    // Nothing listens on port 1; the password is never shown.
    let err = Store::open("postgres://quiz:hunter2@127.0.0.1:1/x")
        .await
        .expect_err("no server");
    let said = format!("{err:#}");
    assert!(
        said.starts_with(
            "cannot open the database `postgres://quiz@127.0.0.1:1/x`: cannot connect to PostgreSQL: "
        ) && !said.contains("hunter2"),
        "{said}"
    );
    let err = Store::open("mysql://localhost/x")
        .await
        .expect_err("not a database factquiz uses");
    assert!(format!("{err:#}").contains("`mysql://`"), "{err:#}");
    let err = Store::open("sqlite:///nonexistent-dir/x/y.db")
        .await
        .expect_err("no such folder");
    assert_eq!(
        format!("{err:#}"),
        "cannot open the database `sqlite:///nonexistent-dir/x/y.db`: the folder `/nonexistent-dir/x` does not exist",
        "said once, in words"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.db");
    std::fs::write(
        &junk,
        "this is not a database, just some text that is long enough".repeat(100),
    )
    .expect("write");
    let err = Store::open(junk.to_str().expect("path"))
        .await
        .expect_err("not a database");
    let said = format!("{err:#}");
    assert!(said.ends_with("is not an SQLite database"), "{said}");
    assert_eq!(said.matches("not an SQLite database").count(), 1, "{said}");
}

#[tokio::test]
async fn a_solo_quiz_scores_streaks_and_refuses_what_it_must() {
    let app = TestApp::new().await;
    let amal = app.player("Amal").await;
    let omar = app.player("Omar").await;
    let (quiz, replaced) = app
        .service
        .start_solo(amal.id, None, 4, None, None)
        .await
        .expect("start");
    assert!(replaced.is_none());

    let first = ask(&app.service, quiz, amal.id).await;
    assert_eq!((first.position, first.total, first.again), (0, 4, false));
    // Asking again before answering shows the same question.
    let again = ask(&app.service, quiz, amal.id).await;
    assert_eq!((again.served_id, again.again), (first.served_id, true));

    let right = first.question.correct;
    let options = first.question.options.len();
    assert_eq!(
        app.service
            .answer(first.served_id, amal.id, options)
            .await
            .expect("answer"),
        AnswerOutcome::InvalidChoice
    );
    assert_eq!(
        app.service
            .answer(first.served_id, omar.id, right)
            .await
            .expect("answer"),
        AnswerOutcome::NotYours
    );
    let AnswerOutcome::Recorded(r) = app
        .service
        .answer(first.served_id, amal.id, right)
        .await
        .expect("answer")
    else {
        panic!("recorded");
    };
    assert_eq!((r.correct, r.points, r.streak), (true, 100, 1));
    assert_eq!(
        app.service
            .answer(first.served_id, amal.id, right)
            .await
            .expect("answer"),
        AnswerOutcome::AlreadyAnswered { quiz_id: quiz },
        "a double tap changes nothing"
    );
    assert_eq!(
        app.service
            .answer(999_999, amal.id, 0)
            .await
            .expect("answer"),
        AnswerOutcome::Unknown
    );

    let second = ask(&app.service, quiz, amal.id).await;
    assert_eq!(second.position, 1);
    let AnswerOutcome::Recorded(r) = app
        .service
        .answer(second.served_id, amal.id, second.question.correct)
        .await
        .expect("answer")
    else {
        panic!("recorded");
    };
    assert_eq!((r.points, r.streak), (110, 2), "the streak bonus");

    let third = ask(&app.service, quiz, amal.id).await;
    let summary = app
        .service
        .stop(amal.id)
        .await
        .expect("stop")
        .expect("was running");
    assert_eq!(
        (summary.answered, summary.correct, summary.points),
        (2, 2, 210)
    );
    assert_eq!(summary.state, factquiz::service::QuizState::Stopped);
    assert_eq!(
        app.service
            .answer(third.served_id, amal.id, 0)
            .await
            .expect("answer"),
        AnswerOutcome::QuizOver,
        "a stale button after /stop"
    );
    assert!(app.service.stop(amal.id).await.expect("stop").is_none());
    let stats = app.service.boards().stats(amal.id).await.expect("stats");
    assert_eq!((stats.points, stats.answered, stats.correct), (210, 2, 2));
    assert_eq!(
        (stats.streak, stats.best_streak, stats.rank),
        (2, 2, Some(1))
    );
}

/// `sslmode=require` connects over TLS, the server's certificate checked
/// against those of `sslrootcert` (`verify-full` is the same); without
/// `sslrootcert`, against the web's roots, which do not sign the test
/// server's: a clear error, never a connection without TLS.
#[tokio::test]
async fn a_database_that_requires_tls_is_reached_over_tls() {
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let ca = std::env::var("FACTQUIZ_TEST_POSTGRES_CA")
        .expect("FACTQUIZ_TEST_POSTGRES_CA: run the PostgreSQL tests under .ci/with-postgres");
    let with = |query: &str| {
        let mut url = url::Url::parse(app.db.url()).expect("a URL");
        url.set_query(Some(query));
        url.to_string()
    };
    for mode in ["require", "verify-full"] {
        let store = Store::open(&with(&format!("sslmode={mode}&sslrootcert={ca}")))
            .await
            .expect("opens over TLS");
        let over_tls: i64 = store
            .read(|conn| {
                Ok(conn.query_row(
                    "SELECT COUNT(*) FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl",
                    (),
                    |r| r.get(0),
                )?)
            })
            .await
            .expect("reads");
        assert_eq!(over_tls, 1, "sslmode={mode}");
        store.close().await;
    }
    let err = Store::open(&with("sslmode=require"))
        .await
        .expect_err("the web's roots do not sign the test server's certificate");
    assert!(format!("{err:#}").contains("certificate"), "{err:#}");
}

/// Processes on one PostgreSQL database announce what they keep: a store
/// that listens is woken by another's announcements, not by its own. The
/// transactions that keep announce nothing themselves (a `NOTIFY` in them
/// would make the instances' commits wait for each other).
#[tokio::test]
async fn a_listening_store_hears_what_another_announces() {
    use factquiz::store::{NewUpdate, NewVote, Pushed, receive_pushed};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    use tokio::sync::Notify;
    let app = TestApp::new().await;
    if !app.db.is_postgres() {
        eprintln!("on PostgreSQL only (.ci/with-postgres)");
        return;
    }
    let stop = tokio_util::sync::CancellationToken::new();
    let mut tasks = Vec::new();
    // Two stores listen: the app's, and a witness that hears everyone.
    let listener = app.service.store().clone();
    let witness = Store::open(app.db.url()).await.expect("a third process");
    let mut listen = |store: &Store| {
        let (store, stop) = (store.clone(), stop.clone());
        let wake = Arc::new(Notify::new());
        let listening = Arc::new(AtomicBool::new(false));
        let (w, l) = (wake.clone(), listening.clone());
        tasks.push(tokio::spawn(async move {
            store.listen_for_kept(&w, &l, &stop).await;
        }));
        (wake, listening)
    };
    let (wake, listening) = listen(&listener);
    let (witnessed, witness_listening) = listen(&witness);
    // Listening, each looks once for what was kept before.
    for (w, l) in [(&wake, &listening), (&witnessed, &witness_listening)] {
        tokio::time::timeout(Duration::from_secs(10), w.notified())
            .await
            .expect("listening");
        assert!(l.load(Ordering::SeqCst));
    }
    let heard = |wake: Arc<Notify>, within: Duration| async move {
        tokio::time::timeout(within, wake.notified()).await.is_ok()
    };
    // Keeping is silent (what would come, comes in milliseconds).
    let other = Store::open(app.db.url()).await.expect("a second process");
    for (update_id, vote) in [(1, false), (2, true)] {
        other
            .keep(move |conn| {
                let update = NewUpdate {
                    update_id,
                    lane: 9,
                    payload: "{}".into(),
                };
                let vote_of = NewVote {
                    poll_id: "p".into(),
                    user_id: update_id,
                    name: "V".into(),
                    lang: factquiz::i18n::Lang::Ar,
                    choice: 0,
                };
                let pushed = if vote {
                    Pushed::Vote(&vote_of)
                } else {
                    Pushed::Update(&update)
                };
                receive_pushed(conn, update_id, pushed, T0)
            })
            .await
            .expect("kept");
    }
    assert!(
        !heard(witnessed.clone(), Duration::from_millis(500)).await,
        "keeping announces nothing by itself"
    );
    // Another's announcement wakes the listener; its own does not, though
    // the witness hears it.
    let mut announce = |store: &Store| {
        let (store, stop) = (store.clone(), stop.clone());
        let wanted = Arc::new(Notify::new());
        let w = wanted.clone();
        tasks.push(tokio::spawn(async move {
            store.announce_kept(&w, &stop).await;
        }));
        wanted
    };
    let others = announce(&other);
    let own = announce(&listener);
    others.notify_one();
    assert!(
        heard(wake.clone(), Duration::from_secs(10)).await,
        "another's announcement"
    );
    assert!(heard(witnessed.clone(), Duration::from_secs(10)).await);
    own.notify_one();
    assert!(
        heard(witnessed.clone(), Duration::from_secs(10)).await,
        "its own announcement, heard by the witness"
    );
    assert!(
        !heard(wake.clone(), Duration::from_millis(500)).await,
        "its own announcement"
    );
    // An announcer whose connection is cut connects again, and announces
    // what it was asked for meanwhile.
    let cut: i64 = query(
        &app.db,
        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE query LIKE '%pg_notify%' AND pid <> pg_backend_pid()
         AND datname = current_database()) AS t",
    );
    assert_eq!(cut, 2, "both announcers' connections");
    // Asked once the cut is likely seen (asked sooner, the failed
    // announcement is asked for again: the same outcome).
    tokio::time::sleep(Duration::from_millis(300)).await;
    others.notify_one();
    assert!(
        heard(wake.clone(), Duration::from_secs(10)).await,
        "announced on the connection made again"
    );
    stop.cancel();
    for task in tasks {
        task.await.expect("stops");
    }
    other.close().await;
    witness.close().await;
}

#[tokio::test]
async fn a_new_solo_quiz_stops_the_running_one() {
    let app = TestApp::new().await;
    let p = app.player("Huda").await;
    let (first, _) = app
        .service
        .start_solo(p.id, None, 3, None, None)
        .await
        .expect("start");
    let asked = ask(&app.service, first, p.id).await;
    app.service
        .answer(asked.served_id, p.id, asked.question.correct)
        .await
        .expect("answer");
    let (second, replaced) = app
        .service
        .start_solo(p.id, None, 3, None, None)
        .await
        .expect("start");
    assert_ne!(first, second);
    let replaced = replaced.expect("the old quiz is reported");
    assert_eq!(
        (replaced.quiz_id, replaced.answered, replaced.state.as_str()),
        (first, 1, "stopped")
    );
    assert!(matches!(
        app.service.next(first, p.id).await.expect("next"),
        Step::Over(_)
    ));
    let player = p.id;
    let running = app
        .service
        .store()
        .read(move |conn| Ok(factquiz::store::running_solo(conn, player)?.map(|q| q.id)))
        .await
        .expect("running");
    assert_eq!(running, Some(second));
}

/// A press's player and question are read ahead of the other jobs of the
/// writer's batch (on PostgreSQL), so they do not see what those jobs
/// write: a stop of the quiz just before the press, in the same batch, is
/// caught where the answer is written, and the press is judged again on
/// what is there. The answer is not recorded into the stopped quiz.
#[tokio::test]
async fn a_press_read_ahead_of_a_stop_in_its_batch_finds_the_quiz_over() {
    use factquiz::service::Identity;
    let app = Arc::new(TestApp::new().await);
    let huda = app.player("Huda").await;
    let (quiz, _) = app
        .service
        .start_solo(huda.id, None, 3, None, None)
        .await
        .expect("start");
    let asked = ask(&app.service, quiz, huda.id).await;
    let store = app.service.store().clone();
    // The writer is held until the stop and the press are both queued:
    // they then share its next batch.
    let held = hold_writer(&store).await;
    let player = huda.id;
    let stop = store.write(move |conn| factquiz::service::solo::stop(conn, T0, player));
    let who = Identity {
        origin: factquiz::game::Origin::Terminal,
        external_id: "Huda".into(),
        name: "Huda".into(),
        lang: factquiz::i18n::Lang::Ar,
    };
    let button = Some((asked.served_id, asked.question.correct));
    let app2 = app.clone();
    let reader = who.clone();
    let press = store.write_read_ahead(
        move |conn| Service::read_press(conn, &reader, button),
        move |conn, read| app2.service.press(conn, T0 + 1000, &who, button, read),
    );
    let (stopped, pressed, ()) = tokio::join!(stop, press, async { held.let_go() });
    held.done().await;
    assert!(stopped.expect("stop").is_some(), "the quiz was running");
    let pressed = pressed.expect("press");
    assert_eq!(pressed.outcome, AnswerOutcome::QuizOver);
    let answers: Vec<i64> = query_all(
        &app.db,
        &format!("SELECT COUNT(*) FROM answers WHERE quiz_id = {quiz}"),
    );
    assert_eq!(answers, [0]);
}

#[tokio::test]
async fn stats_count_exactly_with_streaks_across_quizzes() {
    let app = TestApp::new().await;
    let p = app.player("Karim").await;
    play(&app, p.id, None, &[true, true, false, true]).await;
    play(&app, p.id, None, &[true, true, true, false, false]).await;
    let stats = app.service.boards().stats(p.id).await.expect("stats");
    assert_eq!((stats.answered, stats.correct), (9, 6));
    assert_eq!(stats.streak, 0);
    assert_eq!(
        stats.best_streak, 4,
        "the run crosses the two quizzes: right, then right, right, right"
    );
    assert!((stats.accuracy() - 66.666).abs() < 0.01);
    // 100+110+0+100 and 100+110+120+0+0
    assert_eq!(stats.points, 310 + 330);
    let fresh = app.player("New").await;
    let none = app.service.boards().stats(fresh.id).await.expect("stats");
    assert_eq!((none.answered, none.rank, none.accuracy()), (0, None, 0.0));
}

#[tokio::test]
async fn leaderboards_order_ties_and_show_my_rank_outside_the_top() {
    let app = TestApp::new().await;
    let a = app.player("A").await;
    let b = app.player("B").await;
    let c = app.player("C").await;
    let d = app.player("D").await;
    play(&app, a.id, None, &[true, true]).await; // 210
    play(&app, b.id, None, &[true, true]).await; // 210
    play(&app, c.id, None, &[true, false]).await; // 100
    play(&app, d.id, None, &[false, false]).await; // 0

    let board = app
        .service
        .boards()
        .leaderboard(Scope::Global, Period::AllTime, None, 10, Some(d.id))
        .await
        .expect("board");
    let lines: Vec<(i64, &str, i64)> = board
        .rows
        .iter()
        .map(|r| (r.rank, r.name.as_str(), r.points))
        .collect();
    assert_eq!(
        lines,
        [(1, "A", 210), (1, "B", 210), (3, "C", 100), (4, "D", 0)]
    );
    assert_eq!(board.players, 4);

    let top2 = app
        .service
        .boards()
        .leaderboard(Scope::Global, Period::AllTime, None, 2, Some(d.id))
        .await
        .expect("board");
    assert_eq!(top2.rows.len(), 2);
    let me = top2.me.expect("my line outside the top");
    assert_eq!(
        (me.rank, me.name.as_str(), me.points, me.answered),
        (4, "D", 0, 2)
    );
}

#[tokio::test]
async fn weekly_and_chat_leaderboards_count_only_their_answers() {
    let app = TestApp::new().await;
    let a = app.player("A").await;
    let b = app.player("B").await;
    let group = ChatRef {
        telegram_id: -100_123,
        group: true,
        title: Some("Newsroom".into()),
    };
    play(&app, a.id, None, &[true]).await;
    app.clock
        .advance(T0 + 7 * 86_400_000 - factquiz::service::Clock::now_ms(&*app.clock)); // the next week
    play(&app, b.id, Some(&group), &[true, true]).await;
    play(&app, a.id, Some(&group), &[true]).await;

    let week = app
        .service
        .boards()
        .leaderboard(Scope::Global, Period::ThisWeek, None, 10, None)
        .await
        .expect("board");
    let lines: Vec<(&str, i64)> = week
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.points))
        .collect();
    assert_eq!(
        lines,
        [("B", 210), ("A", 100)],
        "last week's 100 points of A are not this week's"
    );
    let all = app
        .service
        .boards()
        .leaderboard(Scope::Global, Period::AllTime, None, 10, None)
        .await
        .expect("board");
    let lines: Vec<(&str, i64)> = all
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.points))
        .collect();
    assert_eq!(lines, [("B", 210), ("A", 200)]);
    let chat = app
        .service
        .boards()
        .leaderboard(Scope::Chat(-100_123), Period::AllTime, None, 10, Some(a.id))
        .await
        .expect("board");
    let lines: Vec<(&str, i64)> = chat
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.points))
        .collect();
    assert_eq!(
        lines,
        [("B", 210), ("A", 100)],
        "only the answers given in the chat"
    );
    assert_eq!(chat.me.map(|m| m.rank), Some(2));
    // The same board from the command line, the group's id (negative)
    // given as the next argument.
    let (code, out, err) = crate::helpers::run(
        crate::helpers::factquiz()
            .args(["leaderboard", "--chat", "-100123", "--lang", "en"])
            .env("DATABASE_URL", app.db.url()),
    );
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("1. B — 210"), "{out}");
    assert!(lines[1].starts_with("2. A — 100"), "{out}");
    let unknown = app
        .service
        .boards()
        .leaderboard(Scope::Chat(42), Period::AllTime, None, 10, None)
        .await
        .expect("board");
    assert!(unknown.rows.is_empty());
}

/// Many tasks answer at once, each question pressed three times: every
/// answer counts exactly once and no "database is locked" surfaces.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_answers_with_duplicates_count_exactly_once() {
    const PLAYERS: usize = 40;
    const QUESTIONS: u8 = 5;
    let app = Arc::new(TestApp::new().await);
    let mut players = Vec::new();
    for i in 0..PLAYERS {
        players.push(app.player(&format!("p{i}")).await.id);
    }
    let mut tasks = Vec::new();
    for player in players {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let (quiz, _) = app
                .service
                .start_solo(player, None, QUESTIONS, None, None)
                .await?;
            let (mut recorded, mut duplicates) = (0, 0);
            loop {
                let asked = match app.service.next(quiz, player).await? {
                    Step::Ask(a) => *a,
                    Step::Over(_) => break,
                };
                let presses: Vec<_> = (0..3)
                    .map(|_| {
                        let app = app.clone();
                        let choice = asked.question.correct;
                        tokio::spawn(async move {
                            app.service.answer(asked.served_id, player, choice).await
                        })
                    })
                    .collect();
                for press in presses {
                    match press.await?? {
                        AnswerOutcome::Recorded(_) => recorded += 1,
                        AnswerOutcome::AlreadyAnswered { .. } => duplicates += 1,
                        other => anyhow::bail!("unexpected {other:?}"),
                    }
                }
            }
            anyhow::Ok((recorded, duplicates))
        }));
    }
    let (mut recorded, mut duplicates) = (0, 0);
    for task in tasks {
        let (r, d) = task.await.expect("task").expect("no error surfaces");
        recorded += r;
        duplicates += d;
    }
    assert_eq!(recorded, PLAYERS * usize::from(QUESTIONS));
    assert_eq!(duplicates, 2 * recorded);
    let answers: i64 = query(&app.db, "SELECT COUNT(*) FROM answers");
    assert_eq!(answers, i64::try_from(recorded).expect("small"));
    let answered: i64 = query(
        &app.db,
        "SELECT CAST(SUM(answered) AS BIGINT) FROM standings WHERE scope = 0 AND period = 0 AND article = ''",
    );
    assert_eq!(answered, answers, "the standings agree with the answers");
    crate::helpers::assert_score_counts_agree(&app.db);
}

#[tokio::test]
async fn healthz_says_ready_only_while_the_database_answers() {
    let app = TestApp::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = factquiz::metrics::serve(
        &addr,
        Arc::new(factquiz::metrics::Metrics::new()),
        Some(app.service.store().clone()),
        std::future::pending(),
    )
    .await
    .expect("serves");
    let get = || async {
        let r = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .expect("an answer");
        (r.status().as_u16(), r.text().await.unwrap_or_default())
    };
    assert_eq!(get().await, (200, "ok\n".to_owned()));
    app.service.store().close().await;
    let (status, text) = get().await;
    assert_eq!(status, 503, "{text}");
    server.abort();
}

/// A source database with one player's three answers, and an empty,
/// migrated target on the test server (a file without one): what the
/// `db copy` tests copy.
fn copy_pair(dir: &std::path::Path) -> (crate::helpers::TestDb, crate::helpers::TestDb) {
    use crate::helpers::{TestDb, factquiz, questions_dir, run, run_with_input};
    let source = TestDb::sqlite(dir.join("source.db"));
    let target = TestDb::fresh(dir, "target.db");
    let (code, _, err) = run_with_input(
        factquiz()
            .args(["play", "--name", "Amal", "--questions", "3"])
            .env("DATABASE_URL", source.url())
            .env("FACTQUIZ_QUESTIONS", questions_dir()),
        "1\n2\n1\n",
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(factquiz()
        .arg("leaderboard")
        .env("DATABASE_URL", target.url()));
    assert_eq!(code, 0, "{err}");
    (source, target)
}

/// The target holds what the source holds, table by table, its scores'
/// counts agree, and no copy's mark is left.
fn assert_copied_whole(source: &crate::helpers::TestDb, target: &crate::helpers::TestDb) {
    for table in ["players", "quizzes", "served", "answers", "standings"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            query::<i64>(target, &sql),
            query::<i64>(source, &sql),
            "{table}"
        );
    }
    assert_eq!(
        query::<i64>(target, "SELECT COUNT(*) FROM copy_unfinished"),
        0
    );
    crate::helpers::assert_score_counts_agree(target);
}

/// A copy that fails part way (here the target refuses answers, after the
/// players, quizzes and rounds went in) takes what it wrote out again, so
/// that the same copy can be run once the cause is mended.
#[test]
fn db_copy_that_fails_part_way_leaves_the_target_empty() {
    use crate::helpers::{factquiz, run};
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, target) = copy_pair(dir.path());
    // A trigger in the target refuses answers.
    let (refuse, allow) = if target.is_postgres() {
        (
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
             CREATE TRIGGER refuse BEFORE INSERT ON answers
                 FOR EACH STATEMENT EXECUTE FUNCTION refuse();",
            "DROP TRIGGER refuse ON answers; DROP FUNCTION refuse();",
        )
    } else {
        (
            "CREATE TRIGGER refuse BEFORE INSERT ON answers
                 BEGIN SELECT RAISE(ABORT, 'refused for the test'); END;",
            "DROP TRIGGER refuse;",
        )
    };
    target.with(|conn| conn.execute_batch(refuse).expect("the trigger"));
    let copy =
        || run(factquiz().args(["db", "copy", "--from", source.url(), "--to", target.url()]));
    let (code, _, err) = copy();
    assert_eq!(code, 1);
    assert!(err.contains("taken out again"), "{err}");
    assert!(err.contains("refused for the test"), "the cause: {err}");
    for table in [
        "players",
        "quizzes",
        "served",
        "answers",
        "standing_points",
        "copy_unfinished",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(query::<i64>(&target, &sql), 0, "{table}");
    }
    // Mended, the same copy goes through, as into an empty database.
    target.with(|conn| conn.execute_batch(allow).expect("no trigger"));
    let (code, out, err) = copy();
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("had not finished"), "{out}");
    assert_eq!(query::<i64>(&target, "SELECT COUNT(*) FROM answers"), 3);
}

/// A copy killed part way (SIGKILL, while the target is made slow to take
/// the answers) leaves its part marked: nothing but `db copy` opens the
/// target, and the same copy run again takes the part out and starts
/// afresh. On PostgreSQL, where a trigger can wait.
#[test]
fn db_copy_killed_part_way_is_refused_until_it_is_run_again() {
    use crate::helpers::{TestDb, factquiz, questions_dir, run, run_with_input};
    if std::env::var_os("FACTQUIZ_TEST_POSTGRES").is_none_or(|v| v.is_empty()) {
        eprintln!("a trigger that waits needs PostgreSQL: FACTQUIZ_TEST_POSTGRES is not set");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, target) = copy_pair(dir.path());
    let board = |db: &TestDb| run(factquiz().arg("leaderboard").env("DATABASE_URL", db.url()));
    target.with(|conn| {
        conn.execute_batch(
            "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN PERFORM pg_sleep(60); RETURN NULL; END $$;
             CREATE TRIGGER slow BEFORE INSERT ON answers
                 FOR EACH STATEMENT EXECUTE FUNCTION slow();",
        )
        .expect("the trigger");
    });
    /// The copy, killed however the test ends.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut copying = Killed(
        factquiz()
            .args(["db", "copy", "--from", source.url(), "--to", target.url()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("db copy starts"),
    );
    // The players, quizzes and rounds are in; the answers wait.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while query::<i64>(&target, "SELECT COUNT(*) FROM served") == 0 {
        assert!(std::time::Instant::now() < deadline, "the copy never began");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    copying.0.kill().expect("SIGKILL");
    copying.0.wait().expect("the copy ended");
    // Its statement, still waiting on the server, goes too; then the
    // trigger.
    target.with(|conn| {
        conn.execute_batch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid();
             DROP TRIGGER slow ON answers; DROP FUNCTION slow();",
        )
        .expect("no trigger");
    });
    assert_eq!(query::<i64>(&target, "SELECT COUNT(*) FROM answers"), 0);
    assert!(query::<i64>(&target, "SELECT COUNT(*) FROM players") > 0);

    // Nothing else opens the part.
    let (code, _, err) = board(&target);
    assert_eq!(code, 1);
    assert!(err.contains("holds only part of a copy"), "{err}");
    assert!(err.contains("run that copy again"), "{err}");
    let (code, _, err) = run_with_input(
        factquiz()
            .args(["play", "--name", "Badr", "--questions", "1"])
            .env("DATABASE_URL", target.url())
            .env("FACTQUIZ_QUESTIONS", questions_dir()),
        "1\n",
    );
    assert_eq!(code, 1);
    assert!(err.contains("holds only part of a copy"), "{err}");
    let onward = dir.path().join("onward.db");
    let (code, _, err) = run(factquiz().args([
        "db",
        "copy",
        "--from",
        target.url(),
        "--to",
        onward.to_str().expect("path"),
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("holds only part of a copy"), "{err}");
    assert!(!onward.exists(), "no target made for a part");
    // Nor does a copy from elsewhere take the part out.
    let other = TestDb::sqlite(dir.path().join("other.db"));
    let (code, _, err) = board(&other);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        run(factquiz().args(["db", "copy", "--from", other.url(), "--to", target.url()]));
    assert_eq!(code, 1);
    assert!(err.contains("only that copy, run again"), "{err}");
    assert!(query::<i64>(&target, "SELECT COUNT(*) FROM players") > 0);

    // The same copy again, its source spelt another way: the part out,
    // the whole in.
    let (code, out, err) = run(factquiz().current_dir(dir.path()).args([
        "db",
        "copy",
        "--from",
        "./source.db",
        "--to",
        target.url(),
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("had not finished"), "{out}");
    assert_copied_whole(&source, &target);
    let (code, _, err) = board(&target);
    assert_eq!(code, 0, "{err}");
    assert_eq!(board(&target).1, board(&source).1);
}

/// A second copy from the same source, run while the first still writes
/// (its answers held by a lock the test holds), takes the target over: it
/// waits for the chunk in hand, takes everything out, and copies the
/// whole; the first stops at its next step and leaves the target to it.
/// Nothing of the two is mixed. On PostgreSQL, where a trigger can wait.
#[test]
fn a_second_copy_takes_the_target_over_from_a_running_one() {
    use std::process::{Child, Output, Stdio};
    use std::time::{Duration, Instant};

    use crate::helpers::factquiz;

    /// A copy running, killed however the test ends.
    struct Copying(Option<Child>);
    impl Copying {
        /// Its output once it ends, within a minute.
        fn output(mut self) -> Output {
            let deadline = Instant::now() + Duration::from_secs(60);
            let child = self.0.as_mut().expect("running");
            while child.try_wait().expect("try_wait").is_none() {
                assert!(Instant::now() < deadline, "a copy never ended");
                std::thread::sleep(Duration::from_millis(20));
            }
            self.0
                .take()
                .expect("running")
                .wait_with_output()
                .expect("its output")
        }

        fn has_ended(&mut self) -> bool {
            self.0
                .as_mut()
                .is_some_and(|c| c.try_wait().expect("try_wait").is_some())
        }
    }
    impl Drop for Copying {
        fn drop(&mut self) {
            if let Some(mut child) = self.0.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    if std::env::var_os("FACTQUIZ_TEST_POSTGRES").is_none_or(|v| v.is_empty()) {
        eprintln!("a trigger that waits needs PostgreSQL: FACTQUIZ_TEST_POSTGRES is not set");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, target) = copy_pair(dir.path());
    // The first copy's answers wait for a lock the test holds; the
    // second's do not.
    target.with(|conn| {
        conn.execute_batch(
            "CREATE TABLE hold (once BOOLEAN);
             INSERT INTO hold VALUES (true);
             CREATE FUNCTION held() RETURNS trigger LANGUAGE plpgsql AS
                 $$ BEGIN
                     IF EXISTS (SELECT 1 FROM hold) THEN
                         DELETE FROM hold;
                         PERFORM pg_advisory_lock(4242);
                         PERFORM pg_advisory_unlock(4242);
                     END IF;
                     RETURN NULL;
                 END $$;
             CREATE TRIGGER held BEFORE INSERT ON answers
                 FOR EACH STATEMENT EXECUTE FUNCTION held();",
        )
        .expect("the trigger");
    });
    let url = target.url().to_owned();
    let (hold_tx, hold_rx) = std::sync::mpsc::channel::<()>();
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    // The lock, on a connection of its own until the test lets it go.
    let gate = std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).expect("connects");
        c.execute("SELECT pg_advisory_lock(4242)", &[])
            .expect("locked");
        held_tx.send(()).expect("told");
        let _ = hold_rx.recv_timeout(Duration::from_secs(60));
        c.execute("SELECT pg_advisory_unlock(4242)", &[])
            .expect("unlocked");
    });
    held_rx.recv().expect("the lock is held");
    let copy = || {
        Copying(Some(
            factquiz()
                .args(["db", "copy", "--from", source.url(), "--to", target.url()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("db copy starts"),
        ))
    };
    let waiting = |what: &str| -> i64 {
        query(
            &target,
            &format!(
                "SELECT COUNT(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock' AND {what}"
            ),
        )
    };
    let until = |copying: &mut Copying, what: &str, n: i64| {
        let deadline = Instant::now() + Duration::from_secs(60);
        while waiting(what) < n {
            assert!(!copying.has_ended(), "a copy ended early");
            assert!(Instant::now() < deadline, "never {n} waiting on {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // The first copy holds its answers (and its mark) on the test's lock…
    let mut first = copy();
    until(&mut first, "wait_event = 'advisory'", 1);
    // …and the second waits on the mark, for the chunk in hand.
    let mut second = copy();
    until(&mut second, "wait_event <> 'advisory'", 1);
    hold_tx.send(()).expect("let go");
    gate.join().expect("the lock's thread");
    let (second, first) = (second.output(), first.output());
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(
        second.status.success(),
        "{}{}",
        text(&second.stdout),
        text(&second.stderr)
    );
    assert!(
        text(&second.stdout).contains("had not finished"),
        "{}",
        text(&second.stdout)
    );
    assert_eq!(first.status.code(), Some(1), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("began meanwhile and took it over"),
        "{}",
        text(&first.stderr)
    );
    assert_copied_whole(&source, &target);
}

/// A copy's SQLite source is known however its path is written: the mark
/// a killed copy from the file's full path left is taken out by the same
/// copy run again as `sqlite://source.db` or `./source.db`, and refused
/// for another file. SQLite only, so that every run has it.
#[test]
fn a_copy_from_sqlite_is_known_by_its_file_however_its_path_is_written() {
    use crate::helpers::{TestDb, execute, factquiz, run};
    let dir = tempfile::tempdir().expect("tempdir");
    let (source, _) = copy_pair(dir.path());
    let full = std::fs::canonicalize(source.file().expect("a file"))
        .expect("the source's full path")
        .display()
        .to_string();
    let other = TestDb::sqlite(dir.path().join("other.db"));
    let marked = |name: &str| {
        let target = TestDb::sqlite(dir.path().join(name));
        let (code, _, err) = run(factquiz()
            .arg("leaderboard")
            .env("DATABASE_URL", target.url()));
        assert_eq!(code, 0, "{err}");
        // What a copy killed after its first chunk leaves.
        execute(
            &target,
            "INSERT INTO copy_unfinished (id, source, started_at, token) VALUES (1, ?1, 0, 7)",
            [full.as_str()],
        );
        execute(
            &target,
            "INSERT INTO players (origin, external_id, display_name, created_at) VALUES ('terminal', 'part', 'Part', 0)",
            (),
        );
        target
    };
    for (i, spelling) in ["sqlite://source.db", "./source.db"]
        .into_iter()
        .enumerate()
    {
        let target = marked(&format!("target{i}.db"));
        let (code, _, err) = run(factquiz()
            .arg("leaderboard")
            .env("DATABASE_URL", other.url()));
        assert_eq!(code, 0, "{err}");
        let (code, _, err) =
            run(factquiz().args(["db", "copy", "--from", other.url(), "--to", target.url()]));
        assert_eq!(code, 1, "{spelling}");
        assert!(err.contains("only that copy, run again"), "{err}");
        let (code, out, err) = run(factquiz().current_dir(dir.path()).args([
            "db",
            "copy",
            "--from",
            spelling,
            "--to",
            target.url(),
        ]));
        assert_eq!(code, 0, "{spelling}: {err}");
        assert!(out.contains("had not finished"), "{out}");
        assert_copied_whole(&source, &target);
    }
}

/// `factquiz db copy` moves an SQLite database (to PostgreSQL under
/// `.ci/with-postgres`): the boards read the same, play goes on where it
/// was, and a database that holds anything is never copied into.
#[test]
fn db_copy_moves_everything_into_an_empty_database() {
    use crate::helpers::{TestDb, factquiz, questions_dir, run, run_with_input};
    let dir = tempfile::tempdir().expect("tempdir");
    let source = TestDb::sqlite(dir.path().join("source.db"));
    let target = TestDb::fresh(dir.path(), "target.db");
    let play = |db: &TestDb, name: &str, input: &str| {
        let (code, _, err) = run_with_input(
            factquiz()
                .args(["play", "--name", name, "--questions", "3"])
                .env("DATABASE_URL", db.url())
                .env("FACTQUIZ_QUESTIONS", questions_dir()),
            input,
        );
        assert_eq!(code, 0, "{err}");
    };
    play(&source, "Amal", "1\n2\n1\n");
    play(&source, "Bilal", "2\n2\n2\n");
    let board = |db: &TestDb| {
        let (code, out, err) = run(factquiz().arg("leaderboard").env("DATABASE_URL", db.url()));
        assert_eq!(code, 0, "{err}");
        out
    };

    let (code, out, err) =
        run(factquiz().args(["db", "copy", "--from", source.url(), "--to", target.url()]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("answers") && out.contains(" 6"), "{out}");
    assert_eq!(board(&target), board(&source));
    for table in [
        "players",
        "quizzes",
        "served",
        "answers",
        "standings",
        "standing_points",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        assert_eq!(
            query::<i64>(&target, &sql),
            query::<i64>(&source, &sql),
            "{table}"
        );
    }
    crate::helpers::assert_score_counts_agree(&target);

    // And back (from PostgreSQL to SQLite in CI's second pass).
    let back = TestDb::sqlite(dir.path().join("back.db"));
    let (code, _, err) =
        run(factquiz().args(["db", "copy", "--from", target.url(), "--to", back.url()]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(board(&back), board(&source));
    crate::helpers::assert_score_counts_agree(&back);

    // New rows continue after the ids copied.
    play(&target, "Amal", "1\n1\n1\n");
    assert_eq!(query::<i64>(&target, "SELECT COUNT(*) FROM answers"), 9);
    assert_eq!(query::<i64>(&target, "SELECT COUNT(*) FROM players"), 2);

    // Never into a database that holds anything.
    let (code, _, err) =
        run(factquiz().args(["db", "copy", "--from", source.url(), "--to", target.url()]));
    assert_eq!(code, 1);
    assert!(err.contains("is not empty"), "{err}");
    assert_eq!(query::<i64>(&target, "SELECT COUNT(*) FROM answers"), 9);

    // A mistyped source is not made empty and copied.
    let typo = dir.path().join("sourse.db");
    let (code, _, err) = run(factquiz().args([
        "db",
        "copy",
        "--from",
        typo.to_str().expect("path"),
        "--to",
        dir.path().join("other.db").to_str().expect("path"),
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("does not exist"), "{err}");
    assert!(!typo.exists());
}
