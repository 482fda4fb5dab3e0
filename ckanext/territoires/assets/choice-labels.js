/* ckanext-territoires: a name for each "remove" link of the choices made in
   the autocomplete widgets (select2) of the dataset form, which select2
   leaves without text (screen readers would announce an empty link).
   The form says the word to use (data-territoires-remove-label). */
(function () {
  "use strict";

  function nameLinks(form) {
    var word = form.getAttribute("data-territoires-remove-label") || "Remove";
    form.querySelectorAll(".select2-search-choice-close").forEach(function (link) {
      var choice = link.parentNode ? link.parentNode.textContent.trim() : "";
      var name = choice ? word + " " + choice : word;
      if (link.getAttribute("aria-label") !== name) {
        link.setAttribute("aria-label", name);
        link.setAttribute("title", name);
      }
    });
  }

  function start() {
    document.querySelectorAll("form[data-territoires-remove-label]").forEach(function (form) {
      nameLinks(form);
      // select2 adds and removes choices: name the new links (attributes are
      // not observed, so naming them does not call this again)
      new MutationObserver(function () {
        nameLinks(form);
      }).observe(form, { childList: true, subtree: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
