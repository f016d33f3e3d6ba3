/** Absolute folder URL of a theme given as a folder or a theme.json URL, relative to `base` (the page). */
export function themeFolderUrl(url: string, base: string | undefined = typeof document !== 'undefined' ? document.baseURI : undefined): string {
  const u = new URL(url, base);
  u.pathname = u.pathname.replace(/\/theme\.json$/, '/').replace(/\/?$/, '/');
  return u.href;
}
