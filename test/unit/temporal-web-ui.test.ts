import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workflowWebUiUrl } from '../../src/temporal/web-ui';

test('a run link opens the workflow in the Web UI, each part encoded, whatever the base ends with', () => {
  assert.equal(workflowWebUiUrl({ uiUrl: 'http://127.0.0.1:8233', namespace: 'default' }, 'import-ab12'), 'http://127.0.0.1:8233/namespaces/default/workflows/import-ab12');
  assert.equal(
    workflowWebUiUrl({ uiUrl: 'https://temporal.example.org/ui//', namespace: 'cours prod' }, 'feed-catalogue/1?x'),
    'https://temporal.example.org/ui/namespaces/cours%20prod/workflows/feed-catalogue%2F1%3Fx',
  );
});
