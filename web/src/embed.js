// Embed mode: the page inside documentation. On with `?embed` in the URL or when the page runs in
// an iframe: compact chrome and one view (`?view=<id>`, or the shared state's view). Nothing here
// needs cross-origin isolation (no SharedArrayBuffer, no WASM threads), so any page can embed it.

/** Whether the page runs embedded: `?embed` is in `search`, or it is framed. */
export function isEmbedded(search = location.search, framed = window.self !== window.top) {
  return new URLSearchParams(search).has('embed') || framed;
}

/** The view id asked for in the URL's query (`?view=…`), or null. */
export function requestedView(search = location.search) {
  return new URLSearchParams(search).get('view');
}

/** The URL that embeds `shareHref` (a share link) showing view `view`. */
export function embedUrl(shareHref, view) {
  const url = new URL(shareHref);
  url.searchParams.set('embed', '');
  url.searchParams.set('view', view);
  // `embed=` reads better as a bare flag.
  url.search = url.search.replace(/([?&])embed=(&|$)/, '$1embed$2');
  return url.href;
}

const escapeAttr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The `<iframe>` HTML that embeds `src` at the given size, with a title for screen readers. */
export function iframeSnippet(src, { width = '100%', height = 420, title = 'modscope playground' } = {}) {
  return `<iframe src="${escapeAttr(src)}" width="${escapeAttr(String(width))}" height="${escapeAttr(String(height))}" title="${escapeAttr(title)}" style="border: 1px solid #d9dce3; border-radius: 8px" loading="lazy"></iframe>`;
}
