//! Signing keys in Better Auth's `jwks` format: generated per algorithm, the private JWK encrypted with
//! XChaCha20-Poly1305 under SHA-256(secret) and stored as a JSON string of hex, the public JWK stored
//! as plain JSON (docs/better-auth-compat.md, "Keys at rest").
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64URL};
use chacha20poly1305::{
    XChaCha20Poly1305, XNonce,
    aead::{Aead, KeyInit},
};
use jsonwebtoken::{Algorithm, EncodingKey};
use rand::{RngCore, rngs::OsRng};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::JwtAlg;

/// A freshly generated key pair, as the `jwks` columns want it.
#[derive(Debug, Clone)]
pub struct GeneratedKey {
    /// `publicKey`: the public JWK without `alg` and `kid`.
    pub public_jwk: String,
    /// The private JWK (before encryption).
    pub private_jwk: String,
    /// `alg` column.
    pub alg: &'static str,
    /// `crv` column (`None` for RSA).
    pub crv: Option<&'static str>,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("private key cannot be decrypted (was BETTER_AUTH_SECRET changed?)")]
    Decrypt,
    #[error("malformed key: {0}")]
    Malformed(String),
    #[error("HS256 keys are the shared secret and are never stored")]
    Symmetric,
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    B64URL.encode(bytes)
}

/// Generates a key pair for `alg` (EdDSA: Ed25519; ES256: P-256; RS256: 2048-bit RSA).
pub fn generate(alg: JwtAlg) -> Result<GeneratedKey, KeyError> {
    match alg {
        JwtAlg::EdDsa => {
            let signing = ed25519_dalek::SigningKey::generate(&mut OsRng);
            let x = b64(signing.verifying_key().as_bytes());
            Ok(GeneratedKey {
                public_jwk: json!({"crv": "Ed25519", "x": x, "kty": "OKP"}).to_string(),
                private_jwk: json!({"crv": "Ed25519", "d": b64(signing.to_bytes()), "x": x, "kty": "OKP"}).to_string(),
                alg: "EdDSA",
                crv: Some("Ed25519"),
            })
        }
        JwtAlg::Es256 => {
            let secret = p256::SecretKey::random(&mut OsRng);
            let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&secret.public_key(), false);
            let (x, y) = (b64(point.x().expect("uncompressed")), b64(point.y().expect("uncompressed")));
            Ok(GeneratedKey {
                public_jwk: json!({"kty": "EC", "x": x, "y": y, "crv": "P-256"}).to_string(),
                private_jwk: json!({"kty": "EC", "x": x, "y": y, "crv": "P-256", "d": b64(secret.to_bytes())})
                    .to_string(),
                alg: "ES256",
                crv: Some("P-256"),
            })
        }
        JwtAlg::Rs256 => {
            use rsa::traits::{PrivateKeyParts, PublicKeyParts};
            let mut key = rsa::RsaPrivateKey::new(&mut OsRng, 2048).map_err(|e| KeyError::Malformed(e.to_string()))?;
            key.precompute().map_err(|e| KeyError::Malformed(e.to_string()))?;
            let n = b64(key.n().to_bytes_be());
            let e = b64(key.e().to_bytes_be());
            let [p, q] = [&key.primes()[0], &key.primes()[1]].map(|v| b64(v.to_bytes_be()));
            let dp = key.dp().map(|v| b64(v.to_bytes_be())).unwrap_or_default();
            let dq = key.dq().map(|v| b64(v.to_bytes_be())).unwrap_or_default();
            let qi = key.crt_coefficient().map(|v| b64(v.to_bytes_be())).unwrap_or_default();
            let d = b64(key.d().to_bytes_be());
            Ok(GeneratedKey {
                public_jwk: json!({"kty": "RSA", "n": n, "e": e}).to_string(),
                private_jwk:
                    json!({"kty": "RSA", "n": n, "e": e, "d": d, "p": p, "q": q, "dp": dp, "dq": dq, "qi": qi})
                        .to_string(),
                alg: "RS256",
                crv: None,
            })
        }
        JwtAlg::Hs256 => Err(KeyError::Symmetric),
    }
}

fn cipher(secret: &str) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&Sha256::digest(secret.as_bytes()))
}

/// Encrypts a private JWK the way Better Auth's `symmetricEncrypt` does; returns the column value
/// (a JSON string literal of the hex of nonce || ciphertext || tag).
pub fn encrypt_private_key(private_jwk: &str, secret: &str) -> String {
    let mut nonce = [0u8; 24];
    OsRng.fill_bytes(&mut nonce);
    let sealed =
        cipher(secret).encrypt(XNonce::from_slice(&nonce), private_jwk.as_bytes()).expect("encryption cannot fail");
    let mut blob = nonce.to_vec();
    blob.extend_from_slice(&sealed);
    Value::String(hex::encode(blob)).to_string()
}

