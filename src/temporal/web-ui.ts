// The one builder of links into the Temporal Web UI (the operators' view of every run).

/** Where the Web UI is and which namespace the runs live in (`config.temporal`). */
export interface WebUiTarget {
  /** Base address of the Temporal Web UI, e.g. http://127.0.0.1:8233 (a trailing slash is tolerated). */
  uiUrl: string;
  namespace: string;
}

/**
 * The Web UI page of a workflow id (its latest run): `<uiUrl>/namespaces/<namespace>/workflows/<workflowId>`, each
 * part URL-encoded. The path is the Web UI's own route (temporalio/ui, `/namespaces/:namespace/workflows/:workflow`).
 */
export function workflowWebUiUrl(target: WebUiTarget, workflowId: string): string {
  return `${target.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(target.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
