//! Reading a request body under a size limit and a deadline, refusing it as
//! soon as it passes either: a client trickling bytes holds a connection (and,
//! for a webhook, up to 1 MiB of memory) only until the deadline.

use std::time::Duration;

use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::web::{Bytes, BytesMut, Payload};
use futures_util::StreamExt;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("body exceeds {limit} bytes")]
    TooLarge { limit: usize },
    #[error("body could not be read")]
    Read(#[source] actix_web::error::PayloadError),
    #[error("body not received within {0:?}")]
    Timeout(Duration),
}

/// Reads the whole body within `deadline`, or fails once it is known to exceed
/// `limit` bytes.
pub async fn read_limited(
    req: &HttpRequest,
    payload: Payload,
    limit: usize,
    deadline: Duration,
) -> Result<Bytes, BodyError> {
    tokio::time::timeout(deadline, read_all(req, payload, limit))
        .await
        .unwrap_or(Err(BodyError::Timeout(deadline)))
}

async fn read_all(
    req: &HttpRequest,
    mut payload: Payload,
    limit: usize,
) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|len| len > limit) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(BodyError::Read)?;
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
