/** Text for HTML element content and double- or single-quoted attributes (every report page uses this one). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
