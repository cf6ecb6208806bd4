// Konsol petugas: small vanilla JS over the console's JSON API (no framework, no CDN).
// Every POST carries the session's CSRF token (X-CSRF-Token) from <meta name="csrf">.
(function () {
  "use strict";
  // reached from another site, the session cookie (SameSite=Strict) was not sent: load the page
  // again from here, a same-site navigation that sends it (the server asks for this only once)
  if (document.querySelector('meta[name="konsol-retry"]')) { window.location.replace(window.location.href); return; }
  const meta = document.querySelector('meta[name="csrf"]');
  const csrf = meta ? meta.content : "";
  const flash = document.getElementById("flash");

  function say(text, error) {
    if (!flash) return;
    flash.textContent = text || "";
    flash.className = error ? "error" : "";
  }

  async function post(url, body, headers) {
    const opts = { method: "POST", credentials: "same-origin", headers: Object.assign({ "X-CSRF-Token": csrf }, headers || {}) };
    if (body instanceof Blob || body instanceof File) { opts.body = body; }
    else if (body !== undefined) { opts.body = JSON.stringify(body); opts.headers["Content-Type"] = "application/json"; }
    return fetch(url, opts);
  }

  async function result(resp) {
    let data = {};
    try { data = await resp.json(); } catch (e) { data = { error: "Kesalahan " + resp.status }; }
    if (!resp.ok) { say(data.error || ("Kesalahan " + resp.status), true); return null; }
    say(data.message || "Selesai.");
    return data;
  }

  function reloadSoon() { setTimeout(function () { window.location.reload(); }, 700); }

  document.addEventListener("click", async function (ev) {
    const btn = ev.target.closest("[data-action]");
    if (btn) {
      ev.preventDefault();
      if (btn.dataset.confirm && !window.confirm(btn.dataset.confirm)) return;
      btn.disabled = true;
      const ok = await result(await post(btn.dataset.action, {}));
      btn.disabled = false;
      if (ok) reloadSoon();
      return;
    }
    const out = ev.target.closest("[data-logout]");
    if (out) {
      ev.preventDefault();
      await post(out.dataset.logout, {});
      window.location.href = window.location.pathname.split("/").slice(0, 2).join("/") + "/";
    }
  });

  document.addEventListener("submit", async function (ev) {
    const form = ev.target;
    const d = form.dataset;
    if (!(d.reply || d.publish || d.status || d.remove || d.upload || d.url)) return;
    ev.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      if (d.reply) {
        const text = form.elements.text.value;
        if (await result(await post(d.reply, { text: text }))) { form.elements.text.value = ""; reloadSoon(); }
      } else if (d.publish) {
        if (await result(await post(d.publish, { question: form.elements.question.value }))) reloadSoon();
      } else if (d.status) {
        if (await result(await post(d.status, { status: form.elements.status.value, by: form.elements.by.value }))) reloadSoon();
      } else if (d.remove) {
        const typed = window.prompt("Ketik kode dokumen (" + d.doc + ") untuk menghapusnya dari basis pengetahuan:");
        if (typed !== null && await result(await post(d.remove, { confirm: typed.trim() }))) {
          setTimeout(function () { window.location.href = d.remove.split("/api/")[0] + "/pengetahuan"; }, 700);
        }
      } else if (d.upload) {
        const file = form.elements.file.files[0];
        if (file) await stream(await post(d.upload, file, { "X-Filename": encodeURIComponent(file.name).replace(/%20/g, " "), "Content-Type": file.type || "application/octet-stream" }));
      } else if (d.url) {
        await stream(await post(d.url, { url: form.elements.url.value }));
      }
    } finally {
      if (button) button.disabled = false;
    }
  });

  // live ingestion progress: the response is one JSON object per line
  async function stream(resp) {
    const bar = document.getElementById("ingest-progress");
    const logBox = document.getElementById("ingest-log");
    if (!resp.ok) { await result(resp); return; }
    bar.hidden = false; logBox.hidden = false; logBox.textContent = "";
    const reader = resp.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i); buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        const ev = JSON.parse(line);
        if (ev.stage !== undefined) {
          bar.max = Math.max(1, ev.total); bar.value = ev.done;
          logBox.textContent += ev.stage + ": " + ev.done + "/" + ev.total + "\n";
        } else {
          say(ev.message, !ev.ok);
          logBox.textContent += ev.message + "\n";
        }
      }
    }
  }

  // the queue count and the oldest open ticket's age, kept current
  const badge = document.getElementById("queue-count");
  if (badge && badge.dataset.poll) {
    const tick = async function () {
      try {
        const r = await fetch(badge.dataset.poll, { credentials: "same-origin" });
        if (!r.ok) return;
        const q = await r.json();
        badge.textContent = q.open;
        const open = document.getElementById("queue-open");
        const oldest = document.getElementById("queue-oldest");
        if (open) open.textContent = q.open;
        if (oldest) oldest.textContent = q.oldest_text;
      } catch (e) { /* offline: try again later */ }
    };
    tick();
    setInterval(tick, 10000);
  }
})();
