/** Text for HTML element content: what a browser would read as markup (`&`, `<`, `>`) as characters. */
export function escapeHtmlText(value: string): string {
  return value.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Text for HTML element content and double- or single-quoted attributes: the report page's escaper.
 * Markdown takes escapeHtmlText (it renders inline HTML, but its readers see the quotes as they are).
 */
export function escapeHtml(value: string): string {
  return escapeHtmlText(value).replace(/["']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
