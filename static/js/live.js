/* Live coverage updates itself while open: new updates appear on top (pinned ones in the
   pinned area), edited ones are replaced, and screen readers hear how many arrived. The
   server sends each update as HTML rendered from the same template as the page. Without
   JavaScript the page is plain HTML and reloading shows new updates. Needs poll.js. */
(function () {
  "use strict";

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function setUp(root) {
    var since = root.getAttribute("data-live-since") || "";
    var pinned = root.querySelector("[data-live-pinned]");
    var list = root.querySelector("[data-live-list]");
    var announcer = root.querySelector("[data-live-announcer]");

    window.NewsroomPoll({
      url: root.getAttribute("data-live-url"),
      seconds: parseInt(root.getAttribute("data-poll-seconds"), 10) || 15,
      since: function () { return since; },
      receive: function (data) {
        var added = 0;
        data.updates.forEach(function (update) {
          var node = fragment(update.html);
          var existing = document.getElementById(update.key);
          if (existing) {
            if (existing.getAttribute("data-version") !== node.getAttribute("data-version")) {
              existing.replaceWith(node);
            }
          } else {
            var target = update.pinned ? pinned : list;
            target.insertBefore(node, target.firstChild);
            added += 1;
          }
          if (!since || Date.parse(update.time) > Date.parse(since)) since = update.time;
        });
        if (added) {
          var empty = root.querySelector("[data-live-empty]");
          if (empty) empty.remove();
          window.NewsroomPoll.announce(announcer, added, "new update", "new updates");
        }
        return !data.ended;
      },
    });
  }

  function start() {
    if (!window.fetch || !window.NewsroomPoll) return;
    document.querySelectorAll("[data-live-url]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
