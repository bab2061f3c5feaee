import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderEmail } from '../../src/notify/email';
import type { Notice } from '../../src/notify/messages';
import type { NoticeLocale } from '../../src/notify/format';

/** These tests read the English wording; French is asserted where it says so. */
const EN: NoticeLocale = { language: 'en', timeZone: 'UTC' };
const FR: NoticeLocale = { language: 'fr', timeZone: 'Europe/Paris' };

type ImportNotice = Extract<Notice, { type: 'import' }>;

function importNotice(over: Partial<ImportNotice> = {}): ImportNotice {
  return {
    type: 'import',
    importId: 'imp-1',
    workflowId: 'import-abc',
    fileName: 'courses.csv',
    source: 'upload',
    startedBy: 'alice@example.com',
    status: 'succeeded',
    counts: { rows: 15, created: 12, updated: 3, unchanged: 0, skipped: 0, failed: 0 },
    durationMs: 4200,
    errors: [],
    error: null,
    adminUrl: 'https://admin.example.com/imports/imp-1',
    temporalUrl: 'https://temporal.example.com/namespaces/default/workflows/import-abc',
    ...over,
  };
}

/** 17 rows, 12 created, 3 updated and 2 row errors (rows 3 and 9): the notice the English and French bodies are read on. */
function twoRowErrors(): ImportNotice {
  return importNotice({
    status: 'succeeded_with_errors',
    counts: { rows: 17, created: 12, updated: 3, unchanged: 0, skipped: 0, failed: 2 },
    errors: [
      { row: 3, field: 'price', message: 'must be a number' },
      { row: 9, field: 'title', message: 'required' },
    ],
  });
}

test('a file name with markup is escaped in the HTML part and kept readable in the text part', () => {
  const email = renderEmail(importNotice({ fileName: '<script>alert("x")</script>.csv' }), EN);
  assert.ok(!email.html.includes('<script>'), 'no live script tag in the HTML');
  assert.match(email.html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;\.csv/);
  assert.match(email.text, /<script>alert\("x"\)<\/script>\.csv/);
  assert.ok(!email.text.includes('&lt;'), 'the text part is not HTML-escaped');
  assert.equal(email.subject, '✅ Import succeeded: <script>alert("x")</script>.csv (12 created, 3 updated)');
});

