//! Sending with Telegram's errors in mind. `sendMessage` and `sendPoll` go
//! through teloxide's `Throttle`, which waits out a 429 `retry_after` and
//! retries; edits, callback answers and the like bypass it, so they are
//! retried here.

use std::time::Duration;

use teloxide::{ApiError, RequestError};

/// How many times a request is tried when Telegram says "retry after".
const ATTEMPTS: u32 = 5;

/// Runs `request` until it succeeds, waiting out `retry_after` answers and
/// retrying a network error once (only for requests that are safe to
/// repeat: edits, callback answers, reads).
pub async fn retrying<T, Fut>(mut request: impl FnMut() -> Fut) -> Result<T, RequestError>
where
    Fut: Future<Output = Result<T, RequestError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match request().await {
            Err(RequestError::RetryAfter(wait)) if attempt < ATTEMPTS => {
                tracing::info!(seconds = wait.seconds(), "Telegram asked to retry later");
                tokio::time::sleep(wait.duration()).await;
            }
            Err(RequestError::Network(e)) if attempt < 2 => {
                tracing::info!(error = %e, "network error, retrying once");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => return other,
        }
    }
}

/// An edit that changes nothing ("message is not modified", as after a
/// double tap) is a success.
pub fn edited<T>(result: Result<T, RequestError>) -> Result<(), RequestError> {
    match result {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(e) => Err(e),
    }
}
