// Haven inbox: live updates without reloading, the case page's toolbar that saves on change,
// Ctrl+Enter, confirmations and keyboard shortcuts. No framework, no inline script (CSP).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var status = document.getElementById("live-status");
  function say(text) { if (status && text) { status.textContent = ""; status.textContent = text; } }

  // Forms that destroy or lock out say what will happen and ask first (data-confirm holds the text).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var text = form.getAttribute && form.getAttribute("data-confirm");
    if (text && !window.confirm(text)) { e.preventDefault(); }
  }, true);

  // The case page's toolbar: a change is saved at once, in the background, and the page stays.
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave]"), function (form) {
    form.addEventListener("change", function () {
      fetch(form.action, { method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Haven-Autosave": "1" },
        body: new URLSearchParams(new FormData(form)).toString() })
        .then(function (r) {
          if (r.status !== 204) { throw new Error(r.status); }
          var to = r.headers.get("X-Haven-Location") || "";
          var here = window.location.pathname;
          // a change that leads away (a closed case goes back to the list) or was refused is shown
          if (to.split("?")[0] !== here || /[?&]m=case\.(not_yours|claimed_by_other|empty_text)/.test(to)) {
            window.location.assign(to);
            return;
          }
          // the header's status and assignee say what was just saved ("—" saves nothing)
          [["status", "case-status"], ["account", "case-assignee"]].forEach(function (pair) {
            var select = form.querySelector("select[name=" + pair[0] + "]");
            var shown = document.getElementById(pair[1]);
            if (select && shown && select.value) { shown.textContent = select.options[select.selectedIndex].text; }
          });
          // a change that changed the status too (a new case assigned is claimed) says which
          var changed = r.headers.get("X-Haven-Status");
          var statusSelect = document.querySelector("select[name=status]");
          var statusShown = document.getElementById("case-status");
          if (changed && statusSelect && statusShown) {
            statusSelect.value = changed;
            if (statusSelect.selectedIndex >= 0 && statusSelect.value === changed) {
              statusShown.textContent = statusSelect.options[statusSelect.selectedIndex].text;
              Array.prototype.forEach.call(statusSelect.querySelectorAll("option[value='']"), function (o) { o.remove(); });
            }
          }
          form.setAttribute("data-saved", "1");
          say(status && status.getAttribute("data-saved"));
        })
        .catch(function () { form.submit(); });
    });
  });

  // Ctrl+Enter (or Cmd+Enter) in a reply or note sends it.
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-send]"), function (area) {
    area.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        var button = document.getElementById(area.getAttribute("data-send"));
        if (button) { button.click(); }
      }
    });
  });

  // On a phone the answers panel starts folded, under the conversation.
  var panel = document.getElementById("answers-panel");
  if (panel && window.matchMedia && window.matchMedia("(max-width: 63.99rem)").matches) {
    panel.open = false;
  }

  // Recovery codes: one button copies them all, one per line.
  var copy = document.getElementById("copy-codes");
  var codes = document.getElementById("recovery-codes");
  if (copy && codes && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = Array.prototype.map.call(codes.querySelectorAll("code"), function (c) { return c.textContent; }).join("\n");
      navigator.clipboard.writeText(text + "\n").then(function () {
        copy.textContent = copy.getAttribute("data-copied");
      });
    });
  }

  // Keyboard: j/k through the queue, c claims, r replies, ? lists the shortcuts. Never while typing.
  var help = document.getElementById("shortcuts");
  var current = -1;
  function caseLinks() { return document.querySelectorAll("table.queue a[href^='/inbox/cases/']"); }
  function move(by) {
    var links = caseLinks();
    if (!links.length) { return; }
    current = Math.max(0, Math.min(links.length - 1, current + by));
    Array.prototype.forEach.call(document.querySelectorAll("tr.current"), function (r) { r.classList.remove("current"); });
    var link = links[current];
    var row = link.closest("tr");
    if (row) { row.classList.add("current"); }
    link.focus();
  }
  // c on a queue row chosen with j/k claims that case, as its page's Claim button would (the
  // server answers with the case page); only for a new case, which the row says by its status.
  function claimFromQueue() {
    var link = caseLinks()[current];
    var row = link && link.closest("tr");
    var token = document.querySelector("input[name=csrf]");
    if (!row || !token || !row.hasAttribute("data-claimable")) { return false; }
    var form = document.createElement("form");
    form.method = "post";
    form.action = link.getAttribute("href") + "/claim";
    var csrf = document.createElement("input");
    csrf.type = "hidden";
    csrf.name = "csrf";
    csrf.value = token.value;
    form.appendChild(csrf);
    document.body.appendChild(form);
    form.submit();
    return true;
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) { return; }
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) { return; }
    if (help && help.open) { return; }
    var claim = document.getElementById("claim");
    var replyBox = document.getElementById("reply-text");
    if (e.key === "j") { move(1); }
    else if (e.key === "k") { move(-1); }
    else if (e.key === "c" && claim) { claim.click(); }
    else if (e.key === "c" && current >= 0 && claimFromQueue()) { /* posted */ }
    else if (e.key === "r" && replyBox) { replyBox.focus(); replyBox.scrollIntoView({ block: "center" }); }
    else if (e.key === "?" && help && help.showModal) { help.showModal(); }
    else { return; }
    e.preventDefault();
  });

  // The queue: the page title counts the new cases in the person's groups; a new urgent case can
  // raise a browser notification, when the person turned it on.
  var baseTitle = document.title.replace(/^\(\d+\) /, "");
  var lastUrgent = null;
  function counted() {
    var q = document.getElementById("queue");
    if (!q || !q.hasAttribute("data-new")) { return; }
    var n = parseInt(q.getAttribute("data-new"), 10) || 0;
    document.title = (n > 0 ? "(" + n + ") " : "") + baseTitle;
    var urgent = parseInt(q.getAttribute("data-urgent"), 10) || 0;
    if (lastUrgent !== null && urgent > lastUrgent && window.Notification && Notification.permission === "granted"
        && localStorage.getItem("haven.notify") === "1") {
      new Notification(q.getAttribute("data-notify") || "Haven");
    }
    lastUrgent = urgent;
  }
  counted();
  document.addEventListener("haven:refreshed", counted);
  var notify = document.getElementById("notify-urgent");
  if (notify && window.Notification) {
    notify.hidden = false;
    notify.addEventListener("click", function () {
      Notification.requestPermission().then(function (p) {
        if (p === "granted") { localStorage.setItem("haven.notify", "1"); say(notify.getAttribute("data-on")); }
      });
    });
  }

  var canned = document.getElementById("canned");
  var reply = document.getElementById("reply-text");
  if (canned && reply) {
    canned.addEventListener("change", function () {
      var opt = canned.options[canned.selectedIndex];
      if (opt && opt.getAttribute("data-text")) { reply.value = opt.getAttribute("data-text"); reply.focus(); }
    });
  }

  // The work forms of the case page (toolbar, reply, note, answers, export) go away.
  function putAway() {
    Array.prototype.forEach.call(document.querySelectorAll("main .toolbar, main .work, main .case-side"), function (el) {
      el.remove();
    });
  }
  function tell(id, text) {
    var note = document.createElement("p");
    note.id = id;
    note.className = "error";
    note.setAttribute("role", "alert");
    note.textContent = text;
    return note;
  }
  // The case is gone: say so where the conversation was, and put the work forms away.
  function gone() {
    var live = document.querySelector("[data-live]");
    if (live) { live.replaceWith(tell("case-gone", status ? status.getAttribute("data-gone") : "")); }
    putAway();
  }
  // The case was given to someone else (or back to the queue): the thread stays, the work goes.
  function taken(section) {
    if (document.getElementById("case-taken")) { return; }
    section.parentNode.insertBefore(tell("case-taken", status ? status.getAttribute("data-taken") : ""), section);
    putAway();
  }

  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource) { return; }
  var pending = false;
  var again = false;
  var failures = 0;
  var ended = false;
  // One refresh at a time; an event that arrives meanwhile asks for one more after it, so a case
  // that arrives while the list is being fetched is never missed.
  function refresh() {
    if (ended) { return; }
    if (pending) { again = true; return; }
    pending = true;
    again = false;
    var url = new URL(window.location.href);
    url.searchParams.set("partial", live.getAttribute("data-live"));
    // marked as the page's own request: it does not keep the session from its idle timeout
    fetch(url.toString(), { credentials: "same-origin", headers: { "Accept": "text/html", "X-Haven-Background": "1" } })
      .then(function (r) {
        if (r.status === 404 && caseId) { ended = true; gone(); return null; }
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var holder = document.createElement("template");
        holder.innerHTML = html; // server-rendered, escaped by the server
        var fresh = holder.content.querySelector("[data-live]");
        // announced only when something changed (the look when the stream opens usually finds nothing new)
        if (fresh && fresh.outerHTML !== live.outerHTML) {
          var couldWork = live.getAttribute("data-may-work") === "yes";
          live.replaceWith(fresh);
          live = fresh;
          if (couldWork && fresh.getAttribute("data-may-work") === "no") { taken(fresh); }
          say(status && status.getAttribute("data-text"));
          document.dispatchEvent(new CustomEvent("haven:refreshed"));
        }
        failures = 0;
      })
      .catch(function () { failures += 1; again = true; })
      .finally(function () {
        pending = false;
        // a failed fetch is tried again, later each time (at most every 30 s)
        if (again && !ended) { setTimeout(refresh, failures ? Math.min(30000, 1000 * Math.pow(2, failures)) : 0); }
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
})();
