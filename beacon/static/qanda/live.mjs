// Live Q&A: while a session is live, fetch its answered questions every few seconds and redraw the
// list, so people following along see new answers without reloading. The page works without this:
// it shows the answers as they were when it loaded, with a link to refresh.
// Text is set with textContent only: nothing from the server is ever parsed as HTML.

const MIN_SECONDS = 2; // the server sets the pace (data-refresh-seconds); this only stops a runaway loop

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
  const seconds = Math.max(Number(root.dataset.refreshSeconds) || 20, MIN_SECONDS);
  let known = list.children.length;
  let timer = null;

  async function refresh() {
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
    if (data.live) {
      schedule(seconds);
    } else if (announce) {
      announce.textContent = "The session has ended. Reload the page to see the published answers.";
    }
  }

  function schedule(delay) {
    if (timer === null) {
      timer = window.setTimeout(refresh, delay * 1000);
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

for (const root of document.querySelectorAll("[data-qanda-live]")) {
  initLiveAnswers(root);
}
