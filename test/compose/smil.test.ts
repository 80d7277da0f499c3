import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSmil, xmlEscape } from '../../src/compose/smil.js';

test('one layout, one par per slide, image+text regions', () => {
  const smil = buildSmil([{ visual: { kind: 'image', src: 'a.jpg' }, text: 'text.txt' }, { audio: 'b.amr' }]);
  assert.equal((smil.match(/<layout>/g) ?? []).length, 1);
  assert.equal((smil.match(/<par /g) ?? []).length, 2);
  assert.match(smil, /<region id="Image"[^>]*\/>/);
  assert.match(smil, /<region id="Text"[^>]*\/>/);
  assert.match(smil, /<img src="a.jpg" region="Image"\/>/);
  assert.match(smil, /<text src="text.txt" region="Text"\/>/);
  assert.match(smil, /<audio src="b.amr"\/>/);
  assert.ok(smil.indexOf('a.jpg') < smil.indexOf('b.amr'), 'slide order kept');
});

test('text-only presentation has only the Text region', () => {
  const smil = buildSmil([{ text: 'text.txt' }]);
  assert.doesNotMatch(smil, /id="Image"/);
  assert.match(smil, /<region id="Text"/);
});

test('names are XML-escaped', () => {
  assert.equal(xmlEscape(`a"<b>&'c\u0001`), 'a&quot;&lt;b&gt;&amp;&apos;c');
  const smil = buildSmil([{ visual: { kind: 'image', src: 'x"/><script>.jpg' } }]);
  assert.doesNotMatch(smil, /<script>/);
  assert.match(smil, /src="x&quot;\/&gt;&lt;script&gt;.jpg"/);
});
