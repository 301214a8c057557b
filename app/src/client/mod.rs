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

/// What a second 401 in a row means: signed out when the session is gone (the token endpoint says
/// so), otherwise a refusal to show and retry later — never a sign-out of a user whose session lives.
pub async fn refused_with_session() -> ClientError {
    match token::refresh().await {
        Err(ClientError::SignedOut) => ClientError::SignedOut,
        _ => ClientError::Problem(Problem::new(
            401,
            "Unauthorized",
            Some("The server could not verify your sign-in just now. Try again in a moment.".into()),
        )),
    }
}

/// Calls a server function; a 401 gets a fresh token and one more try, like the REST calls.
pub async fn with_token<T, F>(call: impl Fn() -> F) -> Result<T, ClientError>
where
    F: std::future::Future<Output = Result<T, FnError>>,
{
    match call().await.map_err(ClientError::from) {
        Err(ClientError::SignedOut) => {
            token::refresh().await?;
            match call().await.map_err(ClientError::from) {
                Err(ClientError::SignedOut) => Err(refused_with_session().await),
                other => other,
            }
        }
        other => other,
    }
}
