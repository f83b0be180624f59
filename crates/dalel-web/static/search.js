// The static site's search, in the browser: the front page's form looks names up in
// search-index.js (each entry's names, their Latin forms and phonetic keys, written by
// `dalel publish --static`), loaded as a script on the first search so that it works from a
// disk (file://) too. Without this script the page still lists every entry.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  var list = document.getElementById("site-results");
  if (!form || !list) return;
  var index = null;
  // Lower case, marks dropped, split at anything that is not a letter.
  function words(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .split(/[^\p{L}]+/u).filter(function (w) { return w.length > 0; });
  }
  function score(entry, query) {
    var found = 0;
    var forms = entry.keys.concat(entry.names.flatMap(words));
    query.forEach(function (q) {
      if (forms.some(function (f) { return f === q; })) found += 2;
      else if (forms.some(function (f) { return f.indexOf(q) === 0; })) found += 1;
    });
    return found;
  }
  function show(query) {
    var q = words(query);
    list.textContent = "";
    if (q.length === 0) return;
    index.map(function (e) { return [score(e, q), e]; })
      .filter(function (s) { return s[0] > 0; })
      .sort(function (a, b) { return b[0] - a[0]; })
      .slice(0, 50)
      .forEach(function (s) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = form.dataset.entries + s[1].id + ".html";
        a.textContent = s[1].names.join(" · ");
        li.appendChild(a);
        list.appendChild(li);
      });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var query = form.elements.q.value;
    if (index) return show(query);
    var script = document.createElement("script");
    script.src = form.dataset.index;
    script.onload = function () {
      index = window.dalelSearchIndex || [];
      show(query);
    };
    document.head.appendChild(script);
  });
})();
