//! go.sum files and the `h1:` hash (dirhash Hash1) of module zips and lone go.mod files.
