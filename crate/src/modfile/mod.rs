//! The files Go's module system is made of: go.mod, go.work, vendor/modules.txt and txtar archives.
//!
//! Two layers, as golang.org/x/mod has them: a comment-preserving syntax tree with byte spans, and
//! typed files on top whose every element points back at its syntax line. Parsing is strict (main
//! module, go.work) or lax (dependencies); a formatter prints the canonical form.
