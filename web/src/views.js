// The playground's views: one tab each, in this order. Adding a view is one import and one entry
// in VIEWS below; nothing else in the page changes.
//
// The contract (main.js keeps it):
//
//   { id, title, render(el, ctx) }
//
//   id      a short stable name ([a-z0-9-]); it appears in the share URL (`view=<id>`) and in the
//           embed URL, and as `data-view` on the tab and on `el`.
//   title   the tab's label.
//   render  called when the tab is shown, and again while it is shown whenever the tree, the
//           resolution or the resolve options change. `el` is the view's own element, kept between
//           calls (hidden while another tab is shown): a view may keep its DOM and update it. May
//           be async; a newer render aborts `ctx.signal`, so check it after each await.
//
//   ctx.engine       the engine (engine.js): `await ctx.engine.call('method', ...args)` runs that
//                    `Workspace` method in the worker (any method wasm.rs exports; no change to
//                    the worker is needed), rejecting with an EngineError whose `.diagnostics`
//                    hold the core's diagnostics. `ctx.engine.files` is the tree (path → text).
//   ctx.tree         `{ files, comment, label }`: the tree on screen (files: Map path → text,
//                    comment: the txtar comment, label: where it came from). Read-only.
//   ctx.resolution   the last `resolve(ctx.options)` answer for this tree (`{ buildList, lines,
//                    graph, diagnostics, trace, stderr }`), or null while none has finished.
//   ctx.options      the resolve options in use (`{ buildMod, proxy, dir, workspace }`).
//   ctx.state        this view's state, saved in the share URL: `get(key, fallback)`,
//                    `set(key, value)` (JSON values; setting updates the URL), `all()`.
//   ctx.navigate(file, line, col)
//                    shows `file` in the source view with line `line` highlighted (1-based;
//                    `line`/`col` may be omitted).
//   ctx.setStatus(text)
//                    shows a short message in the page's status line.
//   ctx.embed        true in embed mode (compact chrome, this view alone).
//   ctx.signal       an AbortSignal, aborted when a newer render of this view starts.
//
// Views add their CSS rules in a file of their own, imported from the view's module.
import buildlist from './view/buildlist.js';
import cache from './view/cache.js';
import diagnostics from './view/diagnostics.js';
import directives from './view/directives.js';
import graph from './view/graph.js';
import lookup from './view/lookup.js';
import source from './view/source.js';
import timing from './view/timing.js';

/** Every view, in tab order; the first is shown when the URL names none. */
export const VIEWS = [buildlist, graph, diagnostics, directives, source, lookup, cache, timing];

/** The view with id `id`, or undefined. */
export const viewById = (id) => VIEWS.find((v) => v.id === id);
