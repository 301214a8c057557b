//! [`FnError`]: why a server function failed, as a type rather than a message to compare. It travels
//! as the problem body REST answers with (`{"type", "title", "status", ...}`), read with the same
//! `Problem` reader the browser has for REST, so typed errors add no decoder to the WASM bundle.
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};
use ticklist::model::Problem;

use super::JsonText;

/// Why a server function failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FnError {
    /// Nobody is signed in, or the token was refused (401): sign in again.
    Unauthorized,
    /// Refused or failed, as the REST API answers the same failure.
    Problem(Problem),
    /// The call or its answer did not get through (only ever made in the browser).
    Unreachable,
}

impl FnError {
    /// The problem body this error travels as.
    pub fn problem(&self) -> Problem {
        match self {
            FnError::Unauthorized => Problem::new(401, "Unauthorized", Some("sign in first".into())),
            FnError::Problem(problem) => problem.clone(),
            FnError::Unreachable => Problem::new(502, "Bad Gateway", None),
        }
    }
}

impl From<Problem> for FnError {
    fn from(problem: Problem) -> Self {
        if problem.status == 401 { FnError::Unauthorized } else { FnError::Problem(problem) }
    }
}

impl Serialize for FnError {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.problem().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for FnError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Problem::deserialize(deserializer).map(FnError::from)
    }
}

impl FromServerFnError for FnError {
    type Encoder = JsonText;

    /// The framework's own failures: not reaching the server is [`FnError::Unreachable`]; arguments the
    /// server could not read are the caller's fault (400); anything else is the server's (500).
    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        match error {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => FnError::Unreachable,
            ServerFnErrorErr::Args(detail) | ServerFnErrorErr::MissingArg(detail) => {
                FnError::Problem(Problem::new(400, "Bad Request", Some(detail)))
            }
            other => FnError::Problem(Problem::new(500, "Internal Server Error", Some(other.to_string()))),
        }
    }
}

impl From<ServerFnErrorErr> for FnError {
    fn from(error: ServerFnErrorErr) -> Self {
        FnError::from_server_fn_error(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientError;

    fn over_the_wire(error: &FnError) -> FnError {
        let bytes = error.ser();
        FnError::de(bytes)
    }

    #[test]
    fn each_error_crosses_the_wire_as_a_problem_and_comes_back_the_same() {
        let invalid = Problem::new(422, "Unprocessable Entity", Some("validation failed".into()));
        for error in [FnError::Unauthorized, FnError::Problem(invalid)] {
            let json: serde_json::Value = serde_json::from_slice(&error.ser()).unwrap();
            assert_eq!(json["status"], error.problem().status, "{error:?}");
            assert_eq!(over_the_wire(&error), error);
        }
    }

    #[test]
    fn the_browser_acts_on_the_variant() {
        assert_eq!(ClientError::from(FnError::Unauthorized), ClientError::SignedOut);
        assert_eq!(ClientError::from(FnError::Unreachable), ClientError::Network);
        let network = FnError::from_server_fn_error(ServerFnErrorErr::Request("offline".into()));
        assert_eq!(ClientError::from(network), ClientError::Network);
        let refused = Problem::new(404, "Not Found", Some("no such task".into()));
        assert_eq!(ClientError::from(FnError::Problem(refused.clone())), ClientError::Problem(refused));
    }
}
