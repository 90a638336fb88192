//! The module graph: minimal version selection, Go ≥ 1.17 graph pruning, replace / exclude /
//! retract, workspaces, and requirement paths (`why`).
