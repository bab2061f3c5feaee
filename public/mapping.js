// The mapping page (views/mappings/draft.eta): the preview of the first rows follows the form as it changes, from
// POST <data-preview-url> (JSON). The page works without this file: saving shows the same preview. Cells are
// filled with textContent only (values come from the uploaded file). Also fills the profile import textarea from
// a chosen .json file (views/mappings/index.eta).
(function () {
  'use strict';

  var form = document.getElementById('mapping-form');
  var table = document.getElementById('mapping-preview');
  if (form && table && window.adminFetch) {
    var status = document.getElementById('preview-status');
    var missing = document.querySelector('[data-live="missing"]');
    var labelsHolder = document.getElementById('mapping-missing');
    var labels = {};
    try { labels = JSON.parse(labelsHolder.getAttribute('data-labels') || '{}'); } catch (e) { labels = {}; }
    var yes = table.getAttribute('data-yes') || 'yes';
    var no = table.getAttribute('data-no') || 'no';
    var timer = null;
    var sequence = 0;

    var show = function (x) {
      if (x === null || x === undefined || x === '') return '\u2205';
      if (Array.isArray(x)) return x.join(', ');
      return String(x);
    };
    var cell = function (tr, text, className) {
      var td = document.createElement('td');
      td.textContent = text;
      if (className) td.className = className;
      tr.appendChild(td);
      return td;
    };
    var render = function (data) {
      var tbody = table.tBodies[0];
      var fresh = document.createElement('tbody');
      data.rows.forEach(function (r) {
        var c = r.course || {};
        var tr = document.createElement('tr');
        tr.setAttribute('data-ok', String(r.ok));
        cell(tr, String(r.row));
        ['title', 'category', 'instructor', 'duration_hours', 'difficulty', 'learning_mode', 'price'].forEach(function (k) { cell(tr, show(c[k])); });
        cell(tr, c.is_free === undefined ? '\u2205' : c.is_free ? yes : no);
        cell(tr, show(c.tags));
        cell(tr, show(c.external_id));
        var notes = cell(tr, '');
        r.errors.forEach(function (e) { var d = document.createElement('div'); d.className = 'error-text'; d.textContent = e.field + ': ' + e.message; notes.appendChild(d); });
        r.warnings.forEach(function (w) { var d = document.createElement('div'); d.className = 'muted small'; d.textContent = w.field + ': ' + w.message; notes.appendChild(d); });
        fresh.appendChild(tr);
      });
      table.replaceChild(fresh, tbody);
      if (missing) missing.textContent = data.missing.map(function (m) { return labels[m] || m; }).join(', ') || '\u2014';
    };
    var refresh = function () {
      var mine = ++sequence;
      var body = new URLSearchParams(new FormData(form));
      body.delete('_csrf');
      window.adminFetch(form.getAttribute('data-preview-url'), { method: 'POST', body: body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
        .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); })
        .then(function (answer) {
          if (mine !== sequence) return; // a later change is on its way
          if (!answer.ok) {
            status.textContent = (status.getAttribute('data-failed') || '') + ' ' + (answer.data.detail || '');
            status.classList.add('error-text');
            return;
          }
          status.classList.remove('error-text');
          render(answer.data);
          status.textContent = status.getAttribute('data-updated') || '';
          table.setAttribute('data-version', String(mine));
        })
        .catch(function (err) {
          if (mine === sequence) status.textContent = (status.getAttribute('data-failed') || '') + ' ' + err;
        });
    };
    var schedule = function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, 250);
    };
    form.addEventListener('input', schedule);
    form.addEventListener('change', schedule);
  }

  document.querySelectorAll('input[type="file"][data-fill-textarea]').forEach(function (input) {
    input.addEventListener('change', function () {
      var target = document.querySelector(input.getAttribute('data-fill-textarea'));
      var file = input.files && input.files[0];
      if (!target || !file) return;
      // The server refuses more anyway; a profile is a few kilobytes.
      if (file.size > 200000) return;
      file.text().then(function (text) { target.value = text; });
    });
  });
})();
