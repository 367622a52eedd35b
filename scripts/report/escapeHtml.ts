/**
 * Text for HTML element content and double- or single-quoted attributes: the one escaper of every report page,
 * HTML and Markdown alike (Markdown renders inline HTML, so its text needs the same).
 */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
