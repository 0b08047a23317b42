//! How long `questions extract` takes to draft an article: a 700-word
//! Arabic article made of two articles of the development set, drafted
//! again and again in one process (the rule tables are read once, on the
//! first draft, which is timed apart).
//!
//! `cargo bench --bench extract` (release build). Figures are printed, not
//! asserted: these machines are shared. The target is under 50 ms.

use std::time::{Duration, Instant};

const RUNS: usize = 200;

fn main() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/extract-dev/articles/"
    );
    let text: String = [
        "manchester-attack-army-deployed.txt",
        "imf-mission-tunisia-outlook.txt",
    ]
    .iter()
    .map(|f| std::fs::read_to_string(format!("{dir}{f}")).expect("a dev article"))
    .collect::<Vec<_>>()
    .join("\n");
    let words = text.split_whitespace().count();

    let start = Instant::now();
    let facts = factquiz::extract::extract(&text, Some("2017-05-24"))
        .facts
        .len();
    let first = start.elapsed();

    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let draft = factquiz::extract::extract(&text, Some("2017-05-24"));
            let took = start.elapsed();
            assert_eq!(draft.facts.len(), facts, "the same draft each time");
            took
        })
        .collect();
    times.sort_unstable();
    // The q-th of the sorted times, q in hundredths.
    let at = |q: usize| times[(times.len() - 1) * q / 100];
    println!(
        "extract: {words} words, {facts} facts; first draft {:.2} ms (tables read), then median {:.2} ms, p90 {:.2} ms, max {:.2} ms over {RUNS} drafts",
        first.as_secs_f64() * 1e3,
        at(50).as_secs_f64() * 1e3,
        at(90).as_secs_f64() * 1e3,
        at(100).as_secs_f64() * 1e3,
    );
}
