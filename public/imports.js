// Live progress on an import's page: polls GET /api/imports/:id every second while the import runs and
// updates the figures; when the run reaches a state with something new to show (the preview of a test-mode
// import, or the end), it reloads the page once. Without JavaScript the page still works (reload by hand).
(function () {
  'use strict';
  var box = document.querySelector('[data-import-poll]');
  if (!box) return;
  var id = box.getAttribute('data-import-poll');
  var shownStatus = box.getAttribute('data-status');
  var format = new Intl.NumberFormat('en-GB');
  var failures = 0;

  function set(name, value) {
    var el = box.querySelector('[data-live="' + name + '"]');
    if (el) el.textContent = value;
  }

  function tick() {
    fetch('/api/imports/' + encodeURIComponent(id), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (s) {
        failures = 0;
        set('step', s.step || '—');
        set('parsed', format.format(s.progress.parsed));
        set('normalized', format.format(s.progress.normalized));
        set('upserted', format.format(s.progress.upserted));
        set('indexed', format.format(s.progress.indexed));
        if (s.status !== shownStatus && (s.status === 'awaiting_confirmation' || !s.open)) {
          window.location.reload();
          return;
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () {
        // A restarting server or a network blip: keep trying, more slowly.
        failures += 1;
        window.setTimeout(tick, Math.min(10000, 1000 * (failures + 1)));
      });
  }
  window.setTimeout(tick, 1000);
})();
