//! Import path → package directory in module, vendor and GOPATH modes, and the gopkg cache.
