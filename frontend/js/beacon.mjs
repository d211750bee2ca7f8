// Beacon's one script module. Everything here only enhances pages that already work without it.
import { initAll } from "./govuk-frontend.min.js";
import { initQuickExit } from "./quick-exit.mjs";

initQuickExit(document);
// GOV.UK Frontend looks for this class before it enhances components (set here, not in an inline script,
// so the Content Security Policy can forbid inline scripts).
document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
