// The seven steps of an import, doing nothing: W2's floor measures Temporal and the worker alone.

const nothing = async (_args: unknown): Promise<{ ok: true }> => ({ ok: true });

export const noopActivities = {
  moveToProcessing: nothing,
  parse: nothing,
  plan: nothing,
  upsert: nothing,
  index: nothing,
  notify: nothing,
  archive: nothing,
};

export type NoopActivities = typeof noopActivities;
