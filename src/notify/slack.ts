// A card as a Slack incoming-webhook message in Block Kit. Limits are Slack's: header 150 characters,
// section text 3000, a field 2000 and 10 fields per section, button text 75, 50 blocks per message.
import type { Card } from './card';
import { truncate } from './format';

/**
 * Text for a mrkdwn object. Slack reads `<…>` as links and mentions (`<!channel>`, `<@U123>`) and wants
 * &, < and > escaped as entities; with them escaped, user text cannot mention or link anything.
 * (Emphasis characters like * and _ have no escape in mrkdwn: they can only change how text looks.)
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape, then bound without leaving half an entity at the cut. */
function mrkdwn(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  return truncate(escaped, max).replace(/&[a-z]{0,3}…$/, '…');
}

function plain(text: string, max: number) {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

/** verbatim: Slack must not turn user text into links or mentions on its own either. */
function md(text: string) {
  return { type: 'mrkdwn', text, verbatim: true };
}

export function slackPayload(card: Card): unknown {
  const blocks: unknown[] = [{ type: 'header', text: plain(`${card.title.emoji} ${card.title.text}`, 150) }];

  const details = card.details.map((d) => `*${escapeMrkdwn(d.name)}:* ${escapeMrkdwn(d.value)}`).join('\n');
  for (let i = 0; i < Math.max(1, card.facts.length); i += 10) {
    const fields = card.facts.slice(i, i + 10).map((f) => md(mrkdwn(`*${f.name}*\n${f.value}`, 2000)));
    const section: Record<string, unknown> = { type: 'section' };
    if (i === 0 && details) section.text = md(mrkdwn(details, 3000));
    if (fields.length > 0) section.fields = fields;
    if (section.text || section.fields) blocks.push(section);
  }
  if (card.error) blocks.push({ type: 'section', text: md(mrkdwn(`:x: ${card.error}`, 3000)) });
  for (const list of card.lists) {
    const lines = [`*${escapeMrkdwn(list.heading)}*`, ...list.items.map((item) => `• ${escapeMrkdwn(item)}`)];
    if (list.note) lines.push(`_${escapeMrkdwn(list.note)}_`);
    blocks.push({ type: 'section', text: md(truncateLines(lines, 3000)) });
  }
  blocks.push({ type: 'context', elements: [md(mrkdwn(card.footer, 2000))] });
  if (card.links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: card.links.slice(0, 5).map((l, i) => ({
        type: 'button',
        text: plain(l.label, 75),
        url: l.url,
        ...(i === 0 ? { style: 'primary' } : {}),
      })),
    });
  }
  return {
    // The fallback shown in notifications and by clients without Block Kit; parsed as mrkdwn too.
    text: mrkdwn(`${card.title.emoji} ${card.title.text}`, 3000),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Whole lines of already escaped mrkdwn up to `max` characters, so no entity or emphasis is cut. */
function truncateLines(lines: string[], max: number): string {
  let out = '';
  for (const line of lines) {
    const next = out ? `${out}\n${line}` : line;
    if (next.length > max - 2) return `${out}\n…`;
    out = next;
  }
  return out;
}
