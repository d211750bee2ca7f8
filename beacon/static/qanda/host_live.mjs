// The host's live view (admin): every few seconds, ask which approved questions are waiting, and when
// new ones have arrived since the page loaded, say so in a status message with a link to reload the list.
// The list itself is never redrawn, so an answer being typed is never lost. Without JavaScript the host
// reloads the page to see new questions, as before.

const MIN_SECONDS = 2;

export function initHostLive(root) {
  const url = root.dataset.url;
  const notice = root.querySelector("[data-qanda-host-notice]");
  if (!url || !notice) {
    return;
  }
  const known = new Set((root.dataset.known || "").split(",").filter(Boolean).map(Number));
  const seconds = Math.max(Number(root.dataset.refreshSeconds) || 15, MIN_SECONDS);
  let timer = null;
  let shown = "";

  function say(text, withLink) {
    if (text === shown) {
      return; // the same message again: do not make screen readers repeat it
    }
    shown = text;
    const message = document.createElement("p");
    message.textContent = text + (withLink ? " " : "");
    if (withLink) {
      const link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = "Reload the list";
      message.append(link);
    }
    notice.replaceChildren(message);
  }

  async function check() {
    timer = null;
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      data = await response.json();
    } catch {
      schedule(seconds * 2);
      return;
    }
    const waiting = Array.isArray(data.waiting) ? data.waiting : [];
    const fresh = waiting.filter((id) => !known.has(id)).length;
    if (fresh > 0) {
      say(fresh === 1 ? "1 new question is waiting." : `${fresh} new questions are waiting.`, true);
    }
    if (data.live) {
      schedule(seconds);
    } else {
      say("The session is no longer live.", true);
    }
  }

  function schedule(delay) {
    if (timer === null) {
      timer = window.setTimeout(check, delay * 1000);
    }
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden && timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    } else if (!document.hidden) {
      schedule(1);
    }
  });
  schedule(seconds);
}

for (const root of document.querySelectorAll("[data-qanda-host-live]")) {
  initHostLive(root);
}
