// Haven inbox: live updates without reloading. No framework, no inline script (CSP).
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var status = document.getElementById("live-status");
  var pending = false;
  var again = false;
  var failures = 0;
  // One refresh at a time; an event that arrives meanwhile asks for one more after it, so a case
  // that arrives while the list is being fetched is never missed.
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    again = false;
    var url = new URL(window.location.href);
    url.searchParams.set("partial", live.getAttribute("data-live"));
    // marked as the page's own request: it does not keep the session from its idle timeout
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html", "X-Haven-Background": "1" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html; // server-rendered, escaped by the server
        var fresh = holder.content.querySelector("[data-live]");
        // announced only when something changed (the look when the stream opens usually finds nothing new)
        if (fresh && fresh.outerHTML !== live.outerHTML) {
          live.replaceWith(fresh);
          live = fresh;
          if (status) { status.textContent = status.getAttribute("data-text"); }
        }
        failures = 0;
      })
      .catch(function () { failures += 1; again = true; })
      .finally(function () {
        pending = false;
        // a failed fetch is tried again, later each time (at most every 30 s)
        if (again) { setTimeout(refresh, failures ? Math.min(30000, 1000 * Math.pow(2, failures)) : 0); }
      });
  }
  var caseId = live.getAttribute("data-case");
  var events = new EventSource("/inbox/events");
  // events sent before the stream opened are gone: those between the page's rendering and the
  // stream's first opening (a slow connection), and those while it was lost. Look again each time.
  events.addEventListener("open", function () { refresh(); });
  ["case_new", "message_new", "case_changed", "case_deleted"].forEach(function (kind) {
    events.addEventListener(kind, function (e) {
      if (caseId) {
        try { if (JSON.parse(e.data)["case"] !== caseId) { return; } } catch (err) { return; }
      }
      refresh();
    });
  });
  var canned = document.getElementById("canned");
  var reply = document.getElementById("reply-text");
  if (canned && reply) {
    canned.addEventListener("change", function () {
      var opt = canned.options[canned.selectedIndex];
      if (opt && opt.getAttribute("data-text")) { reply.value = opt.getAttribute("data-text"); reply.focus(); }
    });
  }
})();
