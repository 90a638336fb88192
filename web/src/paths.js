// Tree paths from the user's files: which are safe, and dropping the folder they all sit in.

/**
 * Whether a relative path is safe to put in the tree: slash-separated, no empty, `.` or `..`
 * elements, not absolute, no drive letter, no control characters.
 */
export function safePath(path) {
  if (path === '' || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path)) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return false;
  return path.split('/').every((el) => el !== '' && el !== '.' && el !== '..');
}

/** `paths` without their shared first directory, when they all have one and none is at the root. */
export function stripCommonRoot(paths) {
  if (paths.length === 0) return paths;
  const first = paths[0].split('/')[0];
  const shared = paths.every((p) => p.includes('/') && p.split('/')[0] === first);
  return shared ? paths.map((p) => p.slice(first.length + 1)) : paths;
}
