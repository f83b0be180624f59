// Checks the intake form as it is typed (the form works without it): each ID number is checked
// by /api/id-check (check digit, birth date and sex read from it, contradictions with what was
// entered) and each name is looked up by /api/people/similar, so a volunteer sees a possible
// duplicate and can say it is that person. Nothing is refused; the messages only inform.
(function () {
  "use strict";
  const form = document.getElementById("intake");
  if (!form) return;
  const timers = new Map();

  function later(key, fn) {
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(fn, 300));
  }

  // The block (`t`, `p0`, `p1`...) a field belongs to, and a field of the same block.
  const blockOf = (field) => field.name.split("-")[0];
  const sibling = (block, name) => form.elements[block + "-" + name];

  function output(field) {
    let out = document.getElementById(field.id + "-live");
    if (!out) {
      out = document.createElement("div");
      out.id = field.id + "-live";
      out.className = "live";
      out.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", out);
    }
    return out;
  }

  async function checkIds(field) {
    const block = blockOf(field);
    const birth = sibling(block, "birth");
    const sex = sibling(block, "gender");
    const out = output(field);
    out.replaceChildren();
    for (const number of field.value.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const params = new URLSearchParams({ number });
      if (birth && birth.value.trim()) params.set("birth_date", birth.value.trim());
      if (sex && sex.value) params.set("sex", sex.value);
      const response = await fetch("/api/id-check?" + params);
      if (!response.ok) continue;
      const r = await response.json();
      const line = document.createElement("div");
      if (r.valid === true) {
        line.textContent = "✓ " + number + " · " + [r.birth_date, r.sex, r.area].filter(Boolean).join(" · ");
      } else {
        line.textContent = number;
      }
      for (const warning of r.warnings) {
        const w = document.createElement("div");
        w.className = "flag";
        w.textContent = "⚠ " + warning;
        line.appendChild(w);
      }
      out.appendChild(line);
    }
  }

  // Fills the person block's "already in the archive?" choice (rendered by the server, hidden
  // while empty) with the people whose names are like the one typed.
  async function similar(field) {
    const choice = document.getElementById(field.name.replace(/-names$/, "-same"));
    const name = field.value.split("\n").map((l) => l.trim()).find(Boolean);
    if (!choice || !name) return;
    const response = await fetch("/api/people/similar?" + new URLSearchParams({ name }));
    if (!response.ok) return;
    const people = await response.json();
    const checked = choice.querySelector("input:checked");
    const chosen = checked ? checked.value : "";
    choice.querySelectorAll("p").forEach((p, i) => { if (i > 0) p.remove(); });
    const fresh = choice.querySelector("input[value='']");
    fresh.checked = !people.some((p) => p.id === chosen);
    for (const p of people) {
      const line = document.createElement("p");
      const label = document.createElement("label");
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = choice.id;
      radio.value = p.id;
      radio.checked = p.id === chosen;
      label.append(radio, " " + p.names.join(" · ") + " (" + p.score.toFixed(2) + ")");
      const link = document.createElement("a");
      link.href = "/people/" + p.id;
      link.target = "_blank";
      link.textContent = form.dataset.open;
      line.append(label, " ", link);
      choice.appendChild(line);
    }
    choice.hidden = people.length === 0;
  }

  form.addEventListener("input", (event) => {
    const field = event.target;
    if (!field.name) return;
    const block = blockOf(field);
    if (field.name.endsWith("-ids")) later(field.name, () => checkIds(field));
    // Not for a volunteer: the archive's people are not theirs to see (data-similar="off").
    else if (/^p\d+-names$/.test(field.name) && form.dataset.similar === "on") later(field.name, () => similar(field));
    else if (field.name.endsWith("-birth") || field.name.endsWith("-gender")) {
      const ids = sibling(block, "ids");
      if (ids && ids.value.trim()) later(ids.name, () => checkIds(ids));
    }
  });
})();