/// Reads a `privateKey` column: encrypted (`"hex"`, or `$ba$<version>$hex` with the current secret)
/// or, when Better Auth ran with `disablePrivateKeyEncryption`, the plain JWK.
pub fn decrypt_private_key(column: &str, secret: &str) -> Result<String, KeyError> {
    let text = serde_json::from_str::<String>(column).unwrap_or_else(|_| column.to_owned());
    if text.trim_start().starts_with('{') {
        return Ok(text);
    }
    let hex_part = match text.strip_prefix("$ba$") {
        Some(rest) => rest.split_once('$').map(|(_, hex)| hex).ok_or(KeyError::Decrypt)?,
        None => text.as_str(),
    };
    let blob = hex::decode(hex_part).map_err(|_| KeyError::Decrypt)?;
    if blob.len() < 24 + 16 {
        return Err(KeyError::Decrypt);
    }
    let (nonce, sealed) = blob.split_at(24);
    let plain = cipher(secret).decrypt(XNonce::from_slice(nonce), sealed).map_err(|_| KeyError::Decrypt)?;
    String::from_utf8(plain).map_err(|_| KeyError::Decrypt)
}

fn field(jwk: &Value, name: &str) -> Result<Vec<u8>, KeyError> {
    let text = jwk[name].as_str().ok_or_else(|| KeyError::Malformed(format!("missing {name}")))?;
    B64URL.decode(text).map_err(|_| KeyError::Malformed(format!("bad {name}")))
}

/// Turns a private JWK into a jsonwebtoken signing key for `alg`.
pub fn encoding_key(private_jwk: &str, alg: Algorithm) -> Result<EncodingKey, KeyError> {
    use ed25519_dalek::pkcs8::EncodePrivateKey as _;
    let jwk: Value = serde_json::from_str(private_jwk).map_err(|e| KeyError::Malformed(e.to_string()))?;
    let malformed = |e: &dyn std::fmt::Display| KeyError::Malformed(e.to_string());
    match alg {
        Algorithm::EdDSA => {
            let seed: [u8; 32] = field(&jwk, "d")?.try_into().map_err(|_| KeyError::Malformed("bad d".into()))?;
            let der = ed25519_dalek::SigningKey::from_bytes(&seed).to_pkcs8_der().map_err(|e| malformed(&e))?;
            Ok(EncodingKey::from_ed_der(der.as_bytes()))
        }
        Algorithm::ES256 => {
            use p256::pkcs8::EncodePrivateKey as _;
            let secret = p256::SecretKey::from_slice(&field(&jwk, "d")?).map_err(|e| malformed(&e))?;
            let der = secret.to_pkcs8_der().map_err(|e| malformed(&e))?;
            Ok(EncodingKey::from_ec_der(der.as_bytes()))
        }
        Algorithm::RS256 => {
            use rsa::{BigUint, pkcs1::EncodeRsaPrivateKey as _};
            let int = |name: &str| field(&jwk, name).map(|bytes| BigUint::from_bytes_be(&bytes));
            let key = rsa::RsaPrivateKey::from_components(int("n")?, int("e")?, int("d")?, vec![int("p")?, int("q")?])
                .map_err(|e| malformed(&e))?;
            let der = key.to_pkcs1_der().map_err(|e| malformed(&e))?;
            Ok(EncodingKey::from_rsa_der(der.as_bytes()))
        }
        other => Err(KeyError::Malformed(format!("unsupported algorithm {other:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "peer-test-secret-0123456789abcdefghijklmnopqrstuvwxyz";

    #[test]
    fn encrypted_private_keys_round_trip_and_refuse_another_secret() {
        let column = encrypt_private_key(r#"{"kty":"OKP"}"#, SECRET);
        assert!(column.starts_with('"') && column.ends_with('"'));
        assert_eq!(column.len(), 2 + 2 * (24 + 13 + 16));
        assert_eq!(decrypt_private_key(&column, SECRET).unwrap(), r#"{"kty":"OKP"}"#);
        assert!(matches!(decrypt_private_key(&column, "another secret"), Err(KeyError::Decrypt)));
    }

    #[test]
    fn plain_and_versioned_columns_are_read() {
        assert_eq!(decrypt_private_key(r#"{"kty":"OKP"}"#, SECRET).unwrap(), r#"{"kty":"OKP"}"#);
        let hex = serde_json::from_str::<String>(&encrypt_private_key("{}", SECRET)).unwrap();
        assert_eq!(decrypt_private_key(&format!("$ba$1${hex}"), SECRET).unwrap(), "{}");
    }

    #[test]
    fn generated_keys_of_every_algorithm_make_signing_keys() {
        for (alg, jose) in
            [(JwtAlg::EdDsa, Algorithm::EdDSA), (JwtAlg::Es256, Algorithm::ES256), (JwtAlg::Rs256, Algorithm::RS256)]
        {
            let key = generate(alg).unwrap();
            assert_eq!(key.alg, alg.as_str());
            encoding_key(&key.private_jwk, jose).unwrap();
            let public: Value = serde_json::from_str(&key.public_jwk).unwrap();
            assert!(public.get("d").is_none());
        }
    }
}
