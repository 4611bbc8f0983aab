/* The resident form's anti-robot check: ALTCHA's widget (static/vendor/altcha), which fetches
 * a challenge and solves it in a Web Worker as soon as the page loads, so the person has
 * nothing to read or type. Loaded as a module only where the check is on the page.
 *
 * Before the widget is defined: its texts in the page's language (from the template, so they
 * come from the portal's translation catalog) and the SHA-256 worker, served from our own
 * static files (the external build carries no inline styles or workers, for the CSP). */
import "../vendor/altcha/i18n/zh-cn.js";

const box = document.querySelector("[data-antirobot]");
if (box) {
  const widget = box.querySelector("altcha-widget");
  const language = widget.getAttribute("language");
  const strings = JSON.parse(box.getAttribute("data-strings"));
  const base = globalThis.$altcha.i18n.get(language) || globalThis.$altcha.i18n.get("zh-cn");
  globalThis.$altcha.i18n.set(language, Object.assign({}, base, strings));
  const worker = box.getAttribute("data-worker");
  globalThis.$altcha.algorithms.set("SHA-256", () => new Worker(worker));
  import("../vendor/altcha/altcha.min.js");
}
