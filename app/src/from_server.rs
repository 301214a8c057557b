//! [`FromServer`]: island props that only ever travel from the server to the browser.
use serde::{Deserialize, Serialize, Serializer};

/// An island prop the server writes and the browser reads. Leptos's `#[island]` serializes an island's
/// props wherever the island is made, so the browser, having just read them, would write them all out
/// again (and carry the code for it). In the browser this writes nothing instead.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct FromServer<T>(pub T);

impl<T: Serialize> Serialize for FromServer<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[cfg(feature = "ssr")]
        return self.0.serialize(serializer);
        #[cfg(not(feature = "ssr"))]
        return serializer.serialize_unit();
    }
}
