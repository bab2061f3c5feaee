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

  // The running step's bar (views/partials/step-progress.eta): its sentences come from the page, in its language.
  var stepBox = document.getElementById('step-progress');
  var pageFormat = new Intl.NumberFormat(document.documentElement.lang || 'en');
  function showStepProgress(p) {
    if (!stepBox) return;
    stepBox.hidden = !p;
    if (!p) return;
    var bar = stepBox.querySelector('[data-step-progress="bar"]');
    var label = stepBox.querySelector('[data-step-progress="step"]');
    var text = stepBox.querySelector('[data-step-progress="text"]');
    label.textContent = stepBox.getAttribute('data-step-' + p.step) || p.step;
    var sentence;
    if (p.total === null) {
      // Unknown total: an indeterminate bar (no value attribute).
      bar.removeAttribute('value');
      bar.removeAttribute('max');
      sentence = stepBox.getAttribute('data-text-rows');
    } else {
      bar.max = p.total || 1;
      bar.value = p.total ? p.done : 1;
      sentence = stepBox.getAttribute(p.estimated ? 'data-text-about' : 'data-text-of');
    }
    text.textContent = sentence
      .replace('{done}', pageFormat.format(p.done))
      .replace('{total}', p.total === null ? '' : pageFormat.format(p.total))
      .replace('{percent}', p.percent === null ? '' : String(p.percent));
  }

  function tick() {
    fetch('/api/imports/' + encodeURIComponent(id), { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (s) {
        failures = 0;
        // The step as people read it ("Reading the file"), from the page's own labels; the internal name is
        // under Technical details.
        var stepEl = box.querySelector('[data-live="step"]');
        set('step', s.step ? (stepEl && stepEl.getAttribute('data-step-label-' + s.step.toLowerCase())) || s.step : '—');
        set('parsed', format.format(s.progress.parsed));
        set('normalized', format.format(s.progress.normalized));
        set('upserted', format.format(s.progress.upserted));
        set('indexed', format.format(s.progress.indexed));
        showStepProgress(s.stepProgress || null);
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
