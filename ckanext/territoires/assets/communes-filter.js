/* /communes: filter-as-you-type. Without JavaScript the form is a plain GET
   form; with it, typing or changing the sort asks the same URL for its
   results only (?partial=results) and puts them in place. */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("territoires-communes-filter");
    if (!form || !window.fetch) { return; }
    var results = document.querySelector(form.getAttribute("data-results"));
    var status = document.querySelector(form.getAttribute("data-status"));
    var timer = null;
    var latest = 0;

    function refresh() {
      var params = new URLSearchParams(new FormData(form));
      var query = params.toString();
      var request = ++latest;
      params.set("partial", "results");
      fetch(form.action + "?" + params.toString(), {headers: {"X-Requested-With": "fetch"}})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
        .then(function (html) {
          if (request !== latest) { return; }  // an older answer arriving late
          results.innerHTML = html;
          var count = results.querySelector(".territoires-result-count");
          if (status && count) { status.textContent = count.textContent.trim(); }
          window.history.replaceState(null, "", form.action + (query ? "?" + query : ""));
        })
        .catch(function () { /* the form still works by submitting it */ });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 200);
    }

    form.querySelector("input[name=q]").addEventListener("input", later);
    form.querySelector("select[name=sort]").addEventListener("change", refresh);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      refresh();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
