import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWebhookPayload } from '../../src/notify/webhooks';
import { escapeMrkdwn } from '../../src/notify/slack';
import { DISCORD_LIMITS, escapeDiscord, fitDiscord } from '../../src/notify/discord';
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
    source: 'drop',
    startedBy: null,
    status: 'succeeded_with_errors',
    counts: { rows: 17, created: 12, updated: 3, unchanged: 0, skipped: 0, failed: 2 },
    durationMs: 4200,
    errors: [
      { row: 3, field: 'price', message: 'must be a number' },
      { row: 9, field: 'title', message: 'required' },
    ],
    error: null,
    adminUrl: 'https://admin.example.com/imports/imp-1',
    temporalUrl: 'https://temporal.example.com/namespaces/default/workflows/import-abc',
    ...over,
  };
}

// The payloads are `unknown` by contract (each platform's own JSON). `any` here lets the assertions walk
// that JSON by path without a type per platform; a wrong path fails the assertion, not silently.
type Json = Record<string, any>;
const asJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as Json;

test('Slack: Block Kit with a header, fields, context and url buttons', () => {
  const p = asJson(buildWebhookPayload('slack', importNotice(), EN));
  assert.equal(p.text, '⚠️ Import finished with 2 row errors: courses.csv (12 created, 3 updated)');
  const types = p.blocks.map((b: Json) => b.type);
  assert.deepEqual(types, ['header', 'section', 'section', 'context', 'actions']);
  assert.equal(p.blocks[0].text.type, 'plain_text');
  assert.ok(p.blocks[0].text.text.length <= 150);
  const fields = p.blocks[1].fields.map((f: Json) => f.text);
  assert.ok(fields.includes('*Created*\n12'));
  assert.ok(fields.includes('*Failed*\n2'));
  assert.ok(p.blocks[1].fields.length <= 10);
  assert.match(p.blocks[1].text.text, /\*File:\* courses\.csv/);
  assert.match(p.blocks[2].text.text, /• row 3, price: must be a number/);
  const buttons = p.blocks[4].elements;
  assert.deepEqual(
    buttons.map((b: Json) => [b.type, b.text.text, b.url]),
    [
      ['button', 'Open the import', 'https://admin.example.com/imports/imp-1'],
      ['button', 'Temporal run', 'https://temporal.example.com/namespaces/default/workflows/import-abc'],
    ],
  );
});

test('Slack: user text cannot mention, link or inject control sequences', () => {
  const p = asJson(
    buildWebhookPayload('slack', importNotice({ fileName: '<!channel> <@U123> <https://evil.example|click> & co.csv', errors: [{ row: 2, field: 'title', message: '<!here> ping' }] }), EN),
  );
  const all = JSON.stringify(p.blocks.filter((b: Json) => b.type !== 'header')) + p.text;
  assert.ok(!all.includes('<!channel>') && !all.includes('<@U123>') && !all.includes('<https://') && !all.includes('<!here>'));
  assert.match(p.text, /&lt;!channel&gt; &lt;@U123&gt; &lt;https:\/\/evil\.example\|click&gt; &amp; co\.csv/);
  assert.match(p.blocks[2].text.text, /&lt;!here&gt; ping/);
  for (const block of p.blocks) if (block.text?.type === 'mrkdwn') assert.equal(block.text.verbatim, true);
  assert.equal(escapeMrkdwn('a & <b>'), 'a &amp; &lt;b&gt;');
});

test('Discord: one embed with title, description, colour, inline fields, url and timestamp; no pings', () => {
  const p = asJson(buildWebhookPayload('discord', importNotice(), EN));
  assert.deepEqual(p.allowed_mentions, { parse: [] });
  assert.equal(p.embeds.length, 1);
  const e = p.embeds[0];
  assert.equal(e.title, '⚠️ Import finished with 2 row errors: courses.csv \\(12 created, 3 updated\\)');
  assert.equal(e.url, 'https://admin.example.com/imports/imp-1');
  assert.equal(typeof e.color, 'number');
  assert.ok(!Number.isNaN(Date.parse(e.timestamp)));
  assert.ok(e.fields.some((f: Json) => f.name === 'Created' && f.value === '12' && f.inline === true));
  assert.match(e.description, /\[Temporal run\]\(https:\/\/temporal\.example\.com\/namespaces\/default\/workflows\/import-abc\)/);
});

test('Discord: markdown and mentions in user text are escaped', () => {
  const p = asJson(buildWebhookPayload('discord', importNotice({ fileName: '@everyone **bold** [x](https://evil.example) <@123>.csv' }), EN));
  const d: string = p.embeds[0].description;
  assert.match(d, /@everyone \\\*\\\*bold\\\*\\\* \\\[x\\\]\\\(https\\:\/\/evil\.example\\\) \\<@123\\>\.csv/);
  assert.equal(escapeDiscord('a_b'), 'a\\_b');
});

