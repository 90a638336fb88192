//! Trace events: what a lookup did, step by step, and what each step cost.
//!
//! Every go.mod read, cache decision and directory probe becomes one [`Event`]. Events are data:
//! the CLI prints them under `-x` (one `# …` line each, see [`Event::x_line`]) and the playground
//! draws them. Times come from the caller's [`crate::clock::Clock`]; the trace never reads a clock.

use serde::Serialize;

/// What kind of step an event records. Stable names (serialized in kebab-case) are part of the
/// JSON schema.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A go.mod (or go.work, go.sum) file was read from a source.
    Read,
    /// A file was looked for in a source and was not there.
    NotFound,
    /// A modfile cache lookup found the parsed file.
    CacheHit,
    /// A modfile cache lookup found nothing.
    CacheMiss,
    /// A parsed file was stored in the modfile cache.
    CacheStore,
    /// A cache entry was removed (corrupt, stale, or refused by a checksum).
    CacheEvict,
    /// A candidate for an import path was considered (module prefix, vendor dir, GOROOT, GOPATH).
    LookupCandidate,
    /// A directory was probed for a package.
    LookupProbe,
    /// An import path was answered from the gopkg index.
    IndexHit,
    /// An import path was not in the gopkg index.
    IndexMiss,
    /// The gopkg index was (re)built.
    IndexRebuild,
    /// A timed phase of work (parse, graph load, selection).
    Phase,
    /// A warning worth showing in the trace.
    Warning,
}

/// One step of work: what happened, to what, where, with what result, and when.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The kind of step.
    pub kind: EventKind,
    /// What the step was about: `module@version`, an import path, a file name.
    pub subject: String,
    /// Where: a source description, a directory, a cache tier.
    pub detail: String,
    /// The outcome in words when the kind does not say it all (`found`, `absent`, `not a package`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub result: String,
    /// Start time in nanoseconds on the run's clock.
    pub start_ns: u64,
    /// Duration in nanoseconds (0 for instantaneous decisions).
    pub dur_ns: u64,
}

impl Event {
    /// A new event with no timing.
    pub fn new(kind: EventKind, subject: impl Into<String>, detail: impl Into<String>) -> Self {
        Event {
            kind,
            subject: subject.into(),
            detail: detail.into(),
            result: String::new(),
            start_ns: 0,
            dur_ns: 0,
        }
    }

    /// Sets the result text.
    pub fn with_result(mut self, result: impl Into<String>) -> Self {
        self.result = result.into();
        self
    }

    /// Sets start time and duration.
    pub fn timed(mut self, start_ns: u64, dur_ns: u64) -> Self {
        self.start_ns = start_ns;
        self.dur_ns = dur_ns;
        self
    }

    /// The `-x` line for this event, without a trailing newline: stable and grep-friendly,
    /// e.g. `# read go.mod: golang.org/x/mod@v0.5.1 (file:///proxy)`.
    pub fn x_line(&self) -> String {
        let verb = match self.kind {
            EventKind::Read => "read",
            EventKind::NotFound => "not found",
            EventKind::CacheHit => "using modfile cache",
            EventKind::CacheMiss => "modfile cache miss",
            EventKind::CacheStore => "modfile cache store",
            EventKind::CacheEvict => "modfile cache evict",
            EventKind::LookupCandidate => "lookup candidate",
            EventKind::LookupProbe => "lookup probe",
            EventKind::IndexHit => "gopkg cache hit",
            EventKind::IndexMiss => "gopkg cache miss",
            EventKind::IndexRebuild => "gopkg cache rebuild",
            EventKind::Phase => "phase",
            EventKind::Warning => "warning",
        };
        let mut line = format!("# {verb}: {}", self.subject);
        if !self.detail.is_empty() {
            line.push_str(&format!(" ({})", self.detail));
        }
        if !self.result.is_empty() {
            line.push_str(&format!(" → {}", self.result));
        }
        line
    }
}

/// An append-only list of events, in the order they happened.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Trace {
    /// The events.
    pub events: Vec<Event>,
    /// When false, [`Trace::push`] drops events (tracing off costs one branch).
    #[serde(skip)]
    pub enabled: bool,
}

impl Trace {
    /// A trace that records.
    pub fn recording() -> Self {
        Trace {
            events: Vec::new(),
            enabled: true,
        }
    }

    /// A trace that records nothing.
    pub fn off() -> Self {
        Trace::default()
    }

    /// Records an event if tracing is on. Build the event lazily so that tracing off allocates
    /// nothing: `trace.push_with(|| Event::new(..))`.
    pub fn push_with(&mut self, f: impl FnOnce() -> Event) {
        if self.enabled {
            self.events.push(f());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_lines_are_stable() {
        let e = Event::new(
            EventKind::CacheHit,
            "golang.org/x/mod@v0.5.1",
            "blake3 3f2a, memory",
        );
        assert_eq!(
            e.x_line(),
            "# using modfile cache: golang.org/x/mod@v0.5.1 (blake3 3f2a, memory)"
        );
        let e = Event::new(
            EventKind::LookupProbe,
            "example.com/a/b",
            "/gopath/src/example.com/a/b",
        )
        .with_result("absent");
        assert_eq!(
            e.x_line(),
            "# lookup probe: example.com/a/b (/gopath/src/example.com/a/b) → absent"
        );
    }

    #[test]
    fn off_trace_records_nothing() {
        let mut t = Trace::off();
        t.push_with(|| Event::new(EventKind::Read, "x", "y"));
        assert!(t.events.is_empty());
    }
}
