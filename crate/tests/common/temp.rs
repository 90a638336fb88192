//! Scratch directory trees for tests, removed when dropped.

use std::path::PathBuf;

/// A directory under the system temp directory, emptied when made and removed when dropped.
pub struct TempTree(pub PathBuf);

impl TempTree {
    /// Makes `modscope-<kind>-<tag>-<pid>` under the temp directory, removing what was there.
    pub fn new(kind: &str, tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("modscope-{kind}-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        TempTree(p)
    }

    /// Writes `text` to `rel` below the tree, making its parent directories.
    pub fn write(&self, rel: &str, text: &str) {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The path of `rel` below the tree.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
