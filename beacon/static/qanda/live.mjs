// Live Q&A, two views that follow a live session by asking the server every few seconds:
// - the public session page redraws its list of answered questions, so people following along see new
//   answers without reloading (without JavaScript it shows the answers as they were, with a link to refresh);
// - the host's live view (admin) says when new questions have been approved since it loaded, with a link to
//   reload the list; the list itself is never redrawn, so an answer being typed is never lost.
// Text is set with textContent only: nothing from the server is ever parsed as HTML.

const MIN_SECONDS = 2; // the server sets the pace (data-refresh-seconds); this only stops a runaway loop

// Fetch `url` as JSON every `seconds` while the tab is visible and hand it to `onData`, which returns
// whether to go on. A failed fetch is tried again after twice the pause.
function poll(url, seconds, onData) {
  let timer = null;
  let stopped = false;

  async function tick() {
    timer = null;
    let data;
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (!response.ok) {
        throw new Error(`status ${response.status}`);
      }
      data = await response.json();
    } catch {
      schedule(seconds * 2); // the network or the server had a moment: try again later
      return;
    }
    if (onData(data)) {
      schedule(seconds);
    } else {
      stopped = true;
    }
  }

  function schedule(delay) {
    if (timer === null && !stopped) {
      timer = window.setTimeout(tick, delay * 1000);
    }
  }

  // Save the visitor's data and our server when the tab is hidden; catch up when it is shown again.
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

function pace(root, fallback) {
  return Math.max(Number(root.dataset.refreshSeconds) || fallback, MIN_SECONDS);
}

function item(answer) {
  const li = document.createElement("li");
  li.className = "govuk-!-margin-bottom-6";
  li.dataset.answerId = String(answer.id);
  const heading = document.createElement("h3");
  heading.className = "govuk-heading-s govuk-!-margin-bottom-1";
  heading.textContent = answer.question;
  li.append(heading);
  const askedBy =
    answer.asked_count > 1 ? `Asked by ${answer.asked_count} people` : answer.asked_by ? `Asked by ${answer.asked_by}` : "";
  if (askedBy) {
    const meta = document.createElement("p");
    meta.className = "govuk-body-s govuk-!-margin-bottom-2";
    meta.textContent = askedBy;
    li.append(meta);
  }
  const body = document.createElement("p");
  body.className = "govuk-body beacon-qanda-answer";
  body.textContent = answer.answer;
  li.append(body);
  return li;
}

export function initLiveAnswers(root) {
  const url = root.dataset.url;
  const list = root.querySelector("[data-qanda-answers]");
  const empty = root.querySelector("[data-qanda-empty]");
  const announce = root.querySelector("[data-qanda-announce]");
  if (!url || !list) {
    return;
  }
  let known = list.children.length;
  poll(url, pace(root, 20), (data) => {
    const answers = Array.isArray(data.answers) ? data.answers : [];
    list.replaceChildren(...answers.map(item));
    if (empty) {
      empty.hidden = answers.length > 0;
    }
    if (announce && answers.length > known) {
      const fresh = answers.length - known;
      announce.textContent = fresh === 1 ? "1 new answer" : `${fresh} new answers`;
    }
    known = answers.length;
    root.dataset.refreshed = String(Date.now());
    if (!data.live && announce) {
      announce.textContent = "The session has ended. Reload the page to see the published answers.";
    }
    return Boolean(data.live);
  });
}

export function initHostLive(root) {
  const url = root.dataset.url;
  const notice = root.querySelector("[data-qanda-host-notice]");
  if (!url || !notice) {
    return;
  }
  const known = new Set((root.dataset.known || "").split(",").filter(Boolean).map(Number));
  let shown = "";

  function say(text) {
    if (text === shown) {
      return; // the same message again: do not make screen readers repeat it
    }
    shown = text;
    const message = document.createElement("p");
    message.textContent = `${text} `;
    const link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Reload the list";
    message.append(link);
    notice.replaceChildren(message);
  }

  poll(url, pace(root, 15), (data) => {
    const waiting = Array.isArray(data.waiting) ? data.waiting : [];
    const fresh = waiting.filter((id) => !known.has(id)).length;
    if (fresh > 0) {
      say(fresh === 1 ? "1 new question is waiting." : `${fresh} new questions are waiting.`);
    }
    if (!data.live) {
      say("The session is no longer live.");
    }
    return Boolean(data.live);
  });
}

for (const root of document.querySelectorAll("[data-qanda-live]")) {
  initLiveAnswers(root);
}
for (const root of document.querySelectorAll("[data-qanda-host-live]")) {
  initHostLive(root);
}
