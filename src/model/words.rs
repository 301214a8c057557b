//! [`wire_words!`]: an enum whose variants travel as fixed words (`"low"`, `"created_at"`), declared
//! once with its words. Everything that names the words — `as_str`, `parse`, serde, the error text
//! and the OpenAPI pattern — is generated from that one list, so they cannot drift apart.
//!
//! The generated code is plain `match`es and `&'static str` constants (no generic tables): the enums
//! are compiled into the browser's WASM bundle too, and this keeps them as small as the derives were.

/// Declares a fieldless enum with one wire word per variant and generates:
/// - `ALL`, every variant in declaration order, and `WORDS`, their words in the same order;
/// - `as_str` and `parse` (exact match, anything else is `None`);
/// - `ONE_OF` (`"must be one of a, b, c"`, for validation errors) and `PATTERN` (`"^(a|b|c)$"`, for
///   the OpenAPI document);
/// - `Serialize` / `Deserialize` as the word (an unknown word is refused naming the known ones).
///
/// Attributes on the enum and its variants (derives, docs, `#[default]`) are passed through.
macro_rules! wire_words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(#[$first_meta:meta])* $first:ident = $first_word:literal
            $(, $(#[$rest_meta:meta])* $rest:ident = $rest_word:literal)* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(#[$first_meta])* $first,
            $($(#[$rest_meta])* $rest,)*
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; 1 $(+ $crate::model::words::one(stringify!($rest)))*] =
                [$name::$first $(, $name::$rest)*];
            /// The wire words, in the order of [`Self::ALL`].
            pub const WORDS: [&'static str; 1 $(+ $crate::model::words::one($rest_word))*] =
                [$first_word $(, $rest_word)*];
            /// The validation message for a value that is none of the words.
            pub const ONE_OF: &'static str = concat!("must be one of ", $first_word $(, ", ", $rest_word)*);
            /// A regular expression (ECMA-262) matching exactly the words.
            pub const PATTERN: &'static str = concat!("^(", $first_word $(, "|", $rest_word)*, ")$");

            /// The wire word.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $name::$first => $first_word,
                    $($name::$rest => $rest_word,)*
                }
            }

            /// Parses a wire word; anything else is `None`.
            pub fn parse(value: &str) -> Option<Self> {
                match value {
                    $first_word => Some($name::$first),
                    $($rest_word => Some($name::$rest),)*
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_str($crate::model::words::WordVisitor(Self::parse, &Self::WORDS))
            }
        }
    };
}
pub(crate) use wire_words;

/// Counts one item in an array length (`1 + one(..) + ...`).
pub const fn one(_: &str) -> usize {
    1
}

/// Reads a word with `parse`; one visitor for every word enum (it is not generic over the enum's
/// type beyond `T`), refusing unknown words the way serde's derive does.
pub struct WordVisitor<T: 'static>(pub fn(&str) -> Option<T>, pub &'static [&'static str]);

impl<T> serde::de::Visitor<'_> for WordVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("one of")?;
        for word in self.1 {
            formatter.write_str(" ")?;
            formatter.write_str(word)?;
        }
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
        (self.0)(value).ok_or_else(|| E::unknown_variant(value, self.1))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Order, Priority, SortKey, StatusFilter};

    #[test]
    fn every_word_parses_back_and_serializes_as_itself() {
        fn check<T: Copy + PartialEq + std::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned>(
            all: &[T],
            words: &[&str],
            as_str: fn(T) -> &'static str,
            parse: fn(&str) -> Option<T>,
        ) {
            assert_eq!(all.len(), words.len());
            for (&value, &word) in all.iter().zip(words) {
                assert_eq!(as_str(value), word);
                assert_eq!(parse(word), Some(value));
                assert_eq!(serde_json::to_value(value).unwrap(), word);
                assert_eq!(serde_json::from_value::<T>(word.into()).unwrap(), value);
            }
            assert_eq!(parse("nonsense"), None);
            let refused = serde_json::from_value::<T>("nonsense".into()).unwrap_err().to_string();
            assert!(refused.contains(&format!("`{}`", words[0])), "{refused}");
        }
        check(&Priority::ALL, &Priority::WORDS, Priority::as_str, Priority::parse);
        check(&StatusFilter::ALL, &StatusFilter::WORDS, StatusFilter::as_str, StatusFilter::parse);
        check(&SortKey::ALL, &SortKey::WORDS, SortKey::as_str, SortKey::parse);
        check(&Order::ALL, &Order::WORDS, Order::as_str, Order::parse);
    }

    #[test]
    fn the_messages_and_patterns_list_the_words() {
        assert_eq!(Priority::ONE_OF, "must be one of low, medium, high");
        assert_eq!(SortKey::PATTERN, "^(created_at|updated_at|title|due_date|priority)$");
    }
}
