//! Module and import paths: validity checks with the go command's exact errors, case escaping for
//! the module cache and proxies, major-version suffixes, and GOPRIVATE-style glob matching.
