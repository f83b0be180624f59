// The static site's search, in the browser: the front page's form looks names up in
// search-index.js (each entry's names, their Latin forms and phonetic keys, and how each letter
// reads in Latin, written by `dalel publish --static`), loaded as a script on the first search
// so that it works from a disk (file://) too. A query word is compared as typed and spelt in
// Latin letters with every form of every name, allowing for spellings that differ by a few
// letters. Without this script the page still lists every entry.
(function () {
  "use strict";
  var form = document.getElementById("site-search");
  var list = document.getElementById("site-results");
  if (!form || !list) return;
  var index = null;
  // Lower case, split at anything that is not a letter.
  function words(text) {
    return text.normalize("NFC").toLowerCase().split(/[^\p{L}\p{M}]+/u)
      .filter(function (w) { return w.length > 0; });
  }
  // A word in Latin letters, letter by letter (dalelLatin, from the names crate).
  function latin(word) {
    var table = window.dalelLatin || {};
    return Array.from(word).map(function (c) { return table[c] !== undefined ? table[c] : c; }).join("")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }
  // Letter pairs of a word, its ends marked: the unit of likeness.
  function pairs(w) {
    var out = new Set();
    var padded = " " + w + " ";
    for (var i = 0; i + 1 < padded.length; i++) out.add(padded.slice(i, i + 2));
    return out;
  }
  // Every form of every entry's names (as written, in Latin, phonetic keys) and, for each letter
  // pair, the forms that have it: made once, on the first search.
  var forms = null, postings = null;
  function build() {
    forms = [];
    postings = new Map();
    index.forEach(function (e, entry) {
      new Set(e.keys.concat(e.names.flatMap(words))).forEach(function (text) {
        var at = forms.length, ps = pairs(text);
        forms.push({ text: text, size: ps.size, entry: entry });
        ps.forEach(function (p) {
          var list = postings.get(p);
          if (!list) postings.set(p, list = []);
          list.push(at);
        });
      });
    });
  }
  // For one query word, each entry's best likeness over its forms: 1 for the same word, 0.9
  // for a form it begins, else the share of letter pairs in common (Dice); the word is tried
  // as typed and spelt in Latin letters.
  var counts = null;
  function likeness(word, best) {
    if (!counts || counts.length < forms.length) counts = new Uint16Array(forms.length);
    [word, latin(word)].forEach(function (v) {
      var ps = pairs(v), touched = [];
      ps.forEach(function (p) {
        var list = postings.get(p) || [];
        for (var i = 0; i < list.length; i++) {
          if (counts[list[i]]++ === 0) touched.push(list[i]);
        }
      });
      for (var i = 0; i < touched.length; i++) {
        var at = touched[i], f = forms[at], common = counts[at];
        counts[at] = 0;
        var like = f.text === v ? 1 : (v.length >= 3 && f.text.indexOf(v) === 0) ? 0.9 : 2 * common / (ps.size + f.size);
        if (like > (best.get(f.entry) || 0)) best.set(f.entry, like);
      }
    });
  }
  // Entries by the sum of their query words' likeness, those alike enough (0.6) counted.
  function search(query) {
    if (!forms) build();
    var total = new Map();
    words(query).forEach(function (w) {
      var best = new Map();
      likeness(w, best);
      best.forEach(function (like, entry) {
        if (like >= 0.6) total.set(entry, (total.get(entry) || 0) + like);
      });
    });
    return Array.from(total).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; }).slice(0, 50)
      .map(function (hit) { return index[hit[0]]; });
  }
  function show(query) {
    list.textContent = "";
    search(query).forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = form.dataset.entries + entry.id + ".html";
      a.textContent = entry.names.join(" · ");
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
