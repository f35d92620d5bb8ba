/**
 * The one way data reaches HTML: the `html` tagged template escapes every interpolated value unless it is already
 * {@link Html} (markup built by `html` itself, or wrapped on purpose with {@link trustedHtml}). A page built only from
 * `html` templates cannot carry an unescaped customer id, column name, category or label.
 */

/** Markup that is safe to insert as is: the result of an `html` template or of {@link trustedHtml}. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What an `html` template accepts: text and numbers (escaped), markup, lists of them; null, undefined and false print nothing. */
export type HtmlValue = string | number | Html | null | undefined | false | readonly HtmlValue[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values (`& < > " '`). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Builds markup from a template whose literal parts are the page's own HTML; every `${value}` is escaped unless it is
 * {@link Html}. Arrays are joined without separator.
 * @example html`<td class="text">${customer.id}</td>` // an id "<img onerror=...>" reads back as text
 */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/**
 * Marks a string as markup to insert unescaped. Only for text that is markup by construction: the page's own
 * script built with `scriptJson`, an inlined library already escaped for a `<script>` (`plotlyScript`).
 */
export function trustedHtml(markup: string): Html {
  return new Html(markup);
}

/** Joins markup with a separator (escaped like any text). */
export function joinHtml(parts: readonly HtmlValue[], separator: string): Html {
  return new Html(parts.map(render).join(escapeHtml(separator)));
}
