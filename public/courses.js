// The course list: autocomplete (an ARIA combobox: arrows move, Enter picks, Escape closes), "tick every
// course of this page", and the live progress of a bulk action. Loaded from /static (no inline script: CSP).
(function () {
  'use strict';

  function setupSuggest(root) {
    var input = root.querySelector('[data-suggest-input]');
    var list = root.querySelector('[data-suggest-list]');
    if (!input || !list) return;
    var url = input.getAttribute('data-suggest-url');
    var items = [];
    var active = -1;
    var timer = null;
    var seq = 0;

    function close() {
      // A request still in flight (or about to be sent) must not reopen the list the user just closed.
      clearTimeout(timer);
      seq++;
      list.hidden = true;
      list.textContent = '';
      items = [];
      active = -1;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
    }

    function highlight(i) {
      active = i;
      items.forEach(function (li, j) { li.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
      if (i >= 0 && items[i]) {
        input.setAttribute('aria-activedescendant', items[i].id);
        items[i].scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function pick(i) {
      var li = items[i];
      if (!li) return;
      input.value = li.getAttribute('data-value');
      close();
      if (input.form) input.form.requestSubmit();
    }

    function show(suggestions) {
      list.textContent = '';
      items = suggestions.map(function (s, i) {
        var li = document.createElement('li');
        li.id = list.id + '-opt-' + i;
        li.className = 'suggest__item';
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-value', s.text);
        li.textContent = s.text;
        if (s.title && s.title !== s.text) {
          var small = document.createElement('span');
          small.className = 'small muted';
          small.textContent = ' — ' + s.title;
          li.appendChild(small);
        }
        li.addEventListener('mousedown', function (e) { e.preventDefault(); pick(i); });
        list.appendChild(li);
        return li;
      });
      active = -1;
      input.removeAttribute('aria-activedescendant');
      list.hidden = items.length === 0;
      input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      if (q.length < 1) return close();
      var mine = ++seq;
      fetch(url + '?q=' + encodeURIComponent(q), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === seq) show(data.suggestions || []); })
        .catch(function () { if (mine === seq) close(); });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        if (list.hidden) { fetchSuggestions(); return; }
        e.preventDefault();
        highlight(Math.min(items.length - 1, active + 1));
      } else if (e.key === 'ArrowUp') {
        if (list.hidden) return;
        e.preventDefault();
        highlight(Math.max(-1, active - 1));
      } else if (e.key === 'Enter') {
        if (!list.hidden && active >= 0) { e.preventDefault(); pick(active); }
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    input.addEventListener('blur', function () { setTimeout(close, 100); });
  }

  function setupCheckAll() {
    var all = document.querySelector('[data-check-all]');
    if (!all) return;
    all.addEventListener('change', function () {
      document.querySelectorAll('[data-course-table] tbody input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
    });
    // Ticking a course means "ticked courses", not "every matching course".
    document.addEventListener('change', function (e) {
      var t = e.target;
      if (t && t.name === 'ids' && t.checked) {
        var ids = document.querySelector('#bulk-form input[name="scope"][value="ids"]');
        if (ids) ids.checked = true;
      }
    });
  }

  function setupBulkConfirm() {
    var form = document.getElementById('bulk-form');
    if (!form) return;
    form.addEventListener('submit', function (e) {
      var scope = form.querySelector('input[name="scope"]:checked');
      if (scope && scope.value === 'all') return;
      // An export with nothing ticked is the export of the list as filtered: nothing to tick first.
      if (e.submitter && e.submitter.name === 'format') return;
      var ticked = document.querySelectorAll('input[name="ids"][form="bulk-form"]:checked').length;
      if (ticked === 0) {
        e.preventDefault();
        window.alert('Tick at least one course, or choose "every matching course".');
      }
    });
  }

  function setupProgress() {
    var box = document.querySelector('[data-bulk-progress]');
    if (!box || box.getAttribute('data-done') === 'true') return;
    var status = box.querySelector('[data-bulk-status]');
    var bar = box.querySelector('[data-bulk-bar]');
    var url = box.getAttribute('data-progress-url');
    function poll() {
      fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          if (p.total) bar.max = p.total;
          bar.value = p.processed;
          // The page's language: its texts come from data-text-* (rendered by the server from the catalogue); the
          // JSON message is English (the REST answer), so a page in another language reloads to show it translated.
          if (p.done && document.documentElement.lang !== 'en') return location.reload();
          var text = p.status === 'resolving' ? box.getAttribute('data-text-finding')
            : box.getAttribute('data-text-progress').replace('{done}', String(p.processed)).replace('{total}', p.total == null ? '?' : String(p.total));
          status.textContent = p.done ? p.message : text;
          if (!p.done) setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 500);
  }

  document.querySelectorAll('[data-suggest]').forEach(setupSuggest);
  setupCheckAll();
  setupBulkConfirm();
  setupProgress();
})();
