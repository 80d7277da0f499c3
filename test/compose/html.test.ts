import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, htmlToText } from '../../src/compose/html.js';
import { trimReply } from '../../src/compose/trim.js';

test('blocks, breaks, lists and entities', () => {
  const html = '<html><head><title>x</title><style>p{color:red}</style></head><body><p>Hello&nbsp;<b>Anna</b> &amp; co</p><div>Line one<br>Line two</div><ul><li>eggs</li><li>milk &euro;3</li></ul><script>alert(1)</script><!-- hidden --></body></html>';
  assert.equal(htmlToText(html), 'Hello Anna & co\nLine one\nLine two\n- eggs\n- milk €3');
});

test('blockquotes become "> " quotes that trimming removes', () => {
  const html = '<div dir="ltr">Yes, at 8!</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2025 at 10:12, Gateway &lt;box@gw.example.org&gt; wrote:<br></div><blockquote class="gmail_quote">Are you <i>coming</i>?<blockquote>older</blockquote></blockquote></div>';
  const text = htmlToText(html);
  assert.match(text, /^> Are you coming\?$/m);
  assert.match(text, /^> > older$/m);
  assert.equal(trimReply(text), 'Yes, at 8!');
});

test('character references: numeric, hex, named, invalid', () => {
  assert.equal(decodeEntities('&#72;&#x69;&#x1F600; &lt;b&gt; &bogus; &#xD800;'), 'Hi😀 <b> &bogus; \ufffd');
});

test('every named character reference of HTML decodes (he), not only a hand-kept few', () => {
  assert.equal(decodeEntities('&hearts; &Omega; &frac12; &rarr; &check; &NotEqualTilde;'), '♥ Ω ½ → ✓ \u2242\u0338');
  assert.equal(htmlToText('<p>5&frac12; &times; &hearts;</p><p><a href="https://x.example/">link text</a><img src="x.png" alt="pic"></p>'), '5½ × ♥\nlink text');
});
