// The monitoring page, live: polls the JSON snapshot and updates the running imports and the health badges.
// Everything is written with textContent (file names are user input). Loaded from /static (CSP).
(function () {
  'use strict';
  var root = document.querySelector('[data-monitoring]');
  if (!root) return;
  var url = root.getAttribute('data-url');
  // The page's words (rendered by the server from locales/<language>.json), its language and display time zone.
  var words = JSON.parse(root.getAttribute('data-i18n') || '{}');
  var lang = document.documentElement.lang || 'fr';
  var locale = lang === 'en' ? 'en-GB' : 'fr-FR';
  var dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: root.getAttribute('data-time-zone') || 'Europe/Paris' });
  var numberFormat = new Intl.NumberFormat(locale);
  var plurals = new Intl.PluralRules(locale);

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function when(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d.getTime()) ? '—' : dateFormat.format(d);
  }
  function set(name, text, tone) {
    var n = document.querySelector('[data-mon="' + name + '"]');
    if (!n) return;
    n.textContent = text;
    if (tone) n.className = 'badge badge--' + tone;
  }

  function renderRunning(rows) {
    var body = document.querySelector('[data-mon="running"]');
    if (!body) return;
    body.textContent = '';
    if (!rows.length) {
      var tr = el('tr', null, 'table-empty');
      var td = el('td', words.noneRunning);
      td.colSpan = 9;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) {
      var tr = el('tr');
      tr.setAttribute('data-workflow-id', r.workflowId);
      var file = el('td');
      if (r.importId) {
        var a = el('a', r.fileName || r.workflowId);
        a.href = '/admin-dashboard/imports/' + encodeURIComponent(r.importId) + '/';
        file.appendChild(a);
      } else file.textContent = r.workflowId;
      tr.appendChild(file);
      tr.appendChild(el('td', r.source ? (words.source && words.source[r.source]) || r.source : '—'));
      tr.appendChild(el('td', when(r.startedAt), 'nowrap'));
      var st = el('td');
      var badge = el('span', (words.status && words.status[r.status]) || r.status.replace(/_/g, ' '), 'badge badge--info');
      badge.setAttribute('data-status', r.status);
      st.appendChild(badge);
      tr.appendChild(st);
      tr.appendChild(el('td', r.step || '—'));
      [r.parsed, r.normalized, r.upserted, r.indexed].forEach(function (n) { tr.appendChild(el('td', n == null ? '—' : numberFormat.format(n), 'right')); });
      body.appendChild(tr);
    });
  }

  function apply(s) {
    set('checked-at', when(s.checkedAt));
    renderRunning(s.running || []);
    (s.folders || []).forEach(function (f) {
      set('folder-' + f.name, (plurals.select(f.count) === 'one' ? words.fileOne : words.fileOther).replace('{n}', numberFormat.format(f.count)), f.name === 'error' && f.count ? 'danger' : f.name === 'drop' && f.count ? 'warning' : 'neutral');
    });
    set('workers', s.workers.healthy ? words.polling : words.noWorker, s.workers.healthy ? 'success' : 'danger');
    set('watcher', s.watcher.healthy ? words.alive : words.notSeen, s.watcher.healthy ? 'success' : 'danger');
    if (s.search && s.search.enabled) {
      var c = s.search.cluster;
      set('es-status', c ? c.status : words.unreachable, !c ? 'danger' : c.status === 'green' ? 'success' : c.status === 'yellow' ? 'warning' : 'danger');
      set('es-docs', s.search.documents == null ? '—' : numberFormat.format(s.search.documents));
    }
    // Marks the panel as refreshed by this script (the time of the snapshot shown): what a test or a userscript waits for.
    root.setAttribute('data-refreshed', s.checkedAt || '');
  }

  function poll() {
    fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (s) { apply(s); setTimeout(poll, 2000); })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 2000);
})();
