// The upload form (views/imports/upload.eta), made better when scripts run; without them the form posts as usual.
// - A file over the size limit is refused as soon as it is chosen, the limit stated: nothing is sent.
// - The file is sent by XMLHttpRequest, which reports the upload's own progress (fetch() cannot), shown under the
//   file field before the import starts. The CSRF token goes in a header, so no token is ever in the address bar.
// - A refusal (413, 400, 422…) is shown in the form, which keeps everything chosen (the file too); a success
//   leaves for the page the server names (the import's page, or the mapping page).
(function () {
  'use strict';
  var limitBox = document.querySelector('[data-upload-limit]');
  if (!limitBox) return;
  var form = limitBox.closest('form');
  var input = form && form.querySelector('input[type="file"]');
  if (!form || !input || typeof FormData === 'undefined') return;
  var maxBytes = Number(limitBox.getAttribute('data-upload-limit')) || 0;
  var progressBox = document.getElementById('upload-progress');
  var bar = progressBox && progressBox.querySelector('[data-upload-bar]');
  var text = progressBox && progressBox.querySelector('[data-upload-text]');
  var lang = document.documentElement.lang || 'en';
  var numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  var busy = false;

  function words(name) {
    return limitBox.getAttribute('data-text-' + name) || '';
  }

  function size(bytes) {
    if (bytes < 1024) return numbers.format(bytes) + ' B';
    if (bytes < 1024 * 1024) return numbers.format(bytes / 1024) + ' KB';
    return numbers.format(bytes / 1024 / 1024) + ' MB';
  }

  /** The form's error box (the server's #upload-error when the page was rendered with one), made if missing. */
  function errorBox() {
    var box = document.getElementById('upload-error');
    if (!box) {
      box = document.createElement('p');
      box.className = 'flash flash--error';
      box.id = 'upload-error';
      box.setAttribute('role', 'alert');
      form.parentNode.insertBefore(box, form);
    }
    input.setAttribute('aria-describedby', 'upload-error');
    return box;
  }

  function showError(message) {
    var box = errorBox();
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    var box = document.getElementById('upload-error');
    if (box) box.hidden = true;
  }

  function checkSize() {
    var file = input.files && input.files[0];
    if (file && maxBytes && file.size > maxBytes) {
      var message = words('too-large').replace('{size}', size(file.size));
      input.setCustomValidity(message);
      showError(message);
      return false;
    }
    input.setCustomValidity('');
    clearError();
    return true;
  }

  function showProgress(loaded, total) {
    if (!progressBox) return;
    progressBox.hidden = false;
    if (total > 0) {
      bar.max = total;
      bar.value = loaded;
      var percent = Math.min(100, Math.floor((loaded * 100) / total));
      text.textContent = words('uploading').replace('{done}', size(loaded)).replace('{total}', size(total)).replace('{percent}', String(percent));
    } else {
      bar.removeAttribute('value');
    }
  }

  function done() {
    busy = false;
    if (progressBox) progressBox.hidden = true;
  }

  /** The sentence a refused upload's page states: its form error, else its error page's message. */
  function refusal(xhr) {
    var type = xhr.getResponseHeader('Content-Type') || '';
    if (type.indexOf('json') >= 0) {
      try {
        var problem = JSON.parse(xhr.responseText);
        if (problem && problem.detail) return problem.detail;
      } catch (e) { /* not JSON after all */ }
    }
    var doc = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
    var el = doc.getElementById('upload-error') || doc.querySelector('[role="alert"], .flash--error, main p');
    return (el && el.textContent.trim()) || String(xhr.status) + ' ' + xhr.statusText;
  }

  input.addEventListener('change', checkSize);

  form.addEventListener('submit', function (event) {
    if (event.defaultPrevented) return;
    event.preventDefault();
    if (busy || !checkSize()) return;
    busy = true;
    clearError();
    // The submitter's own name and value (e.g. "Map columns") go with the fields, as a plain submission would send.
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    var target = (event.submitter && event.submitter.getAttribute('formaction')) || form.getAttribute('action') || window.location.href;
    var action = new URL(target, window.location.href);
    var token = action.searchParams.get('_csrf') || (document.querySelector('meta[name="csrf-token"]') || { content: '' }).content;
    action.searchParams.delete('_csrf');
    var xhr = new XMLHttpRequest();
    xhr.open('POST', action.pathname + action.search);
    xhr.setRequestHeader('Accept', 'text/html');
    xhr.setRequestHeader('X-CSRF-Token', token);
    xhr.setRequestHeader('X-Upload-Form', '1');
    xhr.upload.addEventListener('progress', function (e) { showProgress(e.loaded, e.lengthComputable ? e.total : 0); });
    xhr.upload.addEventListener('load', function () {
      if (text) text.textContent = words('uploaded');
    });
    xhr.addEventListener('load', function () {
      if (xhr.status === 200) {
        var answer = null;
        try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
        if (answer && answer.location) {
          window.location.assign(answer.location);
          return;
        }
      }
      done();
      showError(refusal(xhr));
    });
    xhr.addEventListener('error', function () {
      done();
      showError(words('failed'));
    });
    xhr.addEventListener('abort', done);
    showProgress(0, (input.files && input.files[0] && input.files[0].size) || 0);
    xhr.send(data);
  });
})();
