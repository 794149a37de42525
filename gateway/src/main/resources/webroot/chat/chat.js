/* Haven web chat; protocol: docs/webchat-protocol.md. Server text via textContent only,
 * never as HTML. Stores only the resume token, in sessionStorage. */
'use strict';
(function () {
  var KEY = 'haven.resume', LONG = 'That message is too long. Please make it shorter.';
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body, log = $('log'), input = $('text'), statusEl = $('status');
  var ws = null, ready = false, exiting = false, retry = 0, timer = 0, ackTimer = 0, lastEsc = 0;
  var pending = []; // {id, f: frame text, el: bubble, t: times sent}, in send order, until acked
  var opts = null, mem = null, recent = [], skip = [], fresh = false;

  function exitUrl() {
    var u = body.getAttribute('data-exit-url');
    return /^https?:\/\/[^\s"<>]+$/.test(u) ? u : 'https://www.google.com/';
  }

  function quickExit(e) {
    if (e) e.preventDefault();
    var url = exitUrl();
    exiting = true;
    clearTimeout(timer);
    clearTimeout(ackTimer);
    if (ws) { ws.onclose = ws.onmessage = null; try { ws.close(); } catch (x) { /* leaving */ } }
    ws = mem = null;
    pending = [];
    try { sessionStorage.clear(); } catch (x) { /* storage disabled */ }
    try { localStorage.clear(); } catch (x) { /* idem */ }
    body.textContent = ''; // gone at once, even if the next page is slow to load
    location.replace(url);
  }

  function token(v) {
    if (v === undefined) {
      try { return sessionStorage.getItem(KEY) || mem; } catch (x) { return mem; }
    }
    mem = v;
    try { if (v) sessionStorage.setItem(KEY, v); else sessionStorage.removeItem(KEY); } catch (x) { /* memory only */ }
  }

  function status(t) {
    var end = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    statusEl.textContent = t || '';
    if (end) log.scrollTop = log.scrollHeight; // the log just got shorter or taller: stay at the end
  }

  function el(tag, cls, text, lang, dir) {
    var n = document.createElement(tag);
    n.className = cls;
    n.textContent = text;
    if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang)) n.lang = lang;
    n.dir = dir === 'rtl' || dir === 'ltr' ? dir : 'auto';
    return n;
  }

  function add(cls, text, lang, dir) {
    var n = log.appendChild(el('div', cls, text, lang, dir));
    scroll(n);
    return n;
  }

  function scroll(n) {
    log.scrollTop = log.scrollHeight;
    if (n.offsetTop < log.scrollTop) log.scrollTop = n.offsetTop - 8; // long reply: show its start
  }

  function mark(p, failed) {
    var m = p.el.appendChild(el('span', 'mark', failed ? 'Not sent' : '✓ Sent', 'en'));
    if (failed) p.el.className += ' fail'; else m.setAttribute('aria-hidden', 'true');
  }

  function clearOptions() {
    if (opts) log.removeChild(opts);
    opts = null;
  }

  function showOptions(list, lang, dir) {
    clearOptions();
    if (!Array.isArray(list) || !list.length) return;
    opts = log.appendChild(el('div', 'opts', '', lang, dir));
    opts.setAttribute('role', 'group');
    opts.setAttribute('aria-label', 'Choices');
    list.forEach(function (o) {
      if (!o || typeof o.value !== 'string' || !o.value) return;
      var b = opts.appendChild(el('button', '', typeof o.label === 'string' && o.label ? o.label : o.value));
      b.type = 'button';
      b.value = o.value; // what is sent; the label may be in any language
      b.addEventListener('click', function (e) {
        submit(o.value, b.textContent, lang);
        if (e.detail === 0) input.focus(); // keyboard use; a tap must not pop up the phone's keyboard
      });
    });
  }

  function sendFrame(f) {
    try { ws.send(typeof f === 'string' ? f : JSON.stringify(f)); } catch (x) { /* onclose follows */ }
  }

  // No ack in time: the connection is likely dead without the browser knowing. Start over.
  function watch() {
    clearTimeout(ackTimer);
    ackTimer = pending.length && ready ? setTimeout(function () { var s = ws; drop(); if (s) s.close(); }, 20000) : 0;
  }

  // Send what is not acked yet; a message refused five times (an error without id) gives up visibly.
  function flush() {
    if (!ready) return;
    pending = pending.filter(function (p) {
      if (p.t++ >= 5) return mark(p, true); // dropped
      sendFrame(p.f);
      return true;
    });
    watch();
  }

  function submit(text, shown, lang) {
    var a = new Uint8Array(12), id = '', n = add('msg me', shown, lang);
    crypto.getRandomValues(a);
    for (var i = 0; i < 12; i++) id += (a[i] + 256).toString(16).slice(1);
    n.insertBefore(el('span', 'sr', 'You: ', 'en'), n.firstChild);
    clearOptions();
    fresh = true;
    var p = { id: id, f: JSON.stringify({ type: 'message', id: id, text: text }), el: n, t: 0 };
    pending.push(p);
    if (ready) { sendFrame(p.f); p.t++; if (pending.length === 1) watch(); }
    else if (!ws) { retry = 0; connect(); }
    else status('Your message is kept and will be sent.');
  }

  function find(id) {
    for (var i = 0; i < pending.length; i++) if (pending[i].id === id) return i;
    return -1;
  }

  function onError(m) {
    var text = typeof m.message === 'string' && m.message ? m.message : 'Something went wrong. Please try again.';
    var i = find(m.id), s = ws;
    if (m.code === 'rate_limited') { // keep everything pending, pause, then send again in order
      status(text);
      if (ready) {
        ready = false;
        setTimeout(function () { if (ws === s) { ready = true; status(''); flush(); } }, 5000);
      }
    } else if (m.code === 'unavailable') {
      drop();
      status(text);
      if (s) s.close();
    } else if (m.code === 'expired') { // the old conversation is gone: what was not stored is not sent
      pending.forEach(function (p) { mark(p, true); });
      pending = [];
      recent = [];
      token(null);
      ready = false;
      clearOptions();
      add('note', text, m.lang, m.dir);
      sendFrame({ type: 'start' });
    } else {
      if (i >= 0) mark(pending.splice(i, 1)[0], true);
      add('note', text, m.lang, m.dir);
      watch();
    }
  }

  function receive(data) {
    var m;
    try { m = JSON.parse(data); } catch (x) { return; }
    if (!m) return;
    if (m.type === 'session') {
      if (typeof m.resume === 'string' && m.resume && m.resume.length <= 256) token(m.resume);
      // after a reconnect the server repeats its last replies: skip those already on screen
      if (!ready) { ready = true; retry = 0; status(''); skip = recent.slice(); flush(); }
    } else if (m.type === 'history' && typeof m.text === 'string') {
      // after a reload: the conversation since hand-off, as it was shown before
      if (m.from === 'person') {
        var mine = add('msg me', m.text);
        mine.insertBefore(el('span', 'sr', 'You: ', 'en'), mine.firstChild);
        recent = [];
      } else {
        said(m);
      }
    } else if (m.type === 'reply' && typeof m.text === 'string') {
      if (skip[0] === m.text) return skip.shift();
      skip = [];
      if (fresh) recent = [];
      fresh = false;
      var n = said(m);
      showOptions(m.options, m.lang, m.dir);
      scroll(n);
    } else if (m.type === 'ack') {
      var i = find(m.id);
      if (i >= 0) mark(pending.splice(i, 1)[0]);
      watch();
    } else if (m.type === 'error') {
      onError(m);
    }
  }

  // A reply, the bot's or a coordinator's own words: these are marked so in sight and for screen
  // readers. The server repeats only the bot's last replies after a reconnect.
  function said(m) {
    var byPerson = m.from === 'coordinator';
    if (!byPerson) recent.push(m.text);
    var n = add(byPerson ? 'msg coordinator' : 'msg bot', m.text, m.lang, m.dir);
    if (byPerson) {
      var who = el('span', 'who', 'Coordinator', 'en', 'ltr');
      who.appendChild(el('span', '', ' · Coordination', 'fr', 'ltr'));
      n.insertBefore(who, n.firstChild);
    }
    return n;
  }

  function connect() {
    clearTimeout(timer);
    if (exiting || ws) return;
    status(retry ? 'Reconnecting…' : 'Connecting…');
    var s;
    try { s = ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/chat/ws'); } catch (x) { drop(); return; }
    s.onopen = function () {
      var t = token(), f = { type: 'start' };
      if (t) f.resume = t;
      // a reloaded page shows nothing yet: ask for the conversation since hand-off
      if (t && !log.querySelector('.msg')) f.history = true;
      sendFrame(f);
      ackTimer = setTimeout(function () { if (s === ws && !ready) { drop(); s.close(); } }, 20000); // no session
    };
    s.onmessage = function (e) { if (s === ws) receive(e.data); };
    s.onclose = function () { if (s === ws) drop(); };
  }

  function drop() {
    ws = null;
    ready = false;
    clearTimeout(ackTimer);
    clearTimeout(timer);
    if (exiting) return;
    // 1, 2, 4 … 30 s, with jitter so that many phones do not all come back at once
    timer = setTimeout(connect, Math.min(30000, 1000 << Math.min(retry++, 5)) * (0.5 + Math.random() / 2));
    status('Reconnecting…' + (pending.length ? ' Your messages are kept and will be sent.' : ''));
  }

  $('form').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = input.value.trim();
    if (!t) return;
    // 1000 characters, and the frame (id and JSON escapes included) within 4096 bytes
    if (Array.from(t).length > 1000 || new TextEncoder().encode(JSON.stringify(t)).length > 4000) {
      add('note', LONG);
      return;
    }
    input.value = '';
    submit(t, t);
  });

  $('exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    if (Date.now() - lastEsc < 1000) quickExit(e); else lastEsc = Date.now();
  });
  window.addEventListener('online', function () { if (!ws) { retry = 0; connect(); } });

  connect();
}());