test('Discord: every limit holds with huge inputs', () => {
  const long = 'x'.repeat(5000);
  const errors = Array.from({ length: 50 }, (_, i) => ({ row: i, field: long, message: long }));
  const p = asJson(
    buildWebhookPayload('discord', importNotice({ fileName: `${'*'.repeat(300)}.csv`, startedBy: long, errors, error: { code: 'X', message: long } }), EN),
  );
  const e = p.embeds[0];
  assert.ok(e.title.length <= DISCORD_LIMITS.title, `title ${e.title.length}`);
  assert.ok(e.description.length <= DISCORD_LIMITS.description, `description ${e.description.length}`);
  assert.ok(e.fields.length <= DISCORD_LIMITS.fields);
  for (const f of e.fields) assert.ok(f.name.length <= DISCORD_LIMITS.fieldName && f.value.length <= DISCORD_LIMITS.fieldValue);
  assert.ok(e.footer.text.length <= DISCORD_LIMITS.footer);
  const total = e.title.length + e.description.length + e.footer.text.length + e.fields.reduce((n: number, f: Json) => n + f.name.length + f.value.length, 0);
  assert.ok(total <= DISCORD_LIMITS.total, `total ${total}`);
  // A cut never leaves an escaping backslash dangling before the ellipsis.
  assert.doesNotMatch(e.title, /(^|[^\\])(\\\\)*\\…$/);
});

test('fitDiscord keeps escape pairs whole', () => {
  assert.equal(fitDiscord('\\*\\*\\*', 4), '\\*…');
  assert.equal(fitDiscord('ab\\*cd', 4), 'ab…');
  assert.equal(fitDiscord('short', 10), 'short');
});

test('Teams: an Adaptive Card 1.4 message with OpenUrl actions', () => {
  const p = asJson(buildWebhookPayload('teams', importNotice(), EN));
  assert.equal(p.type, 'message');
  assert.equal(p.attachments.length, 1);
  const a = p.attachments[0];
  assert.equal(a.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(a.content.type, 'AdaptiveCard');
  assert.equal(a.content.version, '1.4');
  assert.ok(Array.isArray(a.content.body) && a.content.body.length > 0);
  const facts = a.content.body.find((b: Json) => b.type === 'FactSet').facts;
  assert.ok(facts.some((f: Json) => f.title === 'Created' && f.value === '12'));
  assert.deepEqual(
    a.content.actions.map((x: Json) => [x.type, x.title, x.url]),
    [
      ['Action.OpenUrl', 'Open the import', 'https://admin.example.com/imports/imp-1'],
      ['Action.OpenUrl', 'Temporal run', 'https://temporal.example.com/namespaces/default/workflows/import-abc'],
    ],
  );
});

test('Teams: user text only appears in RichTextBlock runs, which read no markdown', () => {
  const p = asJson(buildWebhookPayload('teams', importNotice({ fileName: '[click](https://evil.example) **x** {{DATE(2017-02-14T06:08:39Z)}}.csv' }), EN));
  const body: Json[] = p.attachments[0].content.body;
  const markdownReaders = JSON.stringify(body.filter((b) => b.type === 'TextBlock' || b.type === 'FactSet'));
  assert.ok(!markdownReaders.includes('evil.example'));
  const runs = body.filter((b) => b.type === 'RichTextBlock').flatMap((b) => b.inlines.map((i: Json) => i.text));
  const title = runs.find((t: string) => t.includes('evil.example'));
  assert.ok(title, 'the file name is shown');
  assert.ok(!title.includes('{{'), 'adaptive card date functions are broken up');
});

test('digest and alert notices build in every format', () => {
  const digest: Notice = {
    type: 'digest',
    periodStart: new Date('2024-05-01T00:00:00Z'),
    periodEnd: new Date('2024-05-02T00:00:00Z'),
    byStatus: { succeeded: 3 },
    bySource: { drop: 3 },
    rows: { created: 30, updated: 0, failed: 0 },
    topErrors: [],
    slowest: [],
    coursesTotal: 30,
    documentsInIndex: 30,
    searches: { total: 0, noResult: 0 },
    adminUrl: 'https://admin.example.com/',
  };
  const alert: Notice = { type: 'alert', kind: 'watcher_down', component: 'watcher', detail: 'gone', since: new Date(), adminUrl: 'https://admin.example.com/' };
  for (const kind of ['slack', 'discord', 'teams'] as const) {
    assert.match(JSON.stringify(buildWebhookPayload(kind, digest, EN)), /Import summary 1 May 2024/);
    assert.match(JSON.stringify(buildWebhookPayload(kind, alert, EN)), /Watcher down/);
  }
});

test('chat messages in French: the same card in every format', () => {
  for (const kind of ['slack', 'discord', 'teams'] as const) {
    const json = JSON.stringify(buildWebhookPayload(kind, importNotice(), FR));
    assert.match(json, /Import terminé avec 2 erreurs de ligne/);
    assert.match(json, /ligne 3, price : must be a number/);
    assert.match(json, /Ouvrir l’import/);
    assert.doesNotMatch(json, /Open the import/);
  }
});
