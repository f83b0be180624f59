// One key a decision on the pair page (the page works without it, with its buttons): S the same
// person, D not the same, N the next pair. Keys typed into the note are the note's.
(function () {
  "use strict";
  const form = document.getElementById("pair-decision");
  if (!form) return;
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    const target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT")) return;
    const key = event.key.toLowerCase();
    if (key === "s" || key === "d") {
      event.preventDefault();
      form.querySelector('button[value="' + (key === "s" ? "same" : "different") + '"]').click();
    } else if (key === "n") {
      event.preventDefault();
      document.getElementById("pair-next").click();
    }
  });
})();
