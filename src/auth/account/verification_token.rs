//! Better Auth's email-verification tokens: stateless HS256 JWTs signed with the UTF-8 bytes of
//! `BETTER_AUTH_SECRET`, header `{"alg":"HS256"}`, one hour. Not stored and not single-use (as in
//! Better Auth): opening a link twice verifies twice. A change-of-email token also names the new
//! address (`updateTo`) and its `requestType`.
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// How long a verification link works.
pub const LIFETIME_SECS: i64 = 3600;
/// The `requestType` of a change-of-email link sent to the new address.
pub const CHANGE_EMAIL_VERIFICATION: &str = "change-email-verification";

/// The payload, keys in Better Auth's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationClaims {
    pub email: String,
    #[serde(rename = "updateTo", default, skip_serializing_if = "Option::is_none")]
    pub update_to: Option<String>,
    #[serde(rename = "requestType", default, skip_serializing_if = "Option::is_none")]
    pub request_type: Option<String>,
    /// Empty when the token has none (Better Auth makes it optional; Ticklist always sets it).
    #[serde(rename = "userId", default)]
    pub user_id: String,
    pub iat: i64,
    pub exp: i64,
}

/// Why a verification token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerificationTokenError {
    Invalid,
    Expired,
}

impl VerificationClaims {
    /// Claims for `email` of `user_id`, valid from now for [`LIFETIME_SECS`].
    pub fn new(email: &str, user_id: &str) -> Self {
        let iat = crate::clock::now().timestamp();
        Self {
            email: email.to_lowercase(),
            update_to: None,
            request_type: None,
            user_id: user_id.to_owned(),
            iat,
            exp: iat + LIFETIME_SECS,
        }
    }

    pub fn sign(&self, secret: &str) -> String {
        let mut header = Header::new(Algorithm::HS256);
        header.typ = None;
        jsonwebtoken::encode(&header, self, &EncodingKey::from_secret(secret.as_bytes()))
            .expect("HS256 signing does not fail")
    }

    pub fn verify(token: &str, secret: &str) -> Result<Self, VerificationTokenError> {
        if token.len() > crate::auth::MAX_TOKEN_BYTES {
            return Err(VerificationTokenError::Invalid);
        }
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.required_spec_claims = ["exp"].into_iter().map(str::to_owned).collect();
        jsonwebtoken::decode::<Self>(token, &DecodingKey::from_secret(secret.as_bytes()), &validation)
            .map(|data| data.claims)
            .map_err(|error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => VerificationTokenError::Expired,
                _ => VerificationTokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_better_auths_header_and_key_order_and_round_trip() {
        let claims = VerificationClaims::new("A@Example.com", "u1");
        let token = claims.sign("secret");
        assert!(token.starts_with("eyJhbGciOiJIUzI1NiJ9."), "header is exactly {{\"alg\":\"HS256\"}}");
        let payload = serde_json::to_string(&claims).unwrap();
        assert!(payload.starts_with(r#"{"email":"a@example.com","userId":"u1","iat":"#), "{payload}");
        assert_eq!(VerificationClaims::verify(&token, "secret"), Ok(claims));
        assert_eq!(VerificationClaims::verify(&token, "other"), Err(VerificationTokenError::Invalid));
        let mut old = VerificationClaims::new("a@example.com", "u1");
        old.exp = old.iat - 10;
        assert_eq!(VerificationClaims::verify(&old.sign("secret"), "secret"), Err(VerificationTokenError::Expired));
    }
}
