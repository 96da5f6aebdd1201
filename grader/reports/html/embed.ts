/**
 * Escaping for the two places student-controlled text can reach the page's
 * markup: JSON data blocks inside <script> and the few server-rendered strings.
 */

/**
 * JSON safe inside `<script type="application/json">`: `<`, `>` and `&` become
 * \u escapes so a body containing `</script>` or `<!--` cannot end the block,
 * and U+2028/U+2029 are escaped for any consumer that evaluates it as script.
 * JSON.parse reads the escapes back to the original characters.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value for server-rendered markup (header, histogram). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** The start of a page of the kit's: doctype, charset, its CSP, viewport, no referrer, and its (escaped) title. */
export function pageStart(csp: string, title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>`;
}
