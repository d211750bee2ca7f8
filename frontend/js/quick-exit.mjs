// Quick exit: the "Leave this site" button, the Escape key and Shift pressed three times.
// On exit the page is blanked at once, then the current history entry is replaced by /leave
// (which wipes the visitor's session and redirects to a neutral site), so Back does not return here.
// Without JavaScript the button is a plain link to /leave.

const SHIFT_WINDOW_MS = 1000;

export function initQuickExit(doc) {
  const link = doc.querySelector("[data-quick-exit]");
  if (!link) {
    return;
  }
  const target = link.getAttribute("href");
  let leaving = false;

  function leave(event) {
    if (event) {
      event.preventDefault();
    }
    if (leaving) {
      return;
    }
    leaving = true;
    doc.documentElement.classList.add("beacon-leaving");
    doc.title = "";
    for (const child of Array.from(doc.body.children)) {
      child.hidden = true;
    }
    window.location.replace(target);
  }

  // Every "Leave this site" link: the header's, and one a script adds later (the journey's timeout warning,
  // whose modal dialog puts the header's out of reach).
  doc.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-quick-exit]")) {
      leave(event);
    }
  });

  const shiftTimes = [];
  doc.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || event.key === "Esc") {
      leave(event);
      return;
    }
    if (event.key === "Shift" && !event.repeat) {
      const now = Date.now();
      shiftTimes.push(now);
      while (shiftTimes.length && now - shiftTimes[0] > SHIFT_WINDOW_MS) {
        shiftTimes.shift();
      }
      if (shiftTimes.length >= 3) {
        leave(event);
      }
    } else {
      shiftTimes.length = 0;
    }
  });

  // A page restored from the back/forward cache after leaving stays blank and leaves again.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && doc.documentElement.classList.contains("beacon-leaving")) {
      window.location.replace(target);
    }
  });
}
