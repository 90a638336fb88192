//! The modfile cache: parsed go.mod files addressed by the blake3 hash of their bytes.
