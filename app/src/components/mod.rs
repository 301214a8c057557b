//! Pieces shared by several pages.
pub mod header;
pub mod priority_options;
pub mod theme_toggle;
