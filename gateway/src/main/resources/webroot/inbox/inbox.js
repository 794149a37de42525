// Haven inbox: live updates without reloading. No framework, no inline script (CSP).
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var status = document.getElementById("live-status");
  var pending = false;
  function refresh() {
    if (pending) { return; }
    pending = true;
    var url = new URL(window.location.href);
    url.searchParams.set("partial", live.getAttribute("data-live"));
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        var holder = document.createElement("template");
        holder.innerHTML = html; // server-rendered, escaped by the server
        var fresh = holder.content.querySelector("[data-live]");
        if (fresh) { live.replaceWith(fresh); live = fresh; }
        if (status) { status.textContent = status.getAttribute("data-text"); }
      })
      .catch(function () { /* the next event retries */ })
      .finally(function () { pending = false; });
  }
  var caseId = live.getAttribute("data-case");
  var events = new EventSource("/inbox/events");
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
