//! `GOEXPERIMENT`: the comma-separated list that switches modscope's accelerators on
//! (`modfilecache`, `gopkgcache`), parsed in one place for every front end.
//!
//! As in the go command, names may be negated with a `no` prefix and the last mention wins.
//! The go toolchain's own experiment names are accepted and ignored (the variable is shared with
//! the go command); any other name is an error worded like the go command's.

/// The experiments modscope itself acts on.
pub const MODSCOPE_EXPERIMENTS: &[&str] = &["modfilecache", "gopkgcache"];

/// The go toolchain's experiment names (Go 1.19–1.22), accepted so that a `GOEXPERIMENT` meant
/// for the go command does not break modscope.
const GO_EXPERIMENTS: &[&str] = &[
    "fieldtrack",
    "preemptibleloops",
    "staticlockranking",
    "boringcrypto",
    "unified",
    "regabi",
    "regabiwrappers",
    "regabiargs",
    "heapminimum512kib",
    "coverageredesign",
    "arenas",
    "pagetrace",
    "cgocheck2",
    "loopvar",
    "allocheaders",
    "exectracer2",
    "rangefunc",
    "newinliner",
    "none",
];

/// Which of modscope's experiments a `GOEXPERIMENT` value turns on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Experiments {
    /// `modfilecache`: the modfile cache.
    pub modfile_cache: bool,
    /// `gopkgcache`: the gopkg cache.
    pub gopkg_cache: bool,
}

/// A `GOEXPERIMENT` entry that names no known experiment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown GOEXPERIMENT {name}")]
pub struct UnknownExperiment {
    /// The entry as written.
    pub name: String,
}

impl Experiments {
    /// Parses a `GOEXPERIMENT` value (empty means none).
    pub fn parse(value: &str) -> Result<Experiments, UnknownExperiment> {
        let mut out = Experiments::default();
        for raw in value.split(',') {
            let name = raw.trim();
            if name.is_empty() {
                continue;
            }
            let (on, base) = match name.strip_prefix("no") {
                Some(rest) if is_known(rest) => (false, rest),
                _ => (true, name),
            };
            match base {
                "modfilecache" => out.modfile_cache = on,
                "gopkgcache" => out.gopkg_cache = on,
                "none" => out = Experiments::default(),
                b if GO_EXPERIMENTS.contains(&b) => {}
                _ => {
                    return Err(UnknownExperiment {
                        name: name.to_string(),
                    })
                }
            }
        }
        Ok(out)
    }
}

fn is_known(name: &str) -> bool {
    MODSCOPE_EXPERIMENTS.contains(&name) || GO_EXPERIMENTS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let on = |m, g| Experiments {
            modfile_cache: m,
            gopkg_cache: g,
        };
        let rows: &[(&str, Experiments)] = &[
            ("", on(false, false)),
            ("modfilecache", on(true, false)),
            ("gopkgcache,modfilecache", on(true, true)),
            (" modfilecache , ", on(true, false)),
            ("modfilecache,nomodfilecache", on(false, false)),
            ("fieldtrack,gopkgcache", on(false, true)),
            ("modfilecache,none", on(false, false)),
        ];
        for (input, want) in rows {
            assert_eq!(Experiments::parse(input).as_ref(), Ok(want), "{input:?}");
        }
        let err = Experiments::parse("modfilecache,modfilecash").unwrap_err();
        assert_eq!(err.to_string(), "unknown GOEXPERIMENT modfilecash");
        assert!(Experiments::parse("nofoo").is_err());
    }
}
