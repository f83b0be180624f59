// Uploads evidence files in resumable chunks through /api/uploads (see upload.rs): when the
// connection drops, it waits, asks the server how far it got, and goes on from there.
// No framework, no other host; the page works without it, only uploading needs it.
(function () {
  "use strict";
  const form = document.getElementById("evidence-upload");
  if (!form) return;
  const CHUNK = 4 * 1024 * 1024;
  const list = document.getElementById("evidence-progress");
  // Every change carries the session's CSRF token, which the page holds (see auth.rs).
  const csrf = document.querySelector("meta[name=csrf-token]").content;

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = form.querySelector("input[type=file]");
    let failed = false;
    for (const file of input.files) {
      failed = !(await upload(file)) || failed;
    }
    if (!failed) location.reload();
  });

  async function problem(response) {
    try { return (await response.json()).detail; } catch (_) { return response.statusText; }
  }

  async function upload(file) {
    const line = document.createElement("li");
    list.appendChild(line);
    const show = (text) => { line.textContent = file.name + ": " + text; };
    let response = await fetch("/api/uploads", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ size: file.size, file_name: file.name, about: [form.dataset.about] }),
    });
    if (!response.ok) { show(await problem(response)); return false; }
    const id = (await response.json()).id;
    let offset = 0;
    let failures = 0;
    while (offset < file.size) {
      try {
        response = await fetch("/api/uploads/" + id, {
          method: "PATCH",
          headers: { "upload-offset": String(offset), "content-type": "application/octet-stream", "x-csrf-token": csrf },
          body: file.slice(offset, offset + CHUNK),
        });
        if (response.status === 204 || response.status === 201 || response.status === 409) {
          offset = Number(response.headers.get("upload-offset"));
          failures = 0;
        } else {
          show(await problem(response));
          return false;
        }
      } catch (_) {
        // The network: wait longer each time, then ask where the upload stands.
        failures += 1;
        if (failures > 30) { show(form.dataset.failed); return false; }
        show(form.dataset.waiting);
        await new Promise((done) => setTimeout(done, Math.min(30000, 500 * 2 ** failures)));
        try {
          const status = await fetch("/api/uploads/" + id);
          if (status.ok) offset = (await status.json()).offset;
        } catch (_) { /* still offline: try again */ }
        continue;
      }
      show(Math.floor((100 * offset) / file.size) + "%");
    }
    return true;
  }
})();
