// The playground's example module trees: every txtar archive in tests/fixtures/, which the Rust
// tests also check against the go command (crate/tests/playground_fixtures.rs). Each archive's
// first comment line is its title. A new fixture shows up in the picker with no change here.
const archives = import.meta.glob('../../tests/fixtures/*.txtar', { query: '?raw', import: 'default', eager: true });

/** The examples shown first, in this order (the first is what the page opens on); then the rest by name. */
const FIRST = ['pruning-go117', 'pruning-go116', 'replace-exclude', 'version-drift'];

const rank = (id) => (FIRST.includes(id) ? FIRST.indexOf(id) : FIRST.length);

/** `{ id, title, text }` for each example, in picker order. */
export const EXAMPLES = Object.entries(archives)
  .map(([path, text]) => {
    const id = path.slice(path.lastIndexOf('/') + 1, -'.txtar'.length);
    return { id, title: text.split('\n', 1)[0], text };
  })
  .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));

/**
 * The resolve options for a tree (path → text): what the go command does by default in it, with
 * `-mod=mod` so dependencies missing from go.sum do not stop it — except in a workspace (a go.work
 * at the root), where -mod may only be readonly.
 */
export function defaultOptions(files) {
  return files.has('go.work') ? {} : { buildMod: 'mod' };
}
