/* The story body's word count and reading time, live under the editor.

   django-prose-editor copies the body's HTML into its textarea and fires `input` on every
   change; the standfirst is a plain textarea. The reading time follows the rule
   Article.compute_reading_minutes saves (articles/models.py) to the letter, so the figure is
   the one readers will see: the words of the standfirst and the body with the tags stripped
   as Django's strip_tags does (it joins the last word of a paragraph to the first of the
   next), at READING_WORDS_PER_MINUTE, at least one minute. The word count is the body's as
   a writer counts them, every tag a word break. The line is a polite live region. */
(function () {
  "use strict";

  function count(text) {
    return text.split(/\s+/).filter(Boolean).length;
  }

  function words(html) {
    return count((html || "").replace(/<[^>]*>/g, " "));
  }

  function strippedWords(text) {
    return count(text.replace(/<[^>]*>/g, ""));
  }

  function setUp(status) {
    var body = document.getElementById(status.dataset.bodyStats);
    if (!body) return;
    var dek = document.getElementById("id_dek");
    var perMinute = Number(status.dataset.wordsPerMinute) || 230;

    function update() {
      var bodyWords = words(body.value);
      var dekText = dek ? dek.value : "";
      var minutes = Math.max(1, Math.ceil(strippedWords(dekText + " " + body.value) / perMinute));
      status.textContent =
        (bodyWords === 1 ? "1 word" : bodyWords.toLocaleString() + " words") +
        " · " + minutes + " min read";
    }

    body.addEventListener("input", update);
    if (dek) dek.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-body-stats]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
