// The playground's example module trees: the txtar archives in tests/fixtures/, which the Rust
// tests also check against the go command. Each archive's first comment line is its title.
import pruning116 from '../../tests/fixtures/pruning-go116.txtar?raw';
import pruning117 from '../../tests/fixtures/pruning-go117.txtar?raw';
import replaceExclude from '../../tests/fixtures/replace-exclude.txtar?raw';
import replaceNoGoMod from '../../tests/fixtures/replace-no-gomod.txtar?raw';
import versionDrift from '../../tests/fixtures/version-drift.txtar?raw';

/** `{ id, title, text }` for each example, in picker order (the first is shown on open). */
export const EXAMPLES = [
  ['pruning-go117', pruning117],
  ['pruning-go116', pruning116],
  ['replace-exclude', replaceExclude],
  ['version-drift', versionDrift],
  ['replace-no-gomod', replaceNoGoMod],
].map(([id, text]) => ({ id, title: text.split('\n', 1)[0], text }));
