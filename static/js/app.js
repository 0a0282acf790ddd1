// Starts the NHS.UK frontend components. Loaded as a module file, never inline,
// so the Content-Security-Policy needs no nonce and cached pages stay identical.
import { initAll } from "../build/nhsuk/nhsuk-frontend.min.js";

initAll();

// A "Print" button only makes sense with JavaScript: it is hidden in the page until this shows it.
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
