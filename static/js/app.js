// Starts the NHS.UK frontend components. Loaded as a module file, never inline,
// so the Content-Security-Policy needs no nonce and cached pages stay identical.
import { initAll } from "../build/nhsuk/nhsuk-frontend.min.js";

initAll();
