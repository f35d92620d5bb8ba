import { describe, expect, it } from 'vitest';
import { escapeHtml, html, joinHtml, trustedHtml } from './html';

describe('html template', () => {
  it('escapes every interpolated string, keeps the literal markup', () => {
    const id = '<img src=x onerror="alert(1)">';
    expect(html`<td class="text">${id}</td>`.markup).toBe('<td class="text">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>');
    expect(html`<a title='${"it's"}'>`.markup).toBe("<a title='it&#39;s'>");
  });

  it('inserts nested templates and trusted markup as is, lists joined, null/undefined/false as nothing', () => {
    const cells = ['a&b', '<c>'].map((c) => html`<td>${c}</td>`);
    expect(html`<tr>${cells}</tr>`.markup).toBe('<tr><td>a&amp;b</td><td>&lt;c&gt;</td></tr>');
    expect(html`<p>${trustedHtml('<b>x</b>')}${null}${undefined}${false}${3.5}</p>`.markup).toBe('<p><b>x</b>3.5</p>');
    expect(joinHtml([html`<i>1</i>`, '<2>'], ', ').markup).toBe('<i>1</i>, &lt;2&gt;');
  });

  it('escapeHtml covers & < > " and \'', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
