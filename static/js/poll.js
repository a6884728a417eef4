/* Shared by news-feed.js and live.js: ask a JSON URL every few seconds while the page is
   visible, with the time of the newest item shown as ?since=. Pauses in background tabs. */
(function () {
  "use strict";
  if (window.NewsroomPoll) return;
  window.NewsroomPoll = function (options) {
    var seconds = options.seconds || 30;
    var timer = null;
    var stopped = false;

    function schedule() {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(tick, seconds * 1000);
    }

    function tick() {
      if (stopped) return;
      if (document.visibilityState !== "visible") return; // resumed by visibilitychange
      var url = options.url + (options.since() ? "?since=" + encodeURIComponent(options.since()) : "");
      fetch(url, { headers: { Accept: "application/json" }, credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (data) {
            if (data.poll_seconds) seconds = data.poll_seconds;
            if (options.receive(data) === false) stopped = true;
          }
        })
        .catch(function () {})
        .then(schedule);
    }

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") tick();
    });
    schedule();
    return { now: tick };
  };

  window.NewsroomPoll.announce = function (element, count, singular, plural) {
    if (!element || !count) return;
    element.textContent = count + " " + (count === 1 ? singular : plural);
  };
})();
