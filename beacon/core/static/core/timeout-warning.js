/*
 * The warning before something ends after its idle time (the GOV.UK Design System's "timeout warning", as HMRC's
 * timeout dialog does it), for WCAG 2.2.1 (Timing Adjustable): a staff sign-in after 30 idle minutes, and a
 * reporter's answers after 60. Loaded with `defer`; pages work without it, it only warns.
 *
 *   <script src="core/timeout-warning.js" defer data-status-url data-stay-url data-end-url data-template
 *           [data-end-next] [data-end-always] [data-escape-stays] [data-first-check]></script>
 *   <template id="…" data-dialog-class="…" data-live="We will … in {time}."> the dialog's content </template>
 *
 * The dialog's words are the page's own <template> (so they are written, and translated, with the page's
 * other text): it marks the title [data-timeout-title], the text [data-timeout-text], where the time left goes
 * [data-timeout-count], the region that reads it out [data-timeout-live] and the button that keeps things going
 * [data-timeout-stay]. Any csrfmiddlewaretoken field in it (a "Sign out" form) is given the token.
 *
 * - How long is left comes from the server (data-status-url answers {active, remaining, warn, csrf}), never from
 *   this page's own count, so several tabs agree. Asking never counts as activity: a tab left open still ends.
 *   With data-first-check, the page's own loading is taken as activity and the first question waits that many
 *   seconds; otherwise it is asked at once.
 * - Shortly before the end (the server says how long before) a modal <dialog> opens. Focus moves into it and
 *   stays there until it closes; its title and text are read out as it opens, and the time left is read out
 *   once a minute, then every 20 seconds in the last minute.
 * - The stay button (and Escape, with data-escape-stays) posts to data-stay-url with the CSRF token: the only
 *   thing this script sends that keeps things going.
 * - Once the server says it has ended by the time-out, the page is replaced by data-end-url (with ?next= the
 *   page, given data-end-next), which says why, so what was left on the screen is no longer there, and Back
 *   does not bring it back. With data-end-always, whenever the server says it has ended, however it ended (a
 *   reporter's answers sent, deleted or left in another tab): answers on the screen do not outlive the server's.
 */
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || !window.fetch || typeof window.HTMLDialogElement !== 'function') return;
  const { statusUrl, stayUrl, endUrl } = script.dataset;
  const template = document.getElementById(script.dataset.template || '');
  if (!statusUrl || !stayUrl || !endUrl || !template) return;
  const escapeStays = 'escapeStays' in script.dataset;
  const endAlways = 'endAlways' in script.dataset;
  const firstCheck = Number.parseInt(script.dataset.firstCheck || '0', 10) || 0;

  const RECHECK_WHILE_OPEN = 15 * 1000; // another tab may have kept things going
  const RETRY = 30 * 1000; // the server could not be reached
  const LONGEST_TIMER = 2 ** 31 - 1;
  const OURS = 'beacon'; // the returnValue of a close this script made, as against one the browser made

  let deadline = 0; // when it ends, by this browser's clock
  let csrf = '';
  let timer = 0;
  let ticker = 0;
  let recheck = 0;
  let asking = false;
  let dialog = null;
  let returnFocus = null;
  let spoken = '';

  const words = (seconds) => {
    if (seconds > 60) return `${Math.ceil(seconds / 60)} minutes`;
    if (seconds === 60) return '1 minute';
    return seconds === 1 ? '1 second' : `${seconds} seconds`;
  };
  // What a screen reader is told: whole minutes, then every 20 seconds in the last minute.
  const roughly = (seconds) => words(seconds > 60 ? Math.ceil(seconds / 60) * 60 : Math.ceil(seconds / 20) * 20);
  const secondsLeft = () => Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
  const part = (name) => dialog.querySelector(`[data-timeout-${name}]`);

  const stopTimers = () => {
    window.clearInterval(ticker);
    window.clearInterval(recheck);
  };

  const ask = async (url, method) => {
    const headers = { Accept: 'application/json' };
    if (method === 'POST') headers['X-CSRFToken'] = csrf;
    try {
      const response = await fetch(url, { method, headers, credentials: 'same-origin', cache: 'no-store' });
      if (!response.ok || !(response.headers.get('Content-Type') || '').startsWith('application/json')) {
        return null;
      }
      return await response.json();
    } catch {
      return null;
    }
  };

  const build = () => {
    dialog = document.createElement('dialog');
    dialog.className = template.dataset.dialogClass || '';
    dialog.append(template.content.cloneNode(true));
    part('title').id = 'beacon-timeout-title';
    part('text').id = 'beacon-timeout-text';
    dialog.setAttribute('aria-labelledby', 'beacon-timeout-title');
    dialog.setAttribute('aria-describedby', 'beacon-timeout-text');
    part('stay').addEventListener('click', stay);
    dialog.addEventListener('cancel', (event) => {
      if (escapeStays) stay(event); // otherwise Escape is the page's own (the public pages' quick exit)
    });
    // The browser may close the dialog itself, with no cancel event to stop it (Chrome does, for a second
    // Escape or a phone's Back gesture with no click in between). Its timers stop with it; that is not a
    // choice to go on, except where Escape means "stay", so the warning opens again at the next question.
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === OURS) return;
      stopTimers();
      if (escapeStays) stay();
      else {
        window.clearTimeout(timer);
        timer = window.setTimeout(check, RECHECK_WHILE_OPEN);
      }
    });
    document.body.appendChild(dialog);
  };

  const tick = () => {
    const left = secondsLeft();
    part('count').textContent = words(left);
    const now = roughly(left);
    if (now !== spoken) {
      spoken = now;
      if (left > 0) part('live').textContent = (template.dataset.live || '').replace('{time}', now);
    }
    if (left === 0) check();
  };

  const open = () => {
    if (!dialog) build();
    for (const field of dialog.querySelectorAll('input[name=csrfmiddlewaretoken]')) field.value = csrf;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      spoken = roughly(secondsLeft()); // the dialog's own text says it as it opens
      part('live').textContent = '';
      tick();
      dialog.returnValue = '';
      dialog.showModal(); // moves focus to the stay button; the rest of the page cannot be reached
      stopTimers();
      ticker = window.setInterval(tick, 1000);
      recheck = window.setInterval(check, RECHECK_WHILE_OPEN);
    }
  };

  const close = () => {
    stopTimers();
    if (dialog && dialog.open) {
      dialog.close(OURS);
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    }
  };

  const update = (data) => {
    window.clearTimeout(timer);
    if (!data) {
      timer = window.setTimeout(check, RETRY);
      return;
    }
    if (!data.active) {
      close();
      // Ended by the time-out: leave the page. Ended some other way (signed out in another tab): the next
      // click shows that anyway, unless the page asks to leave whenever it has ended.
      if (endAlways || (deadline && Date.now() >= deadline - 2000)) {
        const next = 'endNext' in script.dataset
          ? `?next=${encodeURIComponent(window.location.pathname + window.location.search)}`
          : '';
        window.location.replace(`${endUrl}${next}`);
      }
      return;
    }
    csrf = data.csrf || csrf;
    deadline = Date.now() + data.remaining * 1000;
    const untilWarning = (data.remaining - data.warn) * 1000;
    if (untilWarning > 0) {
      close();
      timer = window.setTimeout(check, Math.min(untilWarning, LONGEST_TIMER));
    } else {
      open();
    }
  };

  async function check() {
    if (asking) return;
    asking = true;
    try {
      update(await ask(statusUrl, 'GET'));
    } finally {
      asking = false;
    }
  }

  async function stay(event) {
    if (event) event.preventDefault();
    const data = await ask(stayUrl, 'POST');
    if (data && data.active) update(data);
    else check(); // refused, or too late: the status says which
  }

  // Timers in a hidden tab can run late: ask again when the person comes back to it (once the first question
  // is due, so that a page only just opened is not asked about at once), and when Back or Forward shows this
  // page again from the browser's memory rather than loading it.
  const started = Date.now();
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - started >= firstCheck * 1000) check();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) check();
  });
  if (firstCheck > 0) timer = window.setTimeout(check, Math.min(firstCheck * 1000, LONGEST_TIMER));
  else check();
})();
