/*
 * The course website's one script (scripts/site/static/site.js, copied to assets/): the search box.
 * It searches window.DESCENT_LAB_SEARCH (assets/search-index.js, loaded before this file) in the
 * browser: no server, and it works from file://. Without scripts the box stays hidden.
 */
(function () {
  'use strict';
  var sections = window.DESCENT_LAB_SEARCH || [];
  var form = document.querySelector('.site-search');
  if (!form) return;
  var input = form.querySelector('input');
  var list = form.querySelector('.site-search-results');
  form.hidden = false;

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(function (word) { return word.length > 0; });
  }

  function count(text, word) {
    var n = 0;
    for (var at = text.indexOf(word); at !== -1; at = text.indexOf(word, at + word.length)) n++;
    return n;
  }

  // A section matches when it holds every word; words in its heading weigh more than in its text.
  function score(section, query) {
    var heading = section.heading.toLowerCase();
    var text = section.text.toLowerCase();
    var total = 0;
    for (var i = 0; i < query.length; i++) {
      var hits = 5 * count(heading, query[i]) + count(text, query[i]);
      if (hits === 0) return 0;
      total += hits;
    }
    return total;
  }

  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    if (at === -1) return text.slice(0, 140);
    var start = Math.max(0, at - 60);
    return (start > 0 ? '\u2026' : '') + text.slice(start, at + 80) + '\u2026';
  }

  function show(query) {
    list.textContent = '';
    var wanted = words(query);
    if (wanted.length === 0) return;
    var hits = sections
      .map(function (section) { return { section: section, score: score(section, wanted) }; })
      .filter(function (hit) { return hit.score > 0; })
      .sort(function (a, b) { return b.score - a.score; })
      .slice(0, 12);
    if (hits.length === 0) {
      var none = document.createElement('li');
      none.textContent = 'Nothing found for \u201c' + query + '\u201d.';
      list.appendChild(none);
      return;
    }
    hits.forEach(function (hit) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      var s = hit.section;
      link.href = s.page + (s.id ? '#' + s.id : '');
      link.textContent = s.pageTitle + (s.heading !== s.pageTitle ? ' \u203a ' + s.heading : '');
      var text = document.createElement('span');
      text.textContent = snippet(s.text, wanted[0]);
      item.appendChild(link);
      item.appendChild(text);
      list.appendChild(item);
    });
  }

  input.addEventListener('input', function () { show(input.value); });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var first = list.querySelector('a');
    if (first) window.location.href = first.href;
  });
  var asked = new URLSearchParams(window.location.search).get('q');
  if (asked) {
    input.value = asked;
    show(asked);
  }
})();
