// The static mirror's search in the browser (crates/dalel-web/static/search.js), timed in node
// on a synthetic index of 100,000 entries shaped like the one `dalel publish --static` writes
// (four names in four scripts, their Latin forms and keys), plus one entry named in Latin only.
// Usage: node bench/static-search.js
const src = require('fs').readFileSync(require('path').join(__dirname, '../crates/dalel-web/static/search.js'), 'utf8');
const body = src.slice(src.indexOf('function words'), src.indexOf('  function show'));
const given = ["serik","aigul","nurlan","abdulla","meruert","ilyas"];
const idx = [];
for (let i = 0; i < 100000; i++) {
  const a = given[i%6], b = given[Math.floor(i/6)%6];
  idx.push({id: "X"+i, names: [`Серік ${b}${i}`, `${a} ${b}${i}`, `赛力克·${b}${i}`, `سېرىك ${b}`], keys: [a, b+i, a+"x", b+"y"+i]});
}
idx.push({id:"Z", names:["Zhanargul Tursynbaeva"], keys:["zhanargul","tursynbaeva","janargul"]});
const make = new Function('window', 'index', body + '; return {search};');
const f = make({dalelLatin: {"ж":"zh","а":"a","н":"n","р":"r","г":"g","ү":"u","л":"l","т":"t","у":"u","с":"s","ы":"y","б":"b","е":"e","в":"v"}}, idx);
let t = Date.now();
let r = f.search("Жанаргүл Турсынбаева");
console.log("first query (index built):", Date.now() - t, "ms", r.slice(0,3).map(e=>e.id));
t = Date.now(); r = f.search("Janargul"); console.log("Janargul:", Date.now() - t, "ms", r.slice(0,3).map(e=>e.id));
t = Date.now(); r = f.search("Serik Nurlan"); console.log("Serik Nurlan:", Date.now() - t, "ms", r.length);
