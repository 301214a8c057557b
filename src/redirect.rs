//! Where a user may be sent after signing in (`next`, `callbackURL`): only to a path on this site.
//!
//! Browsers do not read a URL the way a prefix check does. Following the WHATWG URL rules, they drop
//! leading and trailing C0 controls and spaces, remove every tab and newline anywhere, and read `\` as
//! `/` in http(s) URLs, so `/\t/evil.example` and `/\evil.example` both mean `//evil.example`: another
//! site. [`local_path`] applies those same rules first and answers with the cleaned path, which is what
//! gets sent on (so the browser never sees the raw form). Shared by the server and the WASM UI.

/// The path `target` stands for when it is a path on this site (`/…`, never `//host` in any
/// spelling), cleaned the way a browser would read it; `None` for anything else.
pub fn local_path(target: &str) -> Option<String> {
    let trimmed = target.trim_matches(|c: char| c <= ' ');
    let cleaned: String =
        trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).map(|c| if c == '\\' { '/' } else { c }).collect();
    let mut chars = cleaned.chars();
    match (chars.next(), chars.next()) {
        (Some('/'), Some('/')) => None,
        (Some('/'), _) => Some(cleaned),
        _ => None,
    }
}

/// Whether `target` is a path on this site (see [`local_path`]).
pub fn is_local_path(target: &str) -> bool {
    local_path(target).is_some()
}

/// Where to go after signing in: `next` when it is a local path, else the board.
pub fn next_or_home(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_local() {
        assert_eq!(local_path("/").as_deref(), Some("/"));
        assert_eq!(local_path("/?status=pending&tag=a").as_deref(), Some("/?status=pending&tag=a"));
        assert_eq!(local_path(" /x ").as_deref(), Some("/x"));
        assert_eq!(local_path("/a\\b").as_deref(), Some("/a/b"));
    }

    #[test]
    fn every_spelling_of_another_site_is_refused() {
        for other in [
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "\u{0}//evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil",
            "",
        ] {
            assert_eq!(local_path(other), None, "{other:?}");
        }
    }

    #[test]
    fn next_falls_back_to_the_board() {
        assert_eq!(next_or_home(Some("/\t/evil.example")), "/");
        assert_eq!(next_or_home(None), "/");
        assert_eq!(next_or_home(Some("/?q=milk")), "/?q=milk");
    }
}
