/* The News Feed updates itself while open: new items appear at the top of the feed block
   (home page, story rail) and of the News Feed page, announced to screen readers. Without
   JavaScript the page is plain HTML and reloading shows new items. Needs poll.js. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(href, text, className) {
    var anchor = el("a", className, text);
    anchor.href = href;
    return anchor;
  }

  function liveBadge() {
    var badge = el("span", "live-badge live-badge--small", "Live");
    var wrap = document.createDocumentFragment();
    wrap.appendChild(badge);
    wrap.appendChild(document.createTextNode(" "));
    return wrap;
  }

  function timeEl(item, text, className) {
    var time = el("time", className, text);
    time.setAttribute("datetime", item.time);
    return time;
  }

  function blockItem(item) {
    var li = el("li", "feed-block__item" + (item.live ? " feed-block__item--live" : ""));
    li.id = "feed-" + item.key;
    li.appendChild(timeEl(item, item.time_label));
    li.appendChild(document.createTextNode(" "));
    var anchor = link(item.url, "");
    if (item.live) anchor.appendChild(liveBadge());
    anchor.appendChild(document.createTextNode(item.headline));
    li.appendChild(anchor);
    return li;
  }

  function pageItem(item) {
    var li = el("li", "feed-item" + (item.live ? " feed-item--live" : ""));
    li.id = "feed-" + item.key;
    li.appendChild(timeEl(item, item.clock, "feed-item__time"));
    var body = el("div", "feed-item__body");
    var label = link(item.label_url, "", "label");
    if (item.live) label.appendChild(liveBadge());
    label.appendChild(document.createTextNode(item.label));
    body.appendChild(label);
    var heading = el("h3", "feed-item__headline");
    heading.appendChild(link(item.url, item.headline));
    body.appendChild(heading);
    if (item.summary) body.appendChild(el("p", "feed-item__summary", item.summary));
    li.appendChild(body);
    return li;
  }

  function dayList(root, item) {
    var days = root.querySelector("[data-feed-days]");
    var first = days.querySelector(".feed-day");
    if (first && first.getAttribute("data-day") === item.day) {
      return first.querySelector(".feed-list");
    }
    var count = days.querySelectorAll(".feed-day").length + 1;
    var section = el("section", "feed-day");
    section.setAttribute("data-day", item.day);
    section.setAttribute("aria-labelledby", "feed-day-new-" + count);
    var heading = el("h2", "feed-day__title", item.day_heading);
    heading.id = "feed-day-new-" + count;
    section.appendChild(heading);
    var list = el("ol", "feed-list");
    section.appendChild(list);
    days.insertBefore(section, first);
    return list;
  }

  function setUp(root) {
    var style = root.getAttribute("data-feed-style");
    var since = root.getAttribute("data-feed-since") || "";
    var limit = parseInt(root.getAttribute("data-feed-limit"), 10) || 0;
    var announcer = root.querySelector("[data-feed-announcer]");

    window.NewsroomPoll({
      url: root.getAttribute("data-feed-url"),
      seconds: parseInt(root.getAttribute("data-poll-seconds"), 10) || 30,
      since: function () { return since; },
      receive: function (data) {
        var fresh = data.items.filter(function (item) {
          return !document.getElementById("feed-" + item.key);
        });
        if (!fresh.length) return;
        var empty = root.querySelector("[data-feed-empty]");
        if (empty) empty.remove();
        // Oldest first, each inserted on top: the newest ends up first.
        fresh.slice().reverse().forEach(function (item) {
          if (style === "page") {
            var list = dayList(root, item);
            list.insertBefore(pageItem(item), list.firstChild);
          } else {
            var blockList = root.querySelector("[data-feed-list]");
            blockList.insertBefore(blockItem(item), blockList.firstChild);
            while (limit && blockList.children.length > limit) blockList.lastElementChild.remove();
          }
        });
        if (!since || Date.parse(fresh[0].time) > Date.parse(since)) since = fresh[0].time;
        window.NewsroomPoll.announce(announcer, fresh.length, "new item in the News Feed", "new items in the News Feed");
      },
    });
  }

  function start() {
    if (!window.fetch || !window.NewsroomPoll) return;
    document.querySelectorAll("[data-feed-url]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
