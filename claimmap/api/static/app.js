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

  function followJob(box) {
    var url = box.getAttribute("data-status-url");
    var stage = document.getElementById("job-stage");
    var elapsed = document.getElementById("job-elapsed");
    var bar = document.getElementById("job-bar");
    var queue = document.getElementById("job-queue");
    var shown = parseFloat(elapsed.textContent) || 0;
    var started = Date.now() - shown * 1000;
    var ticker = setInterval(function () { elapsed.textContent = Math.round((Date.now() - started) / 1000); }, 1000);
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.stage === "done" && j.page_url) { clearInterval(ticker); window.location.assign(j.page_url); return; }
          if (j.stage === "failed") { clearInterval(ticker); window.location.reload(); return; }
          if (j.stage_text) { stage.textContent = j.stage_text; }
          started = Date.now() - j.elapsed * 1000;
          if (typeof j.progress === "number") { bar.value = j.progress; bar.textContent = Math.round(j.progress * 100) + " %"; }
          if (queue) { queue.textContent = j.queue_position ? "number " + j.queue_position + " in the queue" : ""; }
          setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    each("details.claim", function (details) {
      sync(details);
      details.addEventListener("toggle", function () { sync(details); });
    });
    // clicking a highlighted statement (article or comment) opens its claim; the statement links
    // (a.st-link, reachable by Tab) open theirs with Enter too, and move the focus to it
    each("#article [data-st], #comments .zone [data-st]", function (el) {
      el.addEventListener("click", function (ev) {
        var id = el.getAttribute("data-open");
        if (!id) { var ids = el.getAttribute("data-st").split(" "); id = ids[ids.length - 1]; }
        if (el.tagName === "A") { ev.preventDefault(); }
        openClaim(id, true);
        if (el.tagName === "A") {
          var summary = document.querySelector("#claim-" + id + " summary");
          if (summary) { summary.focus({ preventScroll: true }); }
          if (history.replaceState) { history.replaceState(null, "", "#claim-" + id); }
        }
      });
    });
    // the claim filters apply as soon as one changes (the Filter button does it without JavaScript)
    each("form.filters select", function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
    // a progress page: follow the job, then open the report
    var job = document.getElementById("job");
    if (job && window.fetch) { followJob(job); }
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
