/*
 * The Wagtail admin under Beacon's strict Content-Security-Policy (script-src 'self', style-src 'self').
 *
 * 1. Wagtail starts some panels and widgets with inline <script> elements, which the policy blocks. Beacon's
 *    templates print inert elements instead (see beacon/core/wagtail_hooks.py):
 *      <div hidden data-beacon-admin-init="InlinePanel" data-options="{json}">
 *      <span hidden data-beacon-admin-init="initDateChooser" data-id="id_x" data-config="{json}">
 *    This script makes, for each of them, the call Wagtail's inline script made: once when the page has been
 *    parsed, and for elements added later (a new InlinePanel child form, a teleported dialog, a modal).
 *    Only the functions listed in INITIALISERS can be called, and each element is started once.
 *
 * 2. Draftail (the rich text editor) renders <style> elements from React, which the policy also blocks.
 *    Style elements made by script are made inert here, and their CSS applied through a constructed
 *    stylesheet (CSSOM, which a CSP does not govern). Style in the page's markup stays blocked.
 *
 * 3. Jcrop (the image focal point chooser) tests for touch support by setting an inline event handler
 *    attribute, which the policy blocks and reports. It is given the answer that test would find.
 *
 * 4. The multiple image upload previews each file from a blob: URL, which img-src 'self' data: blocks; it
 *    is made to read the file into a data: URL instead (load-image's own fallback).
 *
 * Loaded with `defer` by the insert_global_admin_js hook, so Wagtail's scripts have all run.
 */
(() => {
  'use strict';

  const ATTRIBUTE = 'data-beacon-admin-init';
  const DONE = 'data-beacon-admin-init-done';

  const json = (element, name) => {
    const text = element.getAttribute(`data-${name}`);
    return text ? JSON.parse(text) : undefined;
  };
  const construct = (Constructor, element) => new Constructor(element.dataset.id, json(element, 'config'));
  const call = (fn, element) => fn(element.dataset.id, json(element, 'config'));
  const panel = (Constructor, element) => new Constructor(json(element, 'options'));

  // The globals Wagtail defines, and how Wagtail's inline scripts called them. Nothing else can be called.
  const INITIALISERS = new Map([
    ['InlinePanel', panel],
    ['MultipleChooserPanel', panel],
    ['initDateChooser', call],
    ['initTimeChooser', call],
    ['initDateTimeChooser', call],
    ['createTaskChooser', (fn, element) => fn(element.dataset.id)],
    ['Chooser', construct],
    ['PageChooser', construct],
    ['ImageChooser', construct],
    ['DocumentChooser', construct],
    ['SnippetChooser', construct],
  ]);

  const started = new WeakSet();

  const start = (element) => {
    if (started.has(element)) return;
    const name = element.getAttribute(ATTRIBUTE);
    const initialiser = INITIALISERS.get(name);
    if (!initialiser) {
      started.add(element);
      console.error(`beacon/admin-csp.js: no initialiser for ${ATTRIBUTE}="${name}"`, element);
      return;
    }
    const fn = window[name];
    // Its script has not run yet: tried again on DOMContentLoaded and on load.
    if (typeof fn !== 'function') return;
    started.add(element);
    element.setAttribute(DONE, '');
    try {
      initialiser(fn, element);
    } catch (error) {
      console.error(`beacon/admin-csp.js: ${name} failed`, element, error);
    }
  };

  const startAll = (root) => {
    if (root.nodeType === Node.ELEMENT_NODE && root.hasAttribute(ATTRIBUTE)) start(root);
    if (root.querySelectorAll) root.querySelectorAll(`[${ATTRIBUTE}]`).forEach(start);
  };

  // --- 2. <style> elements made by script, applied through constructed stylesheets -------------------------
  const INERT_STYLE = 'beacon-inert-style';
  const sheets = new Map(); // inert element -> [CSSStyleSheet, MutationObserver]
  const supportsConstructedSheets =
    'adoptedStyleSheets' in Document.prototype && 'replaceSync' in CSSStyleSheet.prototype;

  const adopt = (holder) => {
    if (sheets.has(holder)) return;
    const sheet = new CSSStyleSheet();
    const sync = () => sheet.replaceSync(holder.textContent || '');
    sync();
    const observer = new MutationObserver(sync);
    observer.observe(holder, { childList: true, characterData: true, subtree: true });
    sheets.set(holder, [sheet, observer]);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  };

  const release = () => {
    for (const [holder, [sheet, observer]] of sheets) {
      if (!holder.isConnected) {
        observer.disconnect();
        sheets.delete(holder);
        document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
      }
    }
  };

  const adoptAll = (root) => {
    if (root.nodeType === Node.ELEMENT_NODE && root.localName === INERT_STYLE) adopt(root);
    if (root.querySelectorAll) root.querySelectorAll(INERT_STYLE).forEach(adopt);
  };

  if (supportsConstructedSheets) {
    const createElement = document.createElement;
    // An own property of this document only: markup (innerHTML, the parser) never comes through here, so a
    // <style> in the page's HTML is still blocked by the policy.
    document.createElement = function beaconCreateElement(tagName, options) {
      if (this === document && String(tagName).toLowerCase() === 'style') {
        const holder = createElement.call(document, INERT_STYLE);
        holder.hidden = true;
        return holder;
      }
      return createElement.call(this, tagName, options);
    };
  }

  // --- 3. Jcrop's touch support, without an inline event handler --------------------------------------------
  // Jcrop sets `ontouchstart="return;"` on a <div> unless the element already has the property, and in
  // either case ends up with whether it has. Its `touchSupport` option skips that test.
  const jcrop = window.jQuery && window.jQuery.Jcrop;
  if (jcrop && jcrop.defaults && jcrop.defaults.touchSupport == null) {
    const div = document.createElement('div');
    jcrop.defaults.touchSupport = ['ontouchstart', 'ontouchmove', 'ontouchend'].every((name) => name in div);
  }

  // --- 4. Upload previews from data: URLs, not blob: URLs -----------------------------------------------------
  // load-image (blueimp) shows `createObjectURL(file)` if that gives a URL, else reads the file with FileReader.
  if (window.loadImage && typeof window.loadImage.createObjectURL === 'function') {
    window.loadImage.createObjectURL = () => false;
  }

  // --- Elements present now, and added later ------------------------------------------------------------------
  const observer = new MutationObserver((mutations) => {
    let removed = false;
    for (const mutation of mutations) {
      for (const node of mutation.addedNodes) {
        if (node.nodeType !== Node.ELEMENT_NODE) continue;
        startAll(node);
        if (supportsConstructedSheets) adoptAll(node);
      }
      removed = removed || mutation.removedNodes.length > 0;
    }
    if (removed && sheets.size) release();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });

  startAll(document);
  document.addEventListener('DOMContentLoaded', () => startAll(document));
  window.addEventListener('load', () => startAll(document));
})();
