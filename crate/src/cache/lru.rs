//! The memory tier: entries by content hash, bounded by bytes, least recently used evicted first.

use super::entry::Entry;
use super::key::ContentHash;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A byte-bounded LRU map from content hash to entry.
#[derive(Debug, Default)]
pub struct Lru {
    capacity: u64,
    used: u64,
    tick: u64,
    map: FxHashMap<ContentHash, (Arc<Entry>, u64)>,
    order: BTreeMap<u64, ContentHash>,
}

impl Lru {
    /// An empty tier holding at most `capacity` bytes (by [`Entry::weight`]).
    pub fn new(capacity: u64) -> Self {
        Lru {
            capacity,
            ..Lru::default()
        }
    }

    /// The entry for `h`, marking it most recently used.
    pub fn get(&mut self, h: &ContentHash) -> Option<Arc<Entry>> {
        let (e, t) = self.map.get_mut(h)?;
        self.order.remove(t);
        self.tick += 1;
        *t = self.tick;
        self.order.insert(self.tick, *h);
        Some(e.clone())
    }

    /// True when `h` is held (does not change recency).
    pub fn contains(&self, h: &ContentHash) -> bool {
        self.map.contains_key(h)
    }

    /// Inserts `e`, evicting least recently used entries until it fits. Returns the evicted
    /// hashes. An entry larger than the whole capacity is not kept.
    pub fn insert(&mut self, e: Arc<Entry>) -> Vec<ContentHash> {
        let h = e.hash;
        self.remove(&h);
        let w = e.weight();
        let mut evicted = Vec::new();
        if w > self.capacity {
            return evicted;
        }
        while self.used + w > self.capacity {
            let Some((&t, &old)) = self.order.iter().next() else {
                break;
            };
            self.order.remove(&t);
            if let Some((oe, _)) = self.map.remove(&old) {
                self.used -= oe.weight();
            }
            evicted.push(old);
        }
        self.tick += 1;
        self.order.insert(self.tick, h);
        self.map.insert(h, (e, self.tick));
        self.used += w;
        evicted
    }

    /// Removes `h`; true if it was held.
    pub fn remove(&mut self, h: &ContentHash) -> bool {
        match self.map.remove(h) {
            Some((e, t)) => {
                self.order.remove(&t);
                self.used -= e.weight();
                true
            }
            None => false,
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Bytes charged.
    pub fn bytes(&self) -> u64 {
        self.used
    }

    /// The byte bound.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::entry::new_entry;
    use crate::graph::load::DepGoMod;

    fn entry(i: u32) -> Arc<Entry> {
        Arc::new(new_entry(
            format!("module m{i}\n").as_bytes(),
            DepGoMod {
                module: Some(format!("m{i}")),
                ..DepGoMod::default()
            },
        ))
    }

    #[test]
    fn evicts_least_recently_used_by_bytes() {
        let w = entry(0).weight();
        let mut lru = Lru::new(w * 3);
        let (a, b, c, d) = (entry(1), entry(2), entry(3), entry(4));
        assert!(lru.insert(a.clone()).is_empty());
        assert!(lru.insert(b.clone()).is_empty());
        assert!(lru.insert(c.clone()).is_empty());
        assert!(lru.get(&a.hash).is_some()); // a is now newest; b is oldest
        assert_eq!(lru.insert(d.clone()), vec![b.hash]);
        assert!(lru.contains(&a.hash) && lru.contains(&c.hash) && lru.contains(&d.hash));
        assert_eq!(lru.len(), 3);
        assert!(lru.bytes() <= lru.capacity());
        assert!(lru.remove(&c.hash));
        assert_eq!(lru.bytes(), a.weight() + d.weight());
    }

    #[test]
    fn oversized_entry_is_not_kept() {
        let mut lru = Lru::new(10);
        let e = entry(1);
        lru.insert(e.clone());
        assert!(!lru.contains(&e.hash));
        assert_eq!(lru.bytes(), 0);
    }
}
