//! HTTP(S) GOPROXY entries: the proxy protocol's `GET $base/<escaped path>/@v/<escaped version>.mod`
//! (and `.info`, `.zip`, `list`) over a blocking client with timeouts (SPEC G). 200 is the file,
//! 404 and 410 are "not found here" (the GOPROXY list may fall through), anything else is an
//! error; messages read as the go command prints them (`reading URL: 404 Not Found`).

use crate::source::proxydir::proxy_file_name;
use crate::source::{Fetched, FileKind, ModuleSource, SourceError};
use std::sync::Arc;
use std::time::Duration;

/// One HTTP(S) proxy.
pub struct HttpProxy {
    base: String,
    agent: ureq::Agent,
}

impl HttpProxy {
    /// A proxy at `base` (`https://proxy.golang.org`), with a 10 s connect and 60 s total timeout.
    pub fn new(base: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_global(Some(Duration::from_secs(60)))
            .user_agent("modscope")
            .build()
            .into();
        HttpProxy {
            base: base.trim_end_matches('/').to_string(),
            agent,
        }
    }
}

fn status_text(code: u16) -> &'static str {
    match code {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

impl ModuleSource for HttpProxy {
    fn fetch(&self, path: &str, version: &str, kind: FileKind) -> Result<Fetched, SourceError> {
        let name = proxy_file_name(path, version, kind)
            .map_err(|message| SourceError::Other { message })?;
        let url = format!("{}/{name}", self.base);
        let mut resp = self
            .agent
            .get(&url)
            .call()
            .map_err(|e| SourceError::Other {
                message: format!("reading {url}: {e}"),
            })?;
        let code = resp.status().as_u16();
        if code == 200 {
            let data = resp
                .body_mut()
                .with_config()
                .limit(500 << 20)
                .read_to_vec()
                .map_err(|e| SourceError::Other {
                    message: format!("reading {url}: {e}"),
                })?;
            return Ok(Fetched {
                data: Arc::from(data),
                location: url,
            });
        }
        let message = format!("reading {url}: {code} {}", status_text(code))
            .trim_end()
            .to_string();
        if code == 404 || code == 410 {
            Err(SourceError::NotFound { message })
        } else {
            Err(SourceError::Other { message })
        }
    }

    fn describe(&self) -> String {
        self.base.clone()
    }
}
