import { test } from 'node:test';
import assert from 'node:assert/strict';
import { charLength, cleanLine, cleanMultiline, decodeEntities, foldAccents, foldAccentsSlowly, foldWords, stripHtml, truncateChars } from '../../src/domain/text';

test('cleanLine trims and collapses every kind of whitespace to one space', () => {
  assert.equal(cleanLine('  Python \t\n  Basics  '), 'Python Basics');
  assert.equal(cleanLine('a\u00A0\u00A0b'), 'a b');
});

test('cleanLine strips control characters, zero-width spaces and BOMs', () => {
  assert.equal(cleanLine('Py\u0000th\u0007on\u001F \u200BBasics\uFEFF\u0085'), 'Python Basics');
});

test('cleanLine strips HTML tags and decodes common entities', () => {
  assert.equal(cleanLine('<b>Python</b> &amp; <i>Django</i>'), 'Python & Django');
  assert.equal(cleanLine('L&#39;&eacute;t&eacute; &ndash; cours&nbsp;d&rsquo;essai'), 'L\'été – cours d’essai');
  assert.equal(cleanLine('caf&#xE9; &#233;'), 'café é');
});

test('script and style elements are dropped with their content', () => {
  assert.equal(cleanLine('Intro<script>alert("x")</script> Python<style>b{}</style>'), 'Intro Python');
  assert.equal(cleanLine('Intro <!-- hidden --> Python'), 'Intro Python');
});

test('angle brackets that are not HTML elements are kept (generics in titles)', () => {
  assert.equal(cleanLine('Java: List<String> et Map<K, V>'), 'Java: List<String> et Map<K, V>');
  assert.equal(cleanLine('a < b and c > d'), 'a < b and c > d');
});

test('escaped markup stays visible text and is not turned back into tags', () => {
  assert.equal(cleanLine('&lt;b&gt;bold&lt;/b&gt;'), '<b>bold</b>');
});

test('an entity cannot smuggle a control character', () => {
  assert.equal(cleanLine('a&#7;b&#0;c'), 'abc');
});

test('cleanMultiline keeps paragraphs, collapses blank lines and spaces', () => {
  assert.equal(cleanMultiline('  First   line \r\n\r\n\r\n\r\n Second\tline  '), 'First line\n\nSecond line');
  assert.equal(cleanMultiline('<p>One</p><p>Two<br>Three</p>'), 'One\n\nTwo\nThree');
});

test('stripHtml and decodeEntities on their own', () => {
  assert.equal(stripHtml('<div class="x">a</div>b'), '\na\nb');
  assert.equal(decodeEntities('&unknown; &amp;'), '&unknown; &');
});

test('truncateChars counts characters, not UTF-16 units, and marks the cut', () => {
  const s = '😀'.repeat(10);
  assert.equal(charLength(s), 10);
  assert.equal(truncateChars(s, 10), s);
  const cut = truncateChars(s, 5);
  assert.equal(charLength(cut), 5);
  assert.ok(cut.endsWith('…'));
  assert.ok(!cut.includes('\uFFFD'));
  const words = truncateChars('lorem ipsum dolor sit amet consectetur', 30);
  assert.ok(charLength(words) <= 30);
  assert.equal(words, 'lorem ipsum dolor sit amet…');
});

test('folding removes case, accents and ligatures', () => {
  assert.equal(foldAccents('Élève Œuvre'), 'eleve oeuvre');
  assert.equal(foldWords('  Tous-les NIVEAUX ! '), 'tous les niveaux');
});

test('the fast paths of accent folding give what the general path gives, for every Latin-1 character and mixed text', () => {
  for (let code = 0; code <= 0xff; code++) {
    const c = String.fromCharCode(code);
    assert.equal(foldAccents(`x${c}Y`), foldAccentsSlowly(`x${c}Y`), `U+${code.toString(16).padStart(4, '0')}`);
  }
  for (const s of ['Élève Œuvre', 'Leçon 3 : Déjà-vu À LA CARTE', 'Straße Øre Łódź', 'naïve café', 'e\u0301cole', 'µ ÿ ß Æ', '’Quote’ 🚀']) {
    assert.equal(foldAccents(s), foldAccentsSlowly(s), s);
  }
});

