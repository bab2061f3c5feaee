// The GraphQL explorer page (/admin-dashboard/graphql/): posts the query and its variables to /graphql with the
// session's CSRF token and shows the JSON answer as text (never as HTML).
(function () {
  'use strict';
  var form = document.getElementById('graphql-explorer');
  var out = document.getElementById('graphql-result');
  if (!form || !out) return;
  var csrf = document.querySelector('meta[name="csrf-token"]');
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var variables;
    try {
      variables = JSON.parse(form.elements.variables.value || '{}');
    } catch (e) {
      out.textContent = form.dataset.badVariables;
      return;
    }
    out.textContent = form.dataset.running;
    fetch(form.dataset.endpoint, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/graphql-response+json, application/json',
        'X-CSRF-Token': csrf ? csrf.getAttribute('content') : '',
      },
      body: JSON.stringify({ query: form.elements.query.value, variables: variables }),
    })
      .then(function (res) {
        return res.text().then(function (text) {
          try {
            out.textContent = JSON.stringify(JSON.parse(text), null, 2);
          } catch (e) {
            out.textContent = form.dataset.failed.replace('{status}', String(res.status)) + '\n' + text;
          }
        });
      })
      .catch(function (err) {
        out.textContent = form.dataset.failed.replace('{status}', String(err));
      });
  });
})();
