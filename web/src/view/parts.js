// @ts-check
// A view's DOM, built once per element and kept between renders (the views.js contract keeps each
// view's element while other tabs are shown).

/** @type {WeakMap<HTMLElement, any>} */
const partsOf = new WeakMap();

/**
 * The parts `build(el)` made for `el` the first time this was called for it.
 * @template T
 * @param {HTMLElement} el
 * @param {(el: HTMLElement) => T} build
 * @returns {T}
 */
export function viewParts(el, build) {
  let parts = partsOf.get(el);
  if (!parts) {
    parts = build(el);
    partsOf.set(el, parts);
  }
  return parts;
}