test('row errors and a hostile link never break out of their HTML context', () => {
  const email = renderEmail(
    importNotice({
      status: 'succeeded_with_errors',
      counts: { rows: 15, created: 12, updated: 2, unchanged: 0, skipped: 0, failed: 1 },
      errors: [{ row: 4, field: 'price"><img src=x onerror=alert(1)>', message: 'must be a number & >= 0' }],
      adminUrl: 'javascript:alert(1)',
    }),
    EN,
  );
  assert.ok(!email.html.includes('<img'), 'markup in a field name stays text');
  assert.match(email.html, /must be a number &amp; &gt;= 0/);
  assert.ok(!email.html.includes('javascript:'), 'a non-http link is dropped');
  assert.match(email.text, /row 4, price"><img src=x onerror=alert\(1\)>: must be a number & >= 0/);
});

test('the text part has the file, source, counts, duration, errors and both links', () => {
  const email = renderEmail(twoRowErrors(), EN);
  assert.equal(email.subject, '⚠️ Import finished with 2 row errors: courses.csv (12 created, 3 updated)');
  for (const expected of [
    /File:\s+courses\.csv/,
    /Source:\s+Upload/,
    /Started by:\s+alice@example\.com/,
    /Duration:\s+4\.2 s/,
    /Created: 12 \| Updated: 3/,
    /row 3, price: must be a number/,
    /row 9, title: required/,
    /Open the import: https:\/\/admin\.example\.com\/imports\/imp-1/,
    /Temporal run: https:\/\/temporal\.example\.com\/namespaces\/default\/workflows\/import-abc/,
  ]) {
    assert.match(email.text, expected);
  }
  assert.doesNotMatch(email.text, /\n{3,}/, 'no runs of blank lines');
  assert.match(email.html, /href="https:\/\/temporal\.example\.com\/namespaces\/default\/workflows\/import-abc"/);
});

test('at most 20 row errors are shown, with a note pointing to the admin page', () => {
  const errors = Array.from({ length: 50 }, (_, i) => ({ row: i + 2, field: 'title', message: `problem ${i + 1}` }));
  const email = renderEmail(
    importNotice({ status: 'succeeded_with_errors', counts: { rows: 60, created: 10, updated: 0, unchanged: 0, skipped: 0, failed: 50 }, errors }),
    EN,
  );
  assert.equal((email.text.match(/^ {2}row \d+, title: problem \d+$/gm) ?? []).length, 20);
  assert.match(email.text, /problem 20$/m);
  assert.doesNotMatch(email.text, /problem 21$/m);
  assert.match(email.text, /Showing the first 20 row errors; the admin page lists them all\./);
  assert.equal((email.html.match(/problem \d+</g) ?? []).length, 20);
});

test('a failed import gives the reason in the subject and the body', () => {
  const email = renderEmail(
    importNotice({ status: 'failed', counts: { rows: 0, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 }, error: { code: 'TOO_LARGE', message: 'file is over 10 MB' } }),
    EN,
  );
  assert.equal(email.subject, '❌ Import failed: courses.csv — file is over 10 MB');
  assert.match(email.text, /Error TOO_LARGE: file is over 10 MB/);
  assert.match(email.html, /<strong>TOO_LARGE<\/strong>: file is over 10 MB/);
  assert.doesNotMatch(email.text, /Created:/, 'a file refused before any row has no counts to show');
});

test('the digest and the alerts render through their own templates', () => {
  const digest = renderEmail({
    type: 'digest',
    periodStart: new Date('2024-05-01T00:00:00Z'),
    periodEnd: new Date('2024-05-02T00:00:00Z'),
    byStatus: { succeeded: 10, failed: 2 },
    bySource: { drop: 8, upload: 4 },
    rows: { created: 100, updated: 20, failed: 5 },
    topErrors: [{ message: 'price: <b>not a number</b>', count: 4 }],
    slowest: [{ fileName: 'big.xlsx', importId: 'imp-9', durationMs: 65_000 }],
    coursesTotal: 1200,
    documentsInIndex: null,
    searches: { total: 300, noResult: 12 },
    adminUrl: 'https://admin.example.com/',
  }, EN);
  assert.equal(digest.subject, '📊 Import summary 1 May 2024: 12 imports, 2 failed');
  assert.match(digest.text, /Searches without result: 12 \(4\.0%\)/);
  assert.match(digest.text, /Documents in the search index: —/);
  assert.match(digest.text, /big\.xlsx: 1 min 05 s/);
  assert.match(digest.html, /price: &lt;b&gt;not a number&lt;\/b&gt;/);

  const alert = renderEmail({
    type: 'alert',
    kind: 'worker_down',
    component: 'course-import task queue',
    detail: 'no poller for 2 min',
    since: new Date('2024-05-01T10:00:00Z'),
    adminUrl: 'https://admin.example.com/',
  }, EN);
  assert.equal(alert.subject, '🚨 Worker down: course-import task queue');
  assert.match(alert.text, /Since:\s+1 May 2024, 10:00/);
  assert.match(alert.html, /no poller for 2 min/);
});

test('an email in French: subject, labels, enumerations, row errors and dates', () => {
  const email = renderEmail(twoRowErrors(), FR);
  assert.equal(email.subject, '⚠️ Import terminé avec 2 erreurs de ligne : courses.csv (12 créés, 3 mis à jour)');
  for (const expected of [/Fichier :\s+courses\.csv/, /Statut :\s+Réussi avec erreurs de ligne/, /Source :\s+Envoi/, /Durée :\s+4,2 s/, /Créés : 12 \| Mis à jour : 3/, /ligne 3, price : must be a number/, /Ouvrir l’import : https:/]) {
    assert.match(email.text, expected);
  }
  assert.match(email.html, /<html lang="fr">/);
  assert.match(email.html, /Erreurs de ligne/);
  const alert = renderEmail({ type: 'alert', kind: 'worker_down', component: 'worker', detail: 'no poller', since: new Date('2024-05-01T10:00:00Z'), adminUrl: 'https://admin.example.com/' }, FR);
  assert.equal(alert.subject, '🚨 Worker arrêté : worker');
  assert.match(alert.text, /Depuis :\s+1 mai 2024, 12:00/);
});
