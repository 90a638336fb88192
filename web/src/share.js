// Share links: the page's state (the tree, or the example it is, the resolve options, the view on
// screen and every view's state) as JSON, compressed with the browser's CompressionStream
// ('deflate-raw') and written base64url into the URL hash as `#s=…`. No dependency is needed.

/** The longest hash a share link may have; longer states get a clear message instead of a link. */
export const MAX_HASH_CHARS = 32 * 1024;

/** The state format's version, checked when a link is opened. */
const FORMAT = 1;

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is damaged (not base64url)');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/** `state` (a JSON value) as the compressed base64url text a share hash carries. */
export async function encodeState(state) {
  const json = new TextEncoder().encode(JSON.stringify({ format: FORMAT, ...state }));
  return toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The state in a share hash's text; throws an Error saying what is wrong with a bad link. */
export async function decodeState(text) {
  let json;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(
      await pipe(fromBase64Url(text), new DecompressionStream('deflate-raw')),
    );
  } catch (error) {
    throw new Error(`this share link is damaged or cut short: ${error.message}`);
  }
  let state;
  try {
    state = JSON.parse(json);
  } catch {
    throw new Error('this share link is damaged: its state is not JSON');
  }
  if (state?.format !== FORMAT || typeof state !== 'object') {
    throw new Error(`this share link was made by another version of the playground (format ${state?.format})`);
  }
  return state;
}

/** The `s=` payload of a URL hash (`#s=…`), or null. */
export function hashPayload(hash) {
  const m = /^#?s=([A-Za-z0-9_-]+)$/.exec(hash ?? '');
  return m ? m[1] : null;
}

/**
 * The share URL for `state` on top of `base` (the page URL; its hash is replaced), or
 * `{ tooLarge: chars }` when the hash would be longer than MAX_HASH_CHARS.
 */
export async function shareUrl(base, state) {
  const payload = await encodeState(state);
  if (payload.length + 3 > MAX_HASH_CHARS) return { tooLarge: payload.length + 3 };
  const url = new URL(base);
  url.hash = `s=${payload}`;
  return { url: url.href };
}
