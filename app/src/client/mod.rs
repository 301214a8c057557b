//! Talking to the server from the browser: the access token, the Better Auth endpoints, the REST API,
//! the live change stream and the server-function client that carries the token.
pub mod auth_api;
pub mod live;
pub mod rest;
pub mod server_fn_client;
pub mod token;

use ticklist::model::Problem;

use crate::server_fns::FnError;

/// Why a call from the browser failed, in terms the UI can act on.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// The session is gone: the user must sign in again.
    SignedOut,
    /// The server could not be reached.
    Network,
    /// The server answered with a problem.
    Problem(Problem),
}

impl ClientError {
    /// A sentence for a person.
    pub fn message(&self) -> String {
        match self {
            ClientError::SignedOut => "Your session has ended. Please sign in again.".into(),
            ClientError::Network => "Can't reach the server. Check your connection; nothing you typed is lost.".into(),
            ClientError::Problem(problem) if problem.status == 503 => {
                "The server is temporarily unavailable. Try again in a few seconds; nothing you typed is lost.".into()
            }
            ClientError::Problem(problem) if problem.status >= 500 => {
                "Something went wrong on the server. Try again; nothing you typed is lost.".into()
            }
            ClientError::Problem(problem) => problem.message(),
        }
    }
}

impl From<FnError> for ClientError {
    fn from(error: FnError) -> Self {
        match error {
            FnError::Unauthorized => ClientError::SignedOut,
            FnError::Unreachable => ClientError::Network,
            FnError::Problem(problem) => ClientError::Problem(problem),
        }
    }
}

/// A token refused although the session lives (the token endpoint just gave a fresh one): the server
/// could not verify it yet, say a signing key it is still fetching. Shown; the user stays signed in.
fn token_refused() -> ClientError {
    ClientError::Problem(Problem::new(
        401,
        "Unauthorized",
        Some("The server could not verify your sign-in just now. Try again in a moment.".into()),
    ))
}

/// What a failed server function means for the page. A 401 signs the user out only when the session
/// is gone (the token endpoint says so); otherwise the fresh token it brings serves the next try.
pub async fn fn_failed(error: FnError) -> ClientError {
    match error {
        FnError::Unauthorized => match token::refresh().await {
            Err(ClientError::SignedOut) => ClientError::SignedOut,
            _ => token_refused(),
        },
        error => error.into(),
    }
}

/// What a server function failing again, with a token fetched just for it, means: a 401 now is a token
/// refused although the session lives (asking the token endpoint once more would tell nothing new).
pub fn fn_failed_again(error: FnError) -> ClientError {
    match error {
        FnError::Unauthorized => token_refused(),
        error => error.into(),
    }
}
