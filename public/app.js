// Progressive enhancement only: every page works without this file.
// - data-confirm="Question?" on a form (or a submit button): asks before submitting.
// - data-download on a form (or a submit button) whose answer is a file: no double-submit hold.
// - data-nav-toggle: the small-screen menu button.
// - data-copy="#selector": copies an input's value.
// - data-autosubmit on a select/checkbox: submits its form on change.
// - window.adminFetch(url, options): fetch() with the session's CSRF token and JSON accept header.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  window.adminFetch = function (url, options) {
    options = options || {};
    var headers = new Headers(options.headers || {});
    if (!headers.has('Accept')) headers.set('Accept', 'application/json');
    var method = (options.method || 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') headers.set('X-CSRF-Token', csrfToken());
    return fetch(url, Object.assign({}, options, { headers: headers, credentials: 'same-origin' }));
  };

  // The double-submit guard holds only a form that really leaves the page (issue 11): a POST whose answer is a
  // new page. Not a download (data-download on the form or its button: the page stays, the button must work
  // again at once), not a submission some script or a cancelled confirm stopped (defaultPrevented, checked once
  // every listener ran: this one is on window, the last place a submit event bubbles to). A page restored from
  // the back/forward cache is usable again.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // A second click while the first submission is on its way would send it twice.
    if (form.dataset.submitting === '1') event.preventDefault();
  });

  function isDownload(form, submitter) {
    return form.hasAttribute('data-download') || Boolean(submitter && submitter.hasAttribute('data-download'));
  }

  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    var submitter = event.submitter;
    var method = ((submitter && submitter.getAttribute('formmethod')) || form.method || 'get').toLowerCase();
    if (method !== 'post' || isDownload(form, submitter)) return;
    form.dataset.submitting = '1';
    // Safety net for a download nobody marked: its page never leaves, so its button comes back after a while.
    window.setTimeout(function () { form.dataset.submitting = ''; }, 5000);
  });

  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-submitting]').forEach(function (f) { f.dataset.submitting = ''; });
  });

  // A token in the address bar (an upload form's ?_csrf=, left there after a refused upload) is not kept there.
  if (window.history && window.history.replaceState && /[?&]_csrf=/.test(window.location.search)) {
    var params = new URLSearchParams(window.location.search);
    params.delete('_csrf');
    var query = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (query ? '?' + query : '') + window.location.hash);
  }

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el && el.hasAttribute && el.hasAttribute('data-autosubmit') && el.form) el.form.requestSubmit();
  });

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var toggle = target.closest('[data-nav-toggle]');
    if (toggle) {
      var nav = document.getElementById(toggle.getAttribute('aria-controls'));
      if (nav) {
        var open = nav.classList.toggle('is-open');
        toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
      }
      return;
    }
    var copy = target.closest('[data-copy]');
    if (copy) {
      var input = document.querySelector(copy.getAttribute('data-copy'));
      if (input && navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(function () {
          copy.textContent = 'Copied';
        });
      } else if (input) {
        input.select();
      }
    }
  });
})();
