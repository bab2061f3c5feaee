// A card as a Discord webhook message with one embed, inside Discord's limits: title 256, description 4096,
// 25 fields of name 256 / value 1024, footer 2048, and 6000 characters for the whole embed.
import type { Card } from './card';
import type { Tone } from './format';

export const DISCORD_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

const COLORS: Record<Tone, number> = {
  good: 0x2eb67d,
  warning: 0xecb22e,
  danger: 0xe01e5a,
  neutral: 0x6b7280,
  info: 0x1d9bd1,
};

/**
 * Backslash-escapes Discord markdown (emphasis, code, spoilers, quotes, masked links), `<` so `<@id>`,
 * `<#channel>` and `<t:…>` stay text, and the colon of `://` so a URL in user text is not linked.
 * Line-start syntax (headings, lists) needs nothing: user text never starts a line here. Pings are also
 * switched off for the whole message with allowed_mentions, which is what actually stops @everyone.
 */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|<>[\]()]/g, '\\$&').replace(/:\/\//g, '\\://');
}

/** Bounds escaped text without leaving a dangling backslash or half a surrogate pair at the cut. */
export function fitDiscord(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  const trailing = /\\+$/.exec(cut)?.[0].length ?? 0;
  if (trailing % 2 === 1) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** A link target inside `[label](url)`: a parenthesis or space in the URL would end the link early. */
function linkTarget(url: string): string {
  return url.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

interface Embed {
  title: string;
  description: string;
  url?: string;
  color: number;
  fields: { name: string; value: string; inline: boolean }[];
  footer: { text: string };
  timestamp: string;
}

function embedLength(e: Embed): number {
  return e.title.length + e.description.length + e.footer.text.length + e.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
}

export function discordPayload(card: Card): unknown {
  const parts: string[] = [];
  if (card.details.length > 0) parts.push(card.details.map((d) => `**${escapeDiscord(d.name)}:** ${escapeDiscord(d.value)}`).join('\n'));
  if (card.error) parts.push(`❌ ${escapeDiscord(card.error)}`);
  for (const list of card.lists) {
    const lines = [`**${escapeDiscord(list.heading)}**`, ...list.items.map((item) => `• ${escapeDiscord(item)}`)];
    if (list.note) lines.push(`*${escapeDiscord(list.note)}*`);
    parts.push(lines.join('\n'));
  }
  if (card.links.length > 0) parts.push(card.links.map((l) => `[${escapeDiscord(l.label)}](${linkTarget(l.url)})`).join(' · '));

  const embed: Embed = {
    title: fitDiscord(`${card.title.emoji} ${escapeDiscord(card.title.text)}`, DISCORD_LIMITS.title),
    description: fitDiscord(parts.join('\n\n'), DISCORD_LIMITS.description),
    ...(card.url ? { url: card.url } : {}),
    color: COLORS[card.title.tone],
    fields: card.facts.slice(0, DISCORD_LIMITS.fields).map((f) => ({
      name: fitDiscord(escapeDiscord(f.name), DISCORD_LIMITS.fieldName),
      value: fitDiscord(escapeDiscord(f.value), DISCORD_LIMITS.fieldValue) || '—',
      inline: true,
    })),
    footer: { text: fitDiscord(escapeDiscord(card.footer), DISCORD_LIMITS.footer) },
    timestamp: card.timestamp,
  };
  // The total is shared: the description (the only long part) gives way so the rest stays whole.
  const excess = embedLength(embed) - DISCORD_LIMITS.total;
  if (excess > 0) embed.description = fitDiscord(embed.description, Math.max(1, embed.description.length - excess));

  return {
    embeds: [embed],
    allowed_mentions: { parse: [] },
  };
}
