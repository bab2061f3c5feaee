// File names with Unicode bidirectional controls are shown without them wherever a name is displayed:
// the upload's name, the one-line text of emails and webhook cards, and the shared helper itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BIDI_CONTROLS, displayFileName, stripBidiControls } from '../../src/domain/display-text';
import { displayName } from '../../src/imports/start-upload';
import { oneLine } from '../../src/notify/format';
import { cardOf } from '../../src/notify/card';
import { renderEmail } from '../../src/notify/email';
import type { Notice } from '../../src/notify/messages';
import type { NoticeLocale } from '../../src/notify/format';

/** These tests read the English wording; French is asserted where it says so. */
const EN: NoticeLocale = { language: 'en', timeZone: 'UTC' };

// Shows as "invoicenosj.csv" where bidi controls are honoured: a .json posing as a .csv.
const TRICKY = 'invoice\u202Evsc.json';
const EVERY_CONTROL = ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

test('displayFileName removes every bidirectional control, C0/C1 controls and directories', () => {
  assert.equal(displayFileName(TRICKY), 'invoicevsc.json');
  for (const c of EVERY_CONTROL) assert.equal(displayFileName(`a${c}b.csv`), 'ab.csv', `U+${c.codePointAt(0)?.toString(16)}`);
  assert.equal(displayFileName('C:\\fakepath\\cours\u0007 2024.csv'), 'cours 2024.csv');
  assert.equal(displayFileName('\u202e\u2066'), 'upload');
  assert.equal(displayFileName(`${'é'.repeat(300)}.csv`).length, 255);
  assert.equal(stripBidiControls(EVERY_CONTROL.join('')), '');
  assert.equal(EVERY_CONTROL.join('').replace(BIDI_CONTROLS, '').length, 0);
});

test('an uploaded name, an email and a webhook card show the name without the override', () => {
  assert.equal(displayName(TRICKY), 'invoicevsc.json');
  assert.equal(oneLine(`File ${TRICKY}\u061c`), 'File invoicevsc.json');
  const notice: Notice = {
    type: 'import', importId: 'imp-1', workflowId: 'import-1', fileName: TRICKY, source: 'drop', startedBy: null, status: 'succeeded',
    counts: { rows: 1, created: 1, updated: 0, unchanged: 0, skipped: 0, failed: 0 }, durationMs: 10, errors: [], error: null,
    adminUrl: 'http://127.0.0.1:8000/admin-dashboard/imports/imp-1/', temporalUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/import-1',
  };
  const email = renderEmail(notice, EN);
  for (const text of [email.subject, email.text, email.html, JSON.stringify(cardOf(notice, EN))]) {
    assert.doesNotMatch(text, /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    assert.match(text, /invoicevsc\.json/);
  }
});
