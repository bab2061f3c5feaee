// A card as a Microsoft Teams message for a Workflows (Power Automate) webhook: one Adaptive Card 1.4.
import type { Card } from './card';
import type { Tone } from './format';

const TEAMS_COLORS: Record<Tone, string> = {
  good: 'Good',
  warning: 'Warning',
  danger: 'Attention',
  neutral: 'Default',
  info: 'Accent',
};

/**
 * TextBlock and FactSet read a markdown subset (links, emphasis, lists) and `{{DATE(…)}}` functions;
 * RichTextBlock reads neither. So user-controlled text only ever goes into TextRuns of a RichTextBlock,
 * and the `{{` that would start a function is broken with a zero-width space all the same.
 */
export function neutralizeTeams(text: string): string {
  return text.replace(/\{\{/g, '{\u200b{');
}

function run(text: string, style: Record<string, unknown> = {}) {
  return { type: 'TextRun', text: neutralizeTeams(text), ...style };
}

function rich(inlines: unknown[], extra: Record<string, unknown> = {}) {
  return { type: 'RichTextBlock', inlines, ...extra };
}

export function teamsPayload(card: Card): unknown {
  const body: unknown[] = [
    rich([run(`${card.title.emoji} ${card.title.text}`, { size: 'Medium', weight: 'Bolder', color: TEAMS_COLORS[card.title.tone] })]),
    ...card.details.map((d) => rich([run(`${d.name}: `, { weight: 'Bolder' }), run(d.value)], { spacing: 'Small' })),
  ];
  // Facts are numbers and fixed words from this code, safe for FactSet's markdown.
  if (card.facts.length > 0) body.push({ type: 'FactSet', facts: card.facts.map((f) => ({ title: f.name, value: f.value })) });
  if (card.error) body.push(rich([run(card.error, { color: 'Attention' })]));
  for (const list of card.lists) {
    body.push(rich([run(list.heading, { weight: 'Bolder' })], { separator: true }));
    for (const item of list.items) body.push(rich([run(`• ${item}`)], { spacing: 'None' }));
    if (list.note) body.push(rich([run(list.note, { isSubtle: true, italic: true })]));
  }
  body.push(rich([run(card.footer, { isSubtle: true, size: 'Small' })], { separator: true }));

  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: card.links.map((l) => ({ type: 'Action.OpenUrl', title: l.label, url: l.url })),
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}
