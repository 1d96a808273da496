// claimmap web UI: progressive enhancement only (everything works without it).
// No inline handlers: the Content-Security-Policy allows scripts from /static only.
(function () {
  "use strict";

  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function highlight(id, on) {
    each("#article [data-st], #comments [data-st]", function (el) {
      if ((" " + el.getAttribute("data-st") + " ").indexOf(" " + id + " ") >= 0) {
        el.classList.toggle("active", on);
      }
    });
  }

  function sync(details) {
    var summary = details.querySelector("summary");
    var id = details.getAttribute("data-st");
    if (summary) { summary.setAttribute("aria-expanded", details.open ? "true" : "false"); }
    highlight(id, details.open);
  }

  function openClaim(id, scroll) {
    var details = document.getElementById("claim-" + id);
    if (!details) { return; }
    details.open = true;
    sync(details);
    if (scroll) { details.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    each("details.claim", function (details) {
      sync(details);
      details.addEventListener("toggle", function () { sync(details); });
    });
    // clicking a highlighted statement in the article opens its claim in the side panel
    each("#article [data-st]", function (el) {
      el.addEventListener("click", function () {
        var ids = el.getAttribute("data-st").split(" ");
        openClaim(ids[ids.length - 1], true);
      });
    });
    // a dispute partner link opens the partner's claim
    each("a.partner", function (a) {
      a.addEventListener("click", function () { openClaim(a.getAttribute("href").replace("#claim-", ""), false); });
    });
    // the analyze form: show that work is under way, and stop double submits
    var form = document.getElementById("analyze-form");
    if (form) {
      form.addEventListener("submit", function () {
        var button = document.getElementById("submit");
        var busy = document.getElementById("busy");
        if (button) { button.disabled = true; }
        if (busy) { busy.hidden = false; }
      });
    }
  });
}());
