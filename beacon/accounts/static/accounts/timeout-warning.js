/*
 * The warning before a staff sign-in ends after its idle time (the GOV.UK Design System's "timeout warning",
 * as HMRC's timeout dialog does it). Loaded with `defer` on every staff page: the Wagtail admin (the
 * insert_global_admin_js hook in beacon/accounts/wagtail_hooks.py) and Beacon's /account/ pages
 * (accounts/staff_base.html). Pages work without it; it only warns.
 *
 * - How long is left comes from the server (data-status-url), never from this page's own count, so several
 *   tabs agree: a page opened or a form sent in another tab puts the warning off. Asking does not count as
 *   activity (BACKGROUND_VIEWS in beacon/accounts/middleware.py), so a tab left open still signs out.
 * - Shortly before the end (the server says how long before) a modal <dialog> opens. Focus moves into it and
 *   stays there until it closes; its title and text are read out as it opens, and the time left is read out
 *   once a minute, then every 20 seconds in the last minute.
 * - "Stay signed in" (or Escape) posts to data-stay-signed-in-url with the CSRF token: the only thing this
 *   script sends that keeps the sign-in. "Sign out" is a form posted to the sign-out page.
 * - Once the server says the sign-in has ended, the page goes to data-signed-out-url, which says why, so the
 *   report or form left open is no longer on the screen.
 */
(() => {
  'use strict';

  const script = document.currentScript;
  if (!script || !window.fetch || typeof window.HTMLDialogElement !== 'function') return;
  const { statusUrl, staySignedInUrl, signOutUrl, signedOutUrl } = script.dataset;
  if (!statusUrl || !staySignedInUrl || !signOutUrl || !signedOutUrl) return;

  const RECHECK_WHILE_OPEN = 15 * 1000; // another tab may have kept the sign-in
  const RETRY = 30 * 1000; // the server could not be reached
  const LONGEST_TIMER = 2 ** 31 - 1;

  let deadline = 0; // when the sign-in ends, by this browser's clock
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
    dialog.className = 'beacon-timeout';
    dialog.setAttribute('aria-labelledby', 'beacon-timeout-title');
    dialog.setAttribute('aria-describedby', 'beacon-timeout-text');
    dialog.innerHTML = `
      <h2 class="beacon-timeout__title" id="beacon-timeout-title">You are about to be signed out</h2>
      <div id="beacon-timeout-text">
        <p class="beacon-timeout__text">For your security, we will sign you out in <strong
          class="beacon-timeout__count"></strong>.</p>
        <p class="beacon-timeout__text">Anything you have not sent will not be saved.</p>
      </div>
      <p class="beacon-timeout__hidden" aria-live="polite" aria-atomic="true"></p>
      <div class="beacon-timeout__actions">
        <button type="button" class="beacon-timeout__button" data-beacon-timeout-stay>Stay signed in</button>
        <form method="post" class="beacon-timeout__form">
          <input type="hidden" name="csrfmiddlewaretoken">
          <button type="submit" class="beacon-timeout__button beacon-timeout__button--secondary">Sign out</button>
        </form>
      </div>`;
    dialog.querySelector('form').action = signOutUrl;
    dialog.querySelector('[data-beacon-timeout-stay]').addEventListener('click', stay);
    // Escape closes the warning and keeps the sign-in, as "Stay signed in" does.
    dialog.addEventListener('cancel', stay);
    document.body.appendChild(dialog);
  };

  const tick = () => {
    const left = secondsLeft();
    dialog.querySelector('.beacon-timeout__count').textContent = words(left);
    const now = roughly(left);
    if (now !== spoken) {
      spoken = now;
      if (left > 0) dialog.querySelector('[aria-live]').textContent = `We will sign you out in ${now}.`;
    }
    if (left === 0) check();
  };

  const open = () => {
    if (!dialog) build();
    dialog.querySelector('input[name=csrfmiddlewaretoken]').value = csrf;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      spoken = roughly(secondsLeft()); // the dialog's own text says it as it opens
      dialog.querySelector('[aria-live]').textContent = '';
      tick();
      dialog.showModal(); // moves focus to "Stay signed in"; the rest of the page cannot be reached
      ticker = window.setInterval(tick, 1000);
      recheck = window.setInterval(check, RECHECK_WHILE_OPEN);
    }
  };

  const close = () => {
    window.clearInterval(ticker);
    window.clearInterval(recheck);
    if (dialog && dialog.open) {
      dialog.close();
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
    }
  };

  const update = (data) => {
    window.clearTimeout(timer);
    if (!data) {
      timer = window.setTimeout(check, RETRY);
      return;
    }
    if (!data.signed_in) {
      close();
      // Ended by the time-out: leave the page. Ended some other way (signed out in another tab): the next
      // click goes to the sign-in page anyway.
      if (deadline && Date.now() >= deadline - 2000) {
        window.location.assign(
          `${signedOutUrl}?next=${encodeURIComponent(window.location.pathname + window.location.search)}`,
        );
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
    const data = await ask(staySignedInUrl, 'POST');
    if (data && data.signed_in) update(data);
    else check(); // refused, or too late: the status says which
  }

  // Timers in a hidden tab can run late: ask again when the person comes back to it.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') check();
  });
  check();
})();
