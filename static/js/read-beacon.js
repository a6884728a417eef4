/* Counts one read of the story this page shows: one small POST, no cookie, no identifier.
   Waits until the page is really shown (not prerendered, not a background tab). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var url = script.getAttribute("data-url");
  var article = script.getAttribute("data-article");
  if (!url || !article) return;
  var sent = false;

  function send() {
    if (sent || document.prerendering || document.visibilityState !== "visible") return;
    sent = true;
    var body = new URLSearchParams({ article: article });
    if (navigator.sendBeacon && navigator.sendBeacon(url, body)) return;
    fetch(url, { method: "POST", body: body, keepalive: true, credentials: "omit" })
      .catch(function () {});
  }

  document.addEventListener("visibilitychange", send);
  document.addEventListener("prerenderingchange", send);
  send();
})();
