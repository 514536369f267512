(() => {
  "use strict";
  const body = document.body;
  const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
  const thisYear = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const otherYear = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

  function localTimes(root) {
    root.querySelectorAll("time[datetime]").forEach((t) => {
      const at = new Date(t.getAttribute("datetime"));
      if (isNaN(at)) return;
      const format = !("compact" in t.dataset) ? full : at.getFullYear() === new Date().getFullYear() ? thisYear : otherYear;
      t.textContent = format.format(at);
      t.title = full.format(at);
    });
  }

  async function copy(text, button) {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement("textarea");
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand("copy"); area.remove();
    }
    const label = button.querySelector("span");
    const before = label ? label.textContent : "";
    button.classList.add("copied");
    if (label) label.textContent = body.dataset.copied;
    setTimeout(() => { button.classList.remove("copied"); if (label) label.textContent = before; }, 1500);
  }

  document.addEventListener("click", (e) => {
    const button = e.target.closest("[data-copy], [data-copy-text]");
    if (!button) return;
    const source = button.dataset.copy ? document.querySelector(button.dataset.copy) : null;
    copy(source ? source.value : button.dataset.copyText, button);
  });

  document.addEventListener("submit", (e) => {
    const message = e.target.dataset.confirm;
    if (message && !window.confirm(message)) e.preventDefault();
  });

  // The create form: the UTC offset turns the local expiry into an instant; the limit only matters for multi use.
  const offset = document.querySelector("[data-utc-offset]");
  if (offset) offset.value = String(new Date().getTimezoneOffset());
  const usage = document.getElementById("link-usage");
  const limitRow = document.querySelector("[data-limit-row]");
  if (usage && limitRow && usage.tagName === "SELECT") {
    const sync = () => { limitRow.hidden = usage.value !== "multi"; };
    usage.addEventListener("change", sync); sync();
  }

  localTimes(document);

  // A page drawn as the answer to a form names the address it lives at: the address bar shows that
  // one, so live refreshes (and a reload) read the page there instead of the form's address.
  if (body.dataset.href && location.pathname !== body.dataset.href) history.replaceState(null, "", body.dataset.href + location.hash);

  // Live updates: an event means "something of this account changed"; the page fetches itself
  // again and swaps every [data-live] part, except one the person is typing in.
  if (!("seq" in body.dataset) || !window.EventSource || !window.fetch) return;
  let fetching = false, again = false, retry = 0;

  function busy(part) {
    if (part.contains(document.activeElement) && document.activeElement !== document.body) return true;
    return [...part.querySelectorAll("input, textarea")].some((f) =>
      f.type !== "hidden" && !f.readOnly && f.value !== f.defaultValue);
  }

  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } });
      const landed = new URL(response.url);
      if (landed.pathname === "/dashboard" || landed.pathname === "/dashboard/") { location.reload(); return; }
      if (!response.ok) return;
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      let deferred = false;
      document.querySelectorAll("[data-live][id]").forEach((part) => {
        const next = fresh.getElementById(part.id);
        if (!next) return;
        if (busy(part)) { deferred = true; return; }
        if (next.outerHTML === part.outerHTML) return;
        const node = document.importNode(next, true);
        part.replaceWith(node);
        localTimes(node);
      });
      if (deferred) { clearTimeout(retry); retry = setTimeout(refresh, 2000); }
      body.dataset.refreshed = String(Date.now());
    } catch {
      again = true;
    } finally {
      fetching = false;
      if (again) { again = false; setTimeout(refresh, 300); }
    }
  }

  const stream = new EventSource("/dashboard/events?after=" + encodeURIComponent(body.dataset.seq));
  stream.addEventListener("ready", () => { body.dataset.live = "on"; });
  stream.addEventListener("change", refresh);
  stream.onerror = () => {
    body.dataset.live = "off";
    // A closed stream (not a retrying one) usually means the session ended: the refresh finds out.
    if (stream.readyState === EventSource.CLOSED) refresh();
  };
})();
