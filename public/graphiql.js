// The GraphiQL page (/admin-dashboard/graphql/): mounts the official GraphiQL component (window.GraphiQL, from the
// graphiql package's browser bundle, on React 18's UMD builds, all loaded before this file by the page).
// Queries and mutations are POSTed to /graphql with the session's CSRF token; subscriptions go to /graphql/stream
// over server-sent events with graphql-sse's client. Settings come from the host element's data- attributes.
(function () {
  'use strict';
  var host = document.getElementById('graphiql');
  if (!host || !window.GraphiQL || !window.React || !window.ReactDOM) return;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') || '' : '';
  // GraphiQL's dialogs lock scrolling with a <style> element (react-remove-scroll-bar, through get-nonce), which
  // marks it with this global's value: the page's CSP allows styles with this response's nonce, and no others.
  window.__webpack_nonce__ = host.dataset.nonce;

  var sse = window.graphqlSse
    ? window.graphqlSse.createClient({
        url: host.dataset.stream,
        credentials: 'same-origin',
        headers: function () {
          return { 'X-CSRF-Token': csrf };
        },
      })
    : null;

  /**
   * Whether the operation GraphiQL runs is a subscription, read from the query's text: the parsed document GraphiQL
   * also passes can lag a keystroke behind the editor. Strings and comments are blanked first; the operation is
   * the one operationName names, else the document's first one (after any fragments).
   */
  function isSubscription(params) {
    var text = String(params.query || '')
      .replace(/"""[\s\S]*?"""/g, '""')
      .replace(/"(?:[^"\\\n]|\\.)*"/g, '""')
      .replace(/#[^\n]*/g, '');
    if (params.operationName) {
      var name = String(params.operationName).replace(/[^_A-Za-z0-9]/g, '');
      return new RegExp('(^|[^_A-Za-z0-9])subscription\\s+' + name + '(?![_A-Za-z0-9])').test(text);
    }
    // Fragments (nested braces, three levels are plenty for a fragment's selection) are dropped, then the first
    // operation is at the start or after a closing brace.
    var operations = text.replace(/fragment\s[^{]*\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}/g, '}');
    var first = /(?:^|\})\s*(query|mutation|subscription|\{)/.exec(operations);
    return Boolean(first && first[1] === 'subscription');
  }

  function fetcher(params, opts) {
    if (sse && isSubscription(params)) {
      return sse.iterate({ query: params.query, variables: params.variables || undefined, operationName: params.operationName || undefined });
    }
    var headers = Object.assign({}, (opts && opts.headers) || {}, {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json, application/json',
      'X-CSRF-Token': csrf,
    });
    return fetch(host.dataset.endpoint, { method: 'POST', credentials: 'same-origin', headers: headers, body: JSON.stringify(params) }).then(function (res) {
      return res.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (e) {
          // Not a GraphQL answer (a proxy's error page, say): shown as a GraphQL error, never as HTML.
          return { errors: [{ message: (host.dataset.failed || '{status}').replace('{status}', String(res.status)) }] };
        }
      });
    });
  }

  host.textContent = '';
  window.ReactDOM.createRoot(host).render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultQuery: host.dataset.defaultQuery,
      // Headers typed in the editor (an Authorization header, say) are not kept in the browser's storage.
      shouldPersistHeaders: false,
    }),
  );
})();