test('text that is Latin-1 is left as it is by the NFC step, and decomposed text is composed', () => {
  assert.equal(cleanLine('Caf\u00e9'), 'Caf\u00e9');
  assert.equal(cleanLine('Cafe\u0301'), 'Caf\u00e9');
});

test('HTML entities: every HTML5 named reference is decoded (entities package), and counted', async () => {
  const { cleanLine, cleanMultiline, decodeEntities, describeCleaning } = await import('../../src/domain/text');
  assert.equal(cleanLine('Pe&ntilde;a, Stra&szlig;e, &Ocirc;tez, 3&times;4, &eacute;t&eacute;'), 'Peña, Straße, Ôtez, 3×4, été');
  assert.equal(cleanLine('&#233;&#xE9;&#150;&rsquo;&hellip;'), 'éé–’…');
  assert.equal(cleanLine('R&D, AT&T, Q&A, Meeting&notes, &unknownname;, &amp'), 'R&D, AT&T, Q&A, Meeting&notes, &unknownname;, &amp');
  assert.equal(decodeEntities('a&#0;b&#xD800;c'), 'abc', 'references HTML5 turns into U+FFFD are dropped');
  assert.equal(cleanLine('&lt;b&gt;bold&lt;/b&gt;'), '<b>bold</b>', 'entities decoded after the tags are gone');
  const counts = { tags: 0, entities: 0 };
  const text = cleanMultiline('<p>Caf&eacute; <strong>cr&egrave;me</strong></p><!-- wp -->', counts);
  assert.equal(text, 'Café crème');
  assert.deepEqual(counts, { tags: 5, entities: 2 });
  assert.equal(describeCleaning(counts), '5 HTML tags removed, 2 entities decoded');
  assert.equal(describeCleaning({ tags: 1, entities: 0 }), '1 HTML tag removed');
  assert.equal(describeCleaning({ tags: 0, entities: 0 }), undefined);
});

test('tags: only real tags are removed; type names and comparisons stay text', async () => {
  const { cleanLine } = await import('../../src/domain/text');
  for (const s of ['List<String>', 'vector<int>', 'a < b > c', 'Array<Object>', 'Optional<Label>', 'Map<K, V>', 'x<y', '1 < 2']) {
    const counts = { tags: 0, entities: 0 };
    assert.equal(cleanLine(s, counts), s);
    assert.equal(counts.tags, 0, s);
  }
  assert.equal(cleanLine('un<b>gras</b>mot'), 'ungrasmot');
  assert.equal(cleanLine('ligne<br>suite'), 'ligne suite');
  assert.equal(cleanLine('<a href="https://x.example/?a=1&amp;b=2">lien</a> <object data="x">caché</object>'), 'lien');
  assert.equal(cleanLine('<P>Word export</P>'), 'Word export');
});

test('normalisation: HTML cleaning becomes a warning of the field, plain text none', async () => {
  const { normalizeCourse } = await import('../../src/domain/normalize');
  const r = normalizeCourse({ title: 'Java List&lt;String&gt;', description: '<p>Un</p><p>Deux &amp; trois</p>', price: '0' });
  assert.ok(r.ok);
  assert.equal(r.course.title, 'Java List<String>');
  assert.equal(r.course.description, 'Un\n\nDeux & trois');
  assert.deepEqual(r.warnings.map((w) => w.message), ['title: 2 entities decoded', 'description: 4 HTML tags removed, 1 entity decoded']);
  const plain = normalizeCourse({ title: 'List<String> & co', description: 'a < b', price: '0' });
  assert.ok(plain.ok);
  assert.deepEqual(plain.warnings, []);
});
