// Letopis visitor page. The page works without this script; it adds
// autocomplete on the search box, facet toggles and paging without a full
// reload, and related articles shown inline. Content from the server is only
// ever inserted as text (textContent), or as the server's own escaped page.
(function () {
  'use strict';
  var body = document.body;
  function t(name) { return body.getAttribute('data-t-' + name) || ''; }
  function uiParam() { return body.getAttribute('data-ui-given') ? '&ui=' + body.getAttribute('data-ui') : ''; }
  function safeUrl(u) { return typeof u === 'string' && /^https?:\/\//i.test(u) ? u : null; }

  // ---- Autocomplete: the ARIA 1.2 combobox pattern over /api/suggest ----
  var timer = 0, controller = null, active = -1, items = [];
  function input() { return document.getElementById('q'); }
  function list() { return document.getElementById('suggest-list'); }

  function close() {
    var l = list(), q = input();
    if (!l || !q) return;
    l.hidden = true;
    l.textContent = '';
    items = [];
    active = -1;
    q.setAttribute('aria-expanded', 'false');
    q.removeAttribute('aria-activedescendant');
  }

  function highlight(i) {
    var l = list(), q = input();
    active = i;
    Array.prototype.forEach.call(l.children, function (li, j) {
      li.setAttribute('aria-selected', j === i ? 'true' : 'false');
    });
    if (i >= 0) {
      q.setAttribute('aria-activedescendant', l.children[i].id);
      l.children[i].scrollIntoView({ block: 'nearest' });
    } else {
      q.removeAttribute('aria-activedescendant');
    }
  }

  function choose(item) {
    close();
    if (item.url) { window.location.href = item.url; return; }
    if (item.filter) {
      window.location.href = '/?' + item.filter + '=' + encodeURIComponent(item.text) + uiParam();
      return;
    }
    input().value = item.text;
    document.getElementById('search-form').submit();
  }

  function show(data) {
    var l = list(), q = input();
    l.textContent = '';
    items = [];
    (data.terms || []).forEach(function (x) { items.push({ text: x.text }); });
    (data.entities || []).forEach(function (x) {
      items.push({ text: x.name, kind: t(x.type), filter: x.type === 'person' ? 'person' : 'org' });
    });
    (data.titles || []).forEach(function (x) {
      var url = safeUrl(x.url);
      if (url) items.push({ text: x.title, kind: t('article'), url: url, lang: x.lang });
    });
    if (!items.length) { close(); return; }
    items.forEach(function (item, i) {
      var li = document.createElement('li');
      li.id = 'suggest-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      var label = document.createElement('span');
      label.textContent = item.text;
      if (item.lang) label.lang = item.lang;
      li.appendChild(label);
      if (item.kind) {
        var kind = document.createElement('span');
        kind.className = 'kind';
        kind.textContent = item.kind;
        li.appendChild(kind);
      }
      li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(item); });
      l.appendChild(li);
    });
    active = -1;
    l.hidden = false;
    q.setAttribute('aria-expanded', 'true');
  }

  function fetchSuggestions(text) {
    if (controller) controller.abort();
    if (text.trim().length < 2) { close(); return; }
    controller = typeof AbortController === 'function' ? new AbortController() : null;
    fetch('/api/suggest?n=6&q=' + encodeURIComponent(text), controller ? { signal: controller.signal } : {})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && input() && input().value === text) show(data); })
      .catch(function () { /* aborted or offline: no suggestions */ });
  }

  document.addEventListener('input', function (e) {
    if (e.target.id !== 'q') return;
    clearTimeout(timer);
    var text = e.target.value;
    timer = setTimeout(function () { fetchSuggestions(text); }, 120);
  });

  document.addEventListener('keydown', function (e) {
    if (e.target.id !== 'q' || !items.length) return;
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight((active + 1) % items.length); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); choose(items[active]); }
  });

  document.addEventListener('focusout', function (e) {
    if (e.target.id === 'q') setTimeout(close, 150);
  });

  // ---- Facets, chips, sorting and pages without a full reload ----
  function samePageLink(a) {
    if (!a || a.target || a.hasAttribute('download')) return false;
    var url = new URL(a.href, window.location.href);
    return url.origin === window.location.origin && url.pathname === '/' && !!a.closest('#main');
  }

  var loading = null;
  function load(url, push, focusSelector) {
    var main = document.getElementById('main');
    if (main) main.setAttribute('aria-busy', 'true');
    // A newer click wins: an older answer must not replace a newer one.
    if (loading) loading.abort();
    loading = typeof AbortController === 'function' ? new AbortController() : null;
    return fetch(url, { headers: { Accept: 'text/html' }, signal: loading ? loading.signal : undefined })
      .then(function (r) {
        var type = r.headers.get('Content-Type') || '';
        // Anything but a page (an error, JSON): let the browser show it.
        if (!r.ok || type.indexOf('text/html') !== 0) throw new Error('not a page');
        return r.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        ['main', 'search-form', 'ui-langs'].forEach(function (id) {
          var fresh = doc.getElementById(id), old = document.getElementById(id);
          if (fresh && old) old.replaceWith(document.importNode(fresh, true));
        });
        document.title = doc.title;
        if (push) history.pushState({ letopis: true }, '', url);
        var target = focusSelector && document.querySelector(focusSelector);
        if (target) { target.focus(); }
        else {
          var results = document.getElementById('results');
          if (results) { results.focus({ preventScroll: true }); results.scrollIntoView({ block: 'start' }); }
        }
      })
      .catch(function (e) {
        if (e && e.name === 'AbortError') return;
        window.location.href = url;
      });
  }

  document.addEventListener('click', function (e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    var related = e.target.closest && e.target.closest('a.hit-related');
    if (related) { e.preventDefault(); toggleRelated(related); return; }
    var a = e.target.closest && e.target.closest('a[href]');
    if (!samePageLink(a)) return;
    e.preventDefault();
    var focus = null;
    if (a.classList.contains('facet-value')) {
      var facet = a.closest('.facet');
      // Keep the keyboard where it was: on the same value after the update.
      focus = '.facet[data-facet="' + facet.getAttribute('data-facet') + '"] a.facet-value[data-value="' +
        CSS.escape(a.getAttribute('data-value')) + '"]';
    }
    load(a.href, true, focus);
  });

  window.addEventListener('popstate', function () { load(window.location.href, false, null); });

  // ---- Related articles, inline under a hit ----
  function toggleRelated(a) {
    var hit = a.closest('.hit');
    var existing = hit.querySelector('.related-list, .related-empty');
    if (existing) {
      existing.remove();
      a.setAttribute('aria-expanded', 'false');
      return;
    }
    var status = document.createElement('p');
    status.className = 'related-empty';
    status.setAttribute('role', 'status');
    status.textContent = t('loading');
    hit.querySelector('article').appendChild(status);
    a.setAttribute('aria-expanded', 'true');
    fetch('/api/related/' + encodeURIComponent(a.getAttribute('data-id')) + '?n=5')
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) {
        if (!data.hits || !data.hits.length) { status.textContent = t('no-related'); return; }
        var ul = document.createElement('ul');
        ul.className = 'related-list';
        data.hits.forEach(function (h) {
          var li = document.createElement('li');
          var url = safeUrl(h.url);
          var title = document.createElement(url ? 'a' : 'span');
          if (url) title.href = url;
          title.textContent = h.title;
          if (h.lang) title.lang = h.lang;
          li.appendChild(title);
          if (h.date) li.appendChild(document.createTextNode(' · ' + h.date));
          ul.appendChild(li);
        });
        status.replaceWith(ul);
      })
      .catch(function () { window.location.href = a.href; });
  }
})();
